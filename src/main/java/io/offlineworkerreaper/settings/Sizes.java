package io.offlineworkerreaper.settings;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** File sizes as the settings write them: 500KB, 5MB, 1GB (reaper.log.max-size, reaper.audit.max-size). */
public final class Sizes {

    public static final Pattern SIZE = Pattern.compile("(\\d{1,6})(KB|MB|GB)");
    public static final String EXPECTED = "a size such as 500KB, 5MB or 1GB";

    private Sizes() {
    }

    /** A size that matches {@link #SIZE} ("5MB") in bytes. */
    public static long bytes(String v) {
        Matcher m = SIZE.matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: " + v);
        }
        long unit = switch (m.group(2)) {
            case "KB" -> 1024L;
            case "MB" -> 1024L * 1024;
            default -> 1024L * 1024 * 1024;
        };
        return Long.parseLong(m.group(1)) * unit;
    }
}
