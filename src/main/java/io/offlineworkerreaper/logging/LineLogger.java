package io.offlineworkerreaper.logging;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** One named logger: its level fixed from the configuration, its lines formatted by SLF4J's own rules. */
final class LineLogger extends LegacyAbstractLogger {

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

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level at, Marker marker, String pattern, Object[] arguments,
                                               Throwable thrown) {
        String message = arguments == null || arguments.length == 0 ? pattern
                : MessageFormatter.basicArrayFormat(pattern, arguments);
        output.write(at.toInt(), name, message, thrown);
    }
}
