package io.offlineworkerreaper.logging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * How one log line reads. A throwable's stack trace follows its message, as in every Java log. A message of
 * several lines (a notice) has its continuation lines indented: only the reaper's own entries start a line.
 */
public enum LineFormat {
    /** The remove-offline-worker script's: {@code 2026-12-02 06:32:33.151 - INFO  - message}. */
    SCRIPT,
    /** For the tests' log: {@code 06:32:33.151 INFO  [thread] Logger - message}. */
    DETAILED;

    private static final String[] NAMES = {"TRACE", "DEBUG", "INFO ", "WARN ", "ERROR"};
    /** How a message's continuation lines start. */
    static final String CONTINUATION = "    ";

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
        appendInert(line, message);
        line.append(System.lineSeparator());
        if (thrown != null) {
            StringWriter trace = new StringWriter();
            thrown.printStackTrace(new PrintWriter(trace));
            line.append(trace);
        }
        return line.toString();
    }

    /**
     * The message as it may stand in a log: its continuation lines indented by four spaces, so that no text in it
     * (an etcd value, an exception message, a notice's fields) can start a line that reads as a log entry of its
     * own; a carriage return and the other control characters written as escapes.
     */
    static void appendInert(StringBuilder line, String message) {
        if (message == null) {
            line.append("null");
            return;
        }
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c == '\n') {
                line.append(System.lineSeparator()).append(CONTINUATION);
            } else if (c == '\t' || (c >= 0x20 && c != 0x7f && (c < 0x80 || c > 0x9f) && c != '\u2028' && c != '\u2029')) {
                line.append(c);
            } else {
                line.append(String.format("\\u%04x", (int) c));
            }
        }
    }

    private static StringBuilder two(StringBuilder b, int v) {
        return b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }
}
