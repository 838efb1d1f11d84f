package io.offlineworkerreaper.logging;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The lines as they reach the console and the file, the file rotated by size, a file that cannot be written. */
class LogOutputTest {

    @TempDir
    Path dir;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errors = new ByteArrayOutputStream();

    private LogOutput output(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
        return new LogOutput(LogConfig.parse(p, k -> null, "t"), () -> out,
                new PrintStream(errors, true, StandardCharsets.UTF_8));
    }

    @Test
    void a_line_reads_like_the_scripts_in_the_console_and_the_file() throws IOException {
        Path file = dir.resolve("logs/worker-monitor.log"); // its directory is made
        LogOutput out = output("file", file.toString());
        new LineLogger("io.offlineworkerreaper.cycle.NodeWatch", 20, out).info("Node {} is {}", "worker3", "NotReady");
        String pattern = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} - INFO  - Node worker3 is NotReady\\R";
        assertThat(console.toString(StandardCharsets.UTF_8)).matches(pattern);
        assertThat(Files.readString(file)).matches(pattern);
    }

    @Test
    void levels_and_the_console_threshold_decide_what_is_written_where() throws IOException {
        Path file = dir.resolve("test.log");
        LogOutput out = output("file", file.toString(), "console.level", "ERROR", "console.format", "detailed",
                "file.format", "detailed");
        LineLogger logger = new LineLogger("io.offlineworkerreaper.alluxio.RegistryKeys", 20, out);
        logger.debug("not at INFO");
        logger.info("to the file only");
        logger.error("Cannot delete {}", "/DHT/c/AUTHORIZED/w1", new IllegalStateException("etcd is down"));
        String text = Files.readString(file);
        assertThat(text).doesNotContain("not at INFO");
        assertThat(text).containsPattern("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[[^]]+] RegistryKeys - to the file only");
        // the trailing throwable is the exception, not an argument: its stack trace follows the line
        assertThat(text).contains("ERROR", "RegistryKeys - Cannot delete /DHT/c/AUTHORIZED/w1",
                "java.lang.IllegalStateException: etcd is down", "at io.offlineworkerreaper.logging.LogOutputTest");
        assertThat(console.toString(StandardCharsets.UTF_8)).doesNotContain("to the file only")
                .contains("Cannot delete /DHT/c/AUTHORIZED/w1", "etcd is down");
    }

    @Test
    void the_file_rotates_past_its_size_the_newest_old_file_first_the_oldest_dropped() throws IOException {
        Path file = dir.resolve("r.log");
        LogOutput out = output("file", file.toString(), "file.max-size", "1KB", "file.max-files", "2",
                "console.level", "OFF");
        LineLogger logger = new LineLogger("x", 0, out);
        for (int i = 0; i < 100; i++) {
            logger.info("line {} {}", String.format("%03d", i), "x".repeat(40)); // ~75 bytes a line: ~7 KB
        }
        assertThat(dir.resolve("r.log.1")).exists();
        assertThat(dir.resolve("r.log.2")).exists();
        assertThat(dir.resolve("r.log.3")).doesNotExist();
        // rotated once past 1 KB: a rotated file holds just over 1 KB
        assertThat(Files.size(dir.resolve("r.log.1"))).isBetween(1025L, 1024L + 100);
        assertThat(Files.size(dir.resolve("r.log.2"))).isBetween(1025L, 1024L + 100);
        String current = Files.readString(file);
        String newest = Files.readString(dir.resolve("r.log.1"));
        assertThat(current).contains("line 099");
        // .1 ends just before the current file begins, .2 just before .1
        int firstNow = Integer.parseInt(current.replaceAll("(?s)^.*? - line (\\d{3}).*$", "$1"));
        assertThat(newest).contains("line " + String.format("%03d", firstNow - 1));
        int firstInNewest = Integer.parseInt(newest.replaceAll("(?s)^.*? - line (\\d{3}).*$", "$1"));
        assertThat(Files.readString(dir.resolve("r.log.2"))).contains("line " + String.format("%03d", firstInNewest - 1));
        assertThat(errors.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void a_restart_appends_to_the_file_and_counts_its_size() throws IOException {
        Path file = dir.resolve("r.log");
        Files.writeString(file, "x".repeat(2000) + "\n");
        LogOutput out = output("file", file.toString(), "file.max-size", "1KB", "file.max-files", "1",
                "console.level", "OFF");
        new LineLogger("x", 0, out).info("after the restart");
        assertThat(Files.readString(dir.resolve("r.log.1"))).startsWith("xxxx");
        assertThat(Files.readString(file)).contains("after the restart").doesNotContain("xxxx");
    }

    @Test
    void a_file_moved_away_by_hand_is_started_again_at_the_next_rotation() throws IOException {
        Path file = dir.resolve("r.log");
        LogOutput out = output("file", file.toString(), "file.max-size", "1KB", "file.max-files", "2",
                "console.level", "OFF");
        LineLogger logger = new LineLogger("x", 0, out);
        logger.info("{}", "x".repeat(1100));
        Files.move(file, dir.resolve("kept-by-hand.log"));
        logger.info("after the move");
        assertThat(Files.readString(file)).contains("after the move");
        assertThat(errors.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void a_file_that_cannot_be_opened_is_reported_once_and_the_console_goes_on() throws IOException {
        Path notAFile = Files.createDirectory(dir.resolve("a-directory"));
        LogOutput out = output("file", notAFile.toString());
        LineLogger logger = new LineLogger("x", 0, out);
        logger.warn("first");
        logger.warn("second");
        assertThat(errors.toString(StandardCharsets.UTF_8))
                .startsWith("offline-worker-reaper: cannot open the log file " + notAFile)
                .contains("logging to the console only");
        assertThat(errors.toString(StandardCharsets.UTF_8).lines()).hasSize(1);
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("WARN  - first", "WARN  - second");
    }
}
