package io.offlineworkerreaper.settings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Settings read before Camel, and its property resolution, start. They are resolved in Camel's order (-D after
 * the jar, environment, JVM system property, the packaged application.properties). The log's are validated and
 * handed to the log (Logback's {@code logback.xml}) as system properties.
 */
public final class EarlySettings {

    public static final String FILE = "reaper.log.file";
    public static final String MAX_SIZE = "reaper.log.max-size";
    public static final String MAX_FILES = "reaper.log.max-files";
    public static final String LEVEL = "reaper.log.level";
    /** Logback's fixed window of rotated files holds at most 20. */
    private static final Pattern FILE_COUNT = Pattern.compile("[1-9]|1[0-9]|20");
    private static final Pattern LEVELS = Pattern.compile("(?i)TRACE|DEBUG|INFO|WARN|ERROR");

    private EarlySettings() {
    }

    /** Resolves, validates and publishes the log file settings; throws InvalidSettingException on a bad value. */
    public static void apply(Map<String, String> overrides) {
        Properties packaged = packaged();
        Function<String, String> resolve = key -> Stream.of(overrides.get(key),
                        System.getenv(Reader.environmentVariableOf(key)), System.getProperty(key),
                        packaged.getProperty(key))
                .filter(v -> v != null && !v.isBlank()).map(String::trim).findFirst().orElse(null);
        String file = resolve.apply(FILE);
        String size = resolve.apply(MAX_SIZE);
        String files = resolve.apply(MAX_FILES);
        String level = resolve.apply(LEVEL);
        if (file == null) {
            throw new InvalidSettingException(FILE, "''", "a file path such as worker-monitor.log");
        }
        if (size == null || !Sizes.SIZE.matcher(size).matches()) {
            throw new InvalidSettingException(MAX_SIZE, String.valueOf(size), Sizes.EXPECTED);
        }
        if (files == null || !FILE_COUNT.matcher(files).matches()) {
            throw new InvalidSettingException(MAX_FILES, String.valueOf(files), "a whole number from 1 to 20");
        }
        if (level == null || !LEVELS.matcher(level).matches()) {
            throw new InvalidSettingException(LEVEL, String.valueOf(level), "TRACE, DEBUG, INFO, WARN or ERROR");
        }
        System.setProperty(FILE, file);
        System.setProperty(MAX_SIZE, size);
        System.setProperty(MAX_FILES, files);
        System.setProperty(LEVEL, level.toUpperCase(Locale.ROOT));
    }

    private static Properties packaged() {
        Properties properties = new Properties();
        try (InputStream in = EarlySettings.class.getResourceAsStream("/application.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
