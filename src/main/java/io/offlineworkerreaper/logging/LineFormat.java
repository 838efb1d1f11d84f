package io.offlineworkerreaper.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/** How one log line reads. A throwable's stack trace follows its message, as in every Java log. */
public enum LineFormat {
    /** The remove-offline-worker script's: {@code 2026-12-02 06:32:33.151 - INFO  - message}. */
    SCRIPT,
    /** For the tests' log: {@code 06:32:33.151 INFO  [thread] Logger - message}. */
    DETAILED;

    private static final String[] NAMES = {"TRACE", "DEBUG", "INFO ", "WARN ", "ERROR"};

    /** The line, its end included, for an event at {@code level} (0, 10, ... 40), logged at {@code millis}. */
    public String format(long millis, int level, String thread, String logger, String message, Throwable thrown) {
        StringBuilder line = new StringBuilder(64 + (message == null ? 4 : message.length()));
        LocalDateTime t = LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneId.systemDefault());
        if (this == SCRIPT) {
            line.append(t.getYear()).append('-');
            two(line, t.getMonthValue()).append('-');
            two(line, t.getDayOfMonth()).append(' ');
        }
        two(line, t.getHour()).append(':');
        two(line, t.getMinute()).append(':');
        two(line, t.getSecond()).append('.');
        int ms = t.getNano() / 1_000_000;
        line.append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10)).append((char) ('0' + ms % 10));
        String name = NAMES[Math.max(0, Math.min(4, level / 10))];
        if (this == SCRIPT) {
            line.append(" - ").append(name).append(" - ");
        } else {
            line.append(' ').append(name).append(" [").append(thread).append("] ")
                    .append(logger.substring(logger.lastIndexOf('.') + 1)).append(" - ");
        }
        line.append(message).append(System.lineSeparator());
        if (thrown != null) {
            StringWriter trace = new StringWriter();
            thrown.printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }

    private static StringBuilder two(StringBuilder b, int v) {
        return b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }
}
