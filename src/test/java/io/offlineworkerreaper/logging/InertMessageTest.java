package io.offlineworkerreaper.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Only the reaper's own entries start a log line, whatever a message or its arguments carry. */
class InertMessageTest {

    private static String convert(String pattern, Object... arguments) {
        LoggerContext context = new LoggerContext();
        LoggingEvent event = new LoggingEvent("x", context.getLogger("x.Y"), Level.INFO, pattern, null, arguments);
        return new InertMessage().convert(event);
    }

    @Test
    void should_indent_continuation_lines_and_escape_control_characters() {
        String message = "Refusing: Host <!channel>\n2026-12-04 10:00:00.000 - INFO  - Removed nothing\r\u001b[31m";

        String line = convert(message);

        String[] lines = line.split(System.lineSeparator());
        assertThat(lines).hasSize(2);
        assertThat(lines[1]).isEqualTo(InertMessage.CONTINUATION
                + "2026-12-04 10:00:00.000 - INFO  - Removed nothing\\u000d\\u001b[31m");
        assertThat(line).doesNotContain("\r", "\u001b");
    }

    @Test
    void should_put_each_argument_on_one_line() {
        String line = convert("Host {} of worker {}", "evil\n2026-12-04 10:00:00.000 - INFO  - forged", "w1");

        assertThat(line).doesNotContain(System.lineSeparator()).doesNotContain("\n")
                .startsWith("Host evil").endsWith(" of worker w1").contains("forged");
    }

    @Test
    void should_keep_a_plain_message_as_it_is() {
        assertThat(convert("plain text, ünïcödé\ttab")).isEqualTo("plain text, ünïcödé\ttab");
        assertThat(convert("Node {} is {}", "worker3", "NotReady")).isEqualTo("Node worker3 is NotReady");
    }
}
