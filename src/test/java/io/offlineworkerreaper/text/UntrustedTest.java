package io.offlineworkerreaper.text;

import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UntrustedTest {

    @Test
    void should_write_line_breaks_and_control_characters_as_visible_escapes() {
        String forged = "10.0.0.1\n2026-12-04 10:00:00.000 - INFO  - Removed nothing\r\u001b[2J\u2028\u202e";

        String line = Untrusted.line(forged);

        assertThat(line).doesNotContain("\n", "\r", "\u001b", "\u2028", "\u202e")
                .isEqualTo("10.0.0.1\\n2026-12-04 10:00:00.000 - INFO  - Removed nothing\\r\\u001b[2J\\u2028\\u202e");
        assertThat(Untrusted.isInert(line)).isTrue();
        assertThat(Untrusted.isInert(forged)).isFalse();
    }

    @Test
    void should_leave_ordinary_text_as_it_is_and_make_null_empty() {
        String text = "ip-10-42-3-130.eu-central-1.compute.internal <!channel> & ünïcödé 日本";
        assertThat(Untrusted.line(text)).isSameAs(text);
        assertThat(Untrusted.line(null)).isEmpty();
    }

    @Test
    void should_bound_a_huge_value_and_say_how_much_was_cut() {
        String huge = "x".repeat(1_500_000); // etcd's largest value

        String line = Untrusted.line(huge);

        assertThat(line).hasSizeLessThanOrEqualTo(Untrusted.MAX_VALUE).endsWith(" more characters)");
        assertThat(line).contains("… (" + (1_500_000 - line.indexOf('…')) + " more characters)");
    }

    @Test
    void should_end_a_long_list_with_the_count_of_what_was_left_out() {
        List<String> nodes = java.util.stream.IntStream.range(0, 60)
                .mapToObj(i -> "ip-10-42-3-" + (100 + i) + ".eu-central-1.compute.internal").toList();

        String shown = Bounded.list(nodes, 2_000);

        assertThat(shown).hasSizeLessThanOrEqualTo(2_000).startsWith(nodes.get(0) + ", " + nodes.get(1));
        int listed = shown.split(", ").length;
        assertThat(shown).endsWith(" … and " + (60 - listed) + " more");
        assertThat(Bounded.list(nodes.subList(0, 3), 2_000)).isEqualTo(String.join(", ", nodes.subList(0, 3)));
        assertThat(Bounded.list(nodes, 10)).hasSizeLessThanOrEqualTo(10);
        assertThat(Bounded.list(Collections.nCopies(3, "y".repeat(5_000)), 100)).hasSizeLessThanOrEqualTo(100)
                .contains("more");
    }

    @Test
    void should_not_split_a_surrogate_pair() {
        String emoji = "😀".repeat(100);
        String cut = Bounded.text(emoji, 51);
        assertThat(cut).hasSizeLessThanOrEqualTo(51);
        assertThat(Character.isHighSurrogate(cut.charAt(cut.indexOf('…') - 1))).isFalse();
    }
}
