package io.offlineworkerreaper.logging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged logback.xml, as Logback reads it, with the reaper.log.* settings Application publishes: which logger
 * writes at which level, how a line reads on the console and in the file, and how the file rotates.
 */
class LoggingConfigurationTest {

    private static final Path PACKAGED = Path.of("src/main/resources/logback.xml");
    private static final String SCRIPT_LINE = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} - ";

    @TempDir
    Path dir;
    private LoggerContext context;
    private final PrintStream realOut = System.out;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    /** A Logback of its own (not the tests' log), configured from the packaged file with {@code settings}. */
    private LoggerContext configured(Map<String, String> settings) throws JoranException {
        System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
        context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        context.putProperty("reaper.log.file", dir.resolve("logs/worker-monitor.log").toString());
        settings.forEach(context::putProperty);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(PACKAGED.toFile());
        List<Status> problems = context.getStatusManager().getCopyOfStatusList().stream()
                .filter(s -> s.getLevel() >= Status.WARN).toList();
        assertThat(problems).as("Logback's own warnings and errors").isEmpty();
        return context;
    }

    @AfterEach
    void stop() {
        System.setOut(realOut);
        if (context != null) {
            context.stop();
        }
    }

    @Test
    void reaper_log_level_moves_the_reapers_own_lines_and_the_routes_not_the_libraries() throws Exception {
        LoggerContext debug = configured(Map.of("reaper.log.level", "DEBUG"));
        assertThat(debug.getLogger("io.offlineworkerreaper.alluxio.RegistryAudit").getEffectiveLevel()).isEqualTo(Level.DEBUG);
        assertThat(debug.getLogger("find-offline-workers").getEffectiveLevel()).isEqualTo(Level.DEBUG);
        assertThat(debug.getLogger("org.apache.camel.main.BaseMainSupport").getEffectiveLevel()).isEqualTo(Level.INFO);
        assertThat(debug.getLogger("io.netty.channel.DefaultChannelPipeline").getEffectiveLevel()).isEqualTo(Level.WARN);
        // split at dots: a name that only starts with the same letters is not under it
        assertThat(debug.getLogger("io.offlineworkerreaperx.Other").getEffectiveLevel()).isEqualTo(Level.WARN);
        debug.stop();
        LoggerContext defaults = configured(Map.of());
        assertThat(defaults.getLogger("find-offline-workers").getEffectiveLevel()).isEqualTo(Level.INFO);
        assertThat(defaults.getLogger("io.offlineworkerreaper.cycle.NodeWatch").isDebugEnabled()).isFalse();
    }

    @Test
    void a_line_reads_like_the_scripts_on_the_console_and_in_the_file_with_the_stack_trace_after_it() throws Exception {
        Logger log = configured(Map.of()).getLogger("io.offlineworkerreaper.cycle.NodeWatch");
        log.info("Node {} is {}", "worker3", "NotReady");
        log.debug("not at INFO");
        log.error("Cannot delete {}", "/DHT/c/AUTHORIZED/w1", new IllegalStateException("etcd is down"));
        String file = Files.readString(dir.resolve("logs/worker-monitor.log")); // its directory is made
        for (String text : new String[] {file, console.toString(StandardCharsets.UTF_8)}) {
            assertThat(text).containsPattern("(?m)^" + SCRIPT_LINE + "INFO  - Node worker3 is NotReady$")
                    .containsPattern("(?m)^" + SCRIPT_LINE + "ERROR - Cannot delete /DHT/c/AUTHORIZED/w1$")
                    .contains("java.lang.IllegalStateException: etcd is down",
                            "at io.offlineworkerreaper.logging.LoggingConfigurationTest")
                    .doesNotContain("not at INFO");
        }
    }

    @Test
    void the_file_rotates_past_its_size_the_newest_old_file_first_the_oldest_dropped() throws Exception {
        Logger log = configured(Map.of("reaper.log.max-size", "1KB", "reaper.log.max-files", "2"))
                .getLogger("io.offlineworkerreaper.X");
        Path file = dir.resolve("logs/worker-monitor.log");
        for (int i = 0; i < 100; i++) {
            log.info("line {} {}", String.format("%03d", i), "x".repeat(40)); // ~80 bytes a line: 2 KB a batch
            // Logback looks at the size once a second at most (logback.xml): batches a second apart
            Thread.sleep(i % 25 == 24 ? 1050 : 0);
        }
        assertThat(dir.resolve("logs/worker-monitor.log.1")).exists();
        assertThat(dir.resolve("logs/worker-monitor.log.2")).exists();
        assertThat(dir.resolve("logs/worker-monitor.log.3")).doesNotExist();
        String current = Files.readString(file);
        String newest = Files.readString(dir.resolve("logs/worker-monitor.log.1"));
        assertThat(current).contains("line 099");
        // .1 ends just before the current file begins, .2 just before .1
        int firstNow = Integer.parseInt(current.replaceAll("(?s)^.*? - line (\\d{3}).*$", "$1"));
        assertThat(newest).contains("line " + String.format("%03d", firstNow - 1));
        int firstInNewest = Integer.parseInt(newest.replaceAll("(?s)^.*? - line (\\d{3}).*$", "$1"));
        assertThat(Files.readString(dir.resolve("logs/worker-monitor.log.2")))
                .contains("line " + String.format("%03d", firstInNewest - 1));
        assertThat(Files.size(file)).isLessThan(3 * 1024);
    }

    @Test
    void a_restart_appends_to_the_file() throws Exception {
        Path file = Files.createDirectories(dir.resolve("logs")).resolve("worker-monitor.log");
        Files.writeString(file, "before the restart\n");
        configured(Map.of()).getLogger("io.offlineworkerreaper.X").info("after the restart");
        assertThat(Files.readString(file)).startsWith("before the restart\n").contains("after the restart");
    }

    @Test
    void a_file_that_cannot_be_opened_leaves_the_console_logging() throws Exception {
        Files.createDirectories(dir.resolve("logs/worker-monitor.log")); // a directory where the file should be
        System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
        context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        context.putProperty("reaper.log.file", dir.resolve("logs/worker-monitor.log").toString());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(PACKAGED.toFile());
        assertThat(context.getStatusManager().getCopyOfStatusList()).anySatisfy(s -> {
            assertThat(s.getLevel()).isEqualTo(Status.ERROR);
            assertThat(s.getMessage()).contains("worker-monitor.log");
        });
        context.getLogger("io.offlineworkerreaper.X").warn("still logged");
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("WARN  - still logged");
    }

    /** Route log steps log under the route id: a route without its line would log nothing below WARN. */
    @Test
    void every_route_in_routes_has_its_level_line() throws IOException {
        String packaged = Files.readString(PACKAGED);
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
        assertThat(ids).allSatisfy(route -> assertThat(packaged)
                .as("the logger line of route %s in logback.xml", route)
                .contains("<logger name=\"" + route + "\" level=\"${reaper.log.level:-INFO}\"/>"));
    }
}
