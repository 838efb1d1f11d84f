package io.offlineworkerreaper.settings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The log file settings, which the logging system needs before Camel, and its property resolution, start.
 * They are resolved in Camel's order (-D after the jar, environment, JVM system property, the packaged
 * application.properties), validated, and handed to log4j2 as system properties.
 */
public final class LogFileSettings {

    public static final String FILE = "reaper.log.file";
    public static final String MAX_SIZE = "reaper.log.max-size";
    public static final String MAX_FILES = "reaper.log.max-files";
    private static final Pattern SIZE = Pattern.compile("\\d{1,6}(KB|MB|GB)");
    private static final Pattern COUNT = Pattern.compile("[1-9]\\d{0,2}");

    private LogFileSettings() {
    }

    /** Resolves, validates and publishes the log file settings; throws InvalidSettingException on a bad value. */
    public static void apply(Map<String, String> overrides) {
        Properties packaged = packaged();
        Function<String, String> resolve = key -> Stream.of(overrides.get(key),
                        System.getenv(ReaperSettings.environmentVariableOf(key)), System.getProperty(key),
                        packaged.getProperty(key))
                .filter(v -> v != null && !v.isBlank()).map(String::trim).findFirst().orElse(null);
        String file = resolve.apply(FILE);
        String size = resolve.apply(MAX_SIZE);
        String files = resolve.apply(MAX_FILES);
        if (file == null) {
            throw new InvalidSettingException(FILE, "''", "a file path such as worker-monitor.log");
        }
        if (size == null || !SIZE.matcher(size).matches()) {
            throw new InvalidSettingException(MAX_SIZE, String.valueOf(size), "a size such as 500KB, 5MB or 1GB");
        }
        if (files == null || !COUNT.matcher(files).matches()) {
            throw new InvalidSettingException(MAX_FILES, String.valueOf(files), "a whole number from 1 to 999");
        }
        System.setProperty(FILE, file);
        System.setProperty(MAX_SIZE, size);
        System.setProperty(MAX_FILES, files);
    }

    private static Properties packaged() {
        Properties properties = new Properties();
        try (InputStream in = LogFileSettings.class.getResourceAsStream("/application.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
