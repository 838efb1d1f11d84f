package io.offlineworkerreaper.text;

import java.util.ArrayList;
import java.util.List;

/** What an exception says, for a log line or a notice. */
public final class Errors {

    private Errors() {
    }

    /** The innermost cause's class and message, e.g. "ConnectException: Connection refused". */
    public static String rootMessage(Throwable t) {
        Throwable root = t;
        List<Throwable> seen = new ArrayList<>();
        while (root.getCause() != null && !seen.contains(root.getCause())) {
            seen.add(root);
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + root.getMessage();
        return root.getClass().getSimpleName() + message;
    }
}
