package io.offlineworkerreaper.logging;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.event.Level;

/**
 * What the log writes where, read once from {@code reaper-logging.properties} on the classpath
 * ({@code reaper-logging-test.properties} first, for the tests). Keys:
 * <ul>
 *   <li>{@code level} (every logger) and {@code level.<name>} (that logger and those under it, split at dots; the
 *   longest name that applies wins): TRACE, DEBUG, INFO, WARN, ERROR or OFF;</li>
 *   <li>{@code console.level} (lines below it stay off the console), {@code console.format};</li>
 *   <li>{@code file} (empty: no file), {@code file.format}, {@code file.append}, {@code file.max-size} (KB, MB,
 *   GB; empty: never rotated) and {@code file.max-files}.</li>
 * </ul>
 * A value may name a JVM system property, {@code ${name}} or {@code ${name:-default}}: Application publishes the
 * reaper.log.* settings as system properties before anything logs.
 */
public record LogConfig(int rootLevel, Map<String, Integer> levels, int consoleLevel, LineFormat consoleFormat,
                        String file, LineFormat fileFormat, boolean fileAppend, long fileMaxBytes, int fileMaxFiles) {

    /** Above ERROR: nothing. */
    public static final int OFF = 50;
    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}:]+)(?::-([^}]*))?}");
    /** A file size as the settings write it (reaper.log.max-size, checked by EarlySettings with the same pattern). */
    public static final Pattern SIZE = Pattern.compile("(\\d{1,6})(KB|MB|GB)");
    /** How many rotated files (reaper.log.max-files). */
    public static final Pattern FILE_COUNT = Pattern.compile("[1-9]\\d{0,2}");

    /** The classpath's configuration, system properties substituted. */
    public static LogConfig load() {
        for (String name : new String[] {"/reaper-logging-test.properties", "/reaper-logging.properties"}) {
            try (InputStream in = LogConfig.class.getResourceAsStream(name)) {
                if (in != null) {
                    Properties properties = new Properties();
                    properties.load(in);
                    return parse(properties, System::getProperty, name);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + name, e);
            }
        }
        throw new IllegalStateException("no reaper-logging.properties on the classpath");
    }

    /** Parses {@code properties} ({@code source} names them in errors); {@code system} resolves ${...}. */
    static LogConfig parse(Properties properties, UnaryOperator<String> system, String source) {
        UnaryOperator<String> value = key -> {
            String raw = properties.getProperty(key);
            return raw == null ? null : substitute(raw.trim(), system);
        };
        Map<String, Integer> levels = new HashMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith("level.")) {
                levels.put(key.substring("level.".length()), level(key, value.apply(key), source));
            }
        }
        String file = value.apply("file");
        String maxSize = value.apply("file.max-size");
        String maxFiles = value.apply("file.max-files");
        return new LogConfig(level("level", orDefault(value.apply("level"), "INFO"), source), Map.copyOf(levels),
                level("console.level", orDefault(value.apply("console.level"), "TRACE"), source),
                format("console.format", value.apply("console.format"), source),
                file == null || file.isEmpty() ? null : file,
                format("file.format", value.apply("file.format"), source),
                !"false".equalsIgnoreCase(value.apply("file.append")),
                maxSize == null || maxSize.isEmpty() ? 0 : bytes(maxSize, source),
                maxFiles == null || maxFiles.isEmpty() ? 1 : count(maxFiles, source));
    }

    /** The level of logger {@code name}: that of the longest configured name it is or is under. */
    public int levelOf(String name) {
        for (String n = name; ; ) {
            Integer level = levels.get(n);
            if (level != null) {
                return level;
            }
            int dot = n.lastIndexOf('.');
            if (dot < 0) {
                return rootLevel;
            }
            n = n.substring(0, dot);
        }
    }

    static String substitute(String raw, UnaryOperator<String> system) {
        Matcher m = PROPERTY.matcher(raw);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String resolved = system.apply(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(resolved != null ? resolved
                    : m.group(2) != null ? m.group(2) : ""));
        }
        return m.appendTail(out).toString();
    }

    private static String orDefault(String v, String fallback) {
        return v == null || v.isEmpty() ? fallback : v;
    }

    private static int level(String key, String v, String source) {
        String name = v.toUpperCase(Locale.ROOT);
        if (name.equals("OFF")) {
            return OFF;
        }
        try {
            return Level.valueOf(name).toInt(); // TRACE 0, DEBUG 10, INFO 20, WARN 30, ERROR 40
        } catch (IllegalArgumentException e) {
            throw invalid(source, key, v, "TRACE, DEBUG, INFO, WARN, ERROR or OFF");
        }
    }

    private static LineFormat format(String key, String v, String source) {
        if (v == null || v.isEmpty()) {
            return LineFormat.SCRIPT;
        }
        try {
            return LineFormat.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid(source, key, v, "script or detailed");
        }
    }

    private static long bytes(String v, String source) {
        if (!SIZE.matcher(v).matches()) {
            throw invalid(source, "file.max-size", v, "a size such as 500KB, 5MB or 1GB");
        }
        return bytes(v);
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

    private static int count(String v, String source) {
        if (!FILE_COUNT.matcher(v).matches()) {
            throw invalid(source, "file.max-files", v, "a whole number from 1 to 999");
        }
        return Integer.parseInt(v);
    }

    private static IllegalStateException invalid(String source, String key, String v, String expected) {
        return new IllegalStateException(source + ": " + key + " = '" + v + "' is not valid; expected " + expected);
    }
}
