package io.offlineworkerreaper.logging;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Only the reaper's own entries start a log line, whatever a message carries. */
class LineFormatTest {

    @Test
    void should_indent_continuation_lines_and_escape_control_characters() {
        String message = "Refusing: Host <!channel>\n2026-12-04 10:00:00.000 - INFO  - Removed nothing\r\u001b[31m";

        String line = LineFormat.SCRIPT.format(0, 20, "t", "x.Y", message, null);

        String[] lines = line.split(System.lineSeparator());
        assertThat(lines).hasSize(2);
        assertThat(lines[1]).isEqualTo(LineFormat.CONTINUATION
                + "2026-12-04 10:00:00.000 - INFO  - Removed nothing\\u000d\\u001b[31m");
        assertThat(line).doesNotContain("\r", "\u001b");
    }

    @Test
    void should_keep_a_single_line_message_as_it_is() {
        String line = LineFormat.DETAILED.format(0, 30, "main", "io.x.Check", "plain text, ünïcödé\ttab", null);

        assertThat(line).endsWith(" WARN  [main] Check - plain text, ünïcödé\ttab" + System.lineSeparator());
    }
}
