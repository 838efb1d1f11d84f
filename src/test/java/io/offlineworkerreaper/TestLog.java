package io.offlineworkerreaper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The application log of this test run (log4j2-test.properties writes it), to check what was logged. */
final class TestLog {

    private static final Path FILE = Path.of(System.getProperty("reaper.test.log", "target/test-reaper.log"));

    private TestLog() {
    }

    /** What was logged since {@code mark} (a length returned by {@link #text()}.length()). */
    static String since(int mark) {
        String all = text();
        return mark <= all.length() ? all.substring(mark) : all;
    }

    static String text() {
        try {
            return Files.exists(FILE) ? Files.readString(FILE) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
