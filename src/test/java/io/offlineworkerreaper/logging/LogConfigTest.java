package io.offlineworkerreaper.logging;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which logger logs at which level, and where the lines go: the configuration file's rules. */
class LogConfigTest {

    private static Properties properties(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @Test
    void the_longest_configured_name_a_logger_is_under_gives_its_level() {
        LogConfig config = LogConfig.parse(properties("level", "WARN", "level.io.offlineworkerreaper", "INFO",
                "level.io.offlineworkerreaper.cycle", "DEBUG", "level.check-nodes", "ERROR"), k -> null, "t");
        assertThat(config.levelOf("io.offlineworkerreaper.cycle.NodeWatch")).isEqualTo(10);
        assertThat(config.levelOf("io.offlineworkerreaper.alluxio.RegistryKeys")).isEqualTo(20);
        assertThat(config.levelOf("io.offlineworkerreaper")).isEqualTo(20);
        // split at dots: a name that only starts with the same letters is not under it
        assertThat(config.levelOf("io.offlineworkerreaperx.Other")).isEqualTo(30);
        assertThat(config.levelOf("check-nodes")).isEqualTo(40);
        assertThat(config.levelOf("org.apache.camel.main.Main")).isEqualTo(30);
    }

    @Test
    void values_name_system_properties_with_a_default() {
        Map<String, String> system = Map.of("reaper.log.file", "/var/log/r.log");
        LogConfig config = LogConfig.parse(properties("file", "${reaper.log.file:-worker-monitor.log}",
                "file.max-size", "${reaper.log.max-size:-4KB}", "file.max-files", "${reaper.log.max-files}",
                "level.io.x", "${reaper.log.level:-DEBUG}"), system::get, "t");
        assertThat(config.file()).isEqualTo("/var/log/r.log");
        assertThat(config.fileMaxBytes()).isEqualTo(4096);
        assertThat(config.fileMaxFiles()).isEqualTo(1); // unset and no default: empty, one file
        assertThat(config.levelOf("io.x.Y")).isEqualTo(10);
        assertThat(config.fileAppend()).isTrue();
        assertThat(LogConfig.parse(properties("file", ""), k -> null, "t").file()).isNull();
    }

    @Test
    void a_bad_value_names_the_file_the_key_and_what_is_expected() {
        assertThatThrownBy(() -> LogConfig.parse(properties("level.io.x", "verbose"), k -> null, "reaper-logging.properties"))
                .hasMessage("reaper-logging.properties: level.io.x = 'verbose' is not valid; expected TRACE, DEBUG, "
                        + "INFO, WARN, ERROR or OFF");
        assertThatThrownBy(() -> LogConfig.parse(properties("file.max-size", "5 MB"), k -> null, "f"))
                .hasMessageContaining("file.max-size = '5 MB'");
        assertThatThrownBy(() -> LogConfig.parse(properties("file.max-files", "0"), k -> null, "f"))
                .hasMessageContaining("file.max-files = '0'");
        assertThatThrownBy(() -> LogConfig.parse(properties("console.format", "json"), k -> null, "f"))
                .hasMessageContaining("console.format = 'json'").hasMessageContaining("script or detailed");
    }

    /** The packaged file: reaper.log.level moves the reaper's lines, Camel's stay as they are. */
    @Test
    void the_packaged_configuration_follows_reaper_log_level_for_the_reapers_own_lines_only() throws IOException {
        Properties packaged = packaged();
        Map<String, String> debug = Map.of("reaper.log.level", "DEBUG");
        LogConfig config = LogConfig.parse(packaged, debug::get, "reaper-logging.properties");
        assertThat(config.levelOf("io.offlineworkerreaper.alluxio.RegistryAudit")).isEqualTo(10);
        assertThat(config.levelOf("find-offline-workers")).isEqualTo(10);
        assertThat(config.levelOf("org.apache.camel.main.BaseMainSupport")).isEqualTo(20);
        assertThat(config.levelOf("io.netty.channel.DefaultChannelPipeline")).isEqualTo(30);
        LogConfig defaults = LogConfig.parse(packaged, k -> null, "reaper-logging.properties");
        assertThat(defaults.levelOf("find-offline-workers")).isEqualTo(20);
        assertThat(defaults.file()).isEqualTo("worker-monitor.log");
        assertThat(defaults.fileMaxBytes()).isEqualTo(5L * 1024 * 1024);
        assertThat(defaults.fileMaxFiles()).isEqualTo(5);
        assertThat(defaults.consoleFormat()).isEqualTo(LineFormat.SCRIPT);
    }

    /** Route log steps log under the route id: a route without its line would log nothing below WARN. */
    @Test
    void every_route_in_routes_has_its_level_line() throws IOException {
        Properties packaged = packaged();
        Pattern id = Pattern.compile("(?m)^- route:\\s*\\n\\s+id: (\\S+)");
        List<String> ids;
        try (Stream<Path> files = Files.walk(Path.of("routes"))) {
            ids = files.filter(f -> f.toString().endsWith(".camel.yaml")).flatMap(f -> {
                try {
                    Matcher m = id.matcher(Files.readString(f));
                    return m.results().map(r -> r.group(1)).toList().stream();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
        assertThat(ids).hasSizeGreaterThan(10);
        assertThat(ids).allSatisfy(route -> assertThat(packaged.getProperty("level." + route))
                .as("level.%s in reaper-logging.properties", route).isEqualTo("${reaper.log.level:-INFO}"));
    }

    private static Properties packaged() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/reaper-logging.properties"))) {
            p.load(in);
        }
        return p;
    }
}
