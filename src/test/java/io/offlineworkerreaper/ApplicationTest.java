package io.offlineworkerreaper;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ApplicationTest {

    private String stderrOf(Runnable run) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            run.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void should_fail_startup_with_the_key_name_on_an_invalid_setting() {
        int[] code = new int[1];
        String err = stderrOf(() -> code[0] = Application.run(new String[] {"-Dreaper.check-interval=banana"}));

        assertThat(code[0]).isNotZero();
        assertThat(err).contains("reaper.check-interval=banana", "a duration such as 500ms, 30s, 5m or 1h",
                "REAPER_CHECK_INTERVAL");
    }

    @Test
    void should_reject_an_unknown_argument() {
        int[] code = new int[1];
        String err = stderrOf(() -> code[0] = Application.run(new String[] {"--dmeo"}));

        assertThat(code[0]).isEqualTo(2);
        assertThat(err).contains("Unknown argument: --dmeo", "usage:");
    }
}
