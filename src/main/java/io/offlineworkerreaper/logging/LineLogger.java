package io.offlineworkerreaper.logging;

import io.offlineworkerreaper.text.Untrusted;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** One named logger: its level fixed from the configuration, its lines formatted by SLF4J's own rules. */
final class LineLogger extends LegacyAbstractLogger {

    private static final int MAX_ARGUMENT = 65_536;

    private final int level;
    private final transient LogOutput output;

    LineLogger(String name, int level, LogOutput output) {
        this.name = name;
        this.level = level;
        this.output = output;
    }

    @Override
    public boolean isTraceEnabled() {
        return level <= Level.TRACE.toInt();
    }

    @Override
    public boolean isDebugEnabled() {
        return level <= Level.DEBUG.toInt();
    }

    @Override
    public boolean isInfoEnabled() {
        return level <= Level.INFO.toInt();
    }

    @Override
    public boolean isWarnEnabled() {
        return level <= Level.WARN.toInt();
    }

    @Override
    public boolean isErrorEnabled() {
        return level <= Level.ERROR.toInt();
    }

    /**
     * The arguments as single-line text: they carry what came from outside (etcd keys and values, object fields,
     * error messages), and a line break in one must not start a forged log line. Lists stay whole (up to 64 KiB).
     */
    private static Object[] inert(Object[] arguments) {
        Object[] safe = arguments.clone();
        for (int i = 0; i < safe.length; i++) {
            if (safe[i] != null && !(safe[i] instanceof Throwable)) {
                safe[i] = Untrusted.line(String.valueOf(safe[i]), MAX_ARGUMENT);
            }
        }
        return safe;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level at, Marker marker, String pattern, Object[] arguments,
                                               Throwable thrown) {
        String message = arguments == null || arguments.length == 0 ? pattern
                : MessageFormatter.basicArrayFormat(pattern, inert(arguments));
        output.write(at.toInt(), name, message, thrown);
    }
}
