package io.offlineworkerreaper.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.offlineworkerreaper.text.Untrusted;
import org.slf4j.helpers.MessageFormatter;

/**
 * Logback's {@code %inert} (logback.xml): the message with its arguments, in a form no outside text can forge a
 * log line with. The arguments carry what came from outside (etcd keys and values, object fields, error
 * messages): each is written on one line ({@link Untrusted#line}, up to 64 KiB, lists whole). A message of several
 * lines (a notice, a route's log step) keeps them, its continuation lines indented, so that only the reaper's own
 * entries start a line; carriage returns and the other control characters are written as escapes.
 */
public final class InertMessage extends ClassicConverter {

    /** How a message's continuation lines start. */
    public static final String CONTINUATION = "    ";
    private static final int MAX_ARGUMENT = 65_536;

    @Override
    public String convert(ILoggingEvent event) {
        Object[] arguments = event.getArgumentArray();
        String message = arguments == null || arguments.length == 0 ? event.getMessage()
                : MessageFormatter.basicArrayFormat(event.getMessage(), singleLine(arguments));
        return inert(message);
    }

    private static Object[] singleLine(Object[] arguments) {
        Object[] safe = arguments.clone();
        for (int i = 0; i < safe.length; i++) {
            if (safe[i] != null && !(safe[i] instanceof Throwable)) {
                safe[i] = Untrusted.line(String.valueOf(safe[i]), MAX_ARGUMENT);
            }
        }
        return safe;
    }

    /** {@code message} with its continuation lines indented and its control characters escaped. */
    static String inert(String message) {
        if (message == null) {
            return "null";
        }
        StringBuilder line = null;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            boolean plain = c == '\t' || (c >= 0x20 && c != 0x7f && (c < 0x80 || c > 0x9f) && c != '\u2028'
                    && c != '\u2029');
            if (line == null) {
                if (plain) {
                    continue;
                }
                line = new StringBuilder(message.length() + 16).append(message, 0, i);
            }
            if (plain) {
                line.append(c);
            } else if (c == '\n') {
                line.append(System.lineSeparator()).append(CONTINUATION);
            } else {
                line.append(String.format("\\u%04x", (int) c));
            }
        }
        return line == null ? message : line.toString();
    }
}
