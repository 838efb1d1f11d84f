package io.offlineworkerreaper.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.Gson;
import io.offlineworkerreaper.decision.Remediation;
import io.offlineworkerreaper.decision.Remediations;
import io.offlineworkerreaper.decision.SafetyGate;
import io.offlineworkerreaper.kubernetes.NotReadyNode;
import io.offlineworkerreaper.kubernetes.PodReaper;
import io.offlineworkerreaper.kubernetes.WorkerPod;
import io.offlineworkerreaper.settings.SecretMasker;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every kind of message as camel-slack's webhook path serializes it (plain Gson), checked block by block. */
class SlackMessagesTest {

    private static final WorkerPod POD = Remediations.aWorkerPod("alluxio-worker-577545dc9-2q7z7", "uid-1",
            "10.244.4.5", new NotReadyNode("alluxio-e2e-worker3", "Unknown", Instant.EPOCH,
            Duration.ofSeconds(95)));
    private static final Remediation REMOVE = new Remediation(POD, Remediation.Verdict.REMOVE,
            List.of(Remediations.aDeadWorker("worker-3", "10.244.4.5")), "offline");

    private final NoticeWriter notices = new NoticeWriter(new AnnouncementMemory(), new SecretMasker(List.of()));

    private static JsonNode render(Notice notice, boolean dryRun) throws Exception {
        return new ObjectMapper().readTree(new Gson().toJson(new SlackMessages(() -> dryRun).message(notice)));
    }

    private static List<String> types(JsonNode message) {
        List<String> types = new ArrayList<>();
        message.get("blocks").forEach(b -> types.add(b.get("type").asText()));
        return types;
    }

    private static String header(JsonNode message) {
        return message.get("blocks").get(0).get("text").get("text").asText();
    }

    @Test
    void should_lay_out_a_removal() throws Exception {
        JsonNode m = render(notices.removed(REMOVE, PodReaper.Outcome.DELETED, false, 42), false);

        assertThat(types(m)).containsExactly("header", "section", "context");
        assertThat(header(m)).isEqualTo(":white_check_mark: Removed offline Alluxio worker worker-3");
        assertThat(m.get("blocks").get(1).get("fields").toString()).isEqualTo("[{\"type\":\"mrkdwn\",\"text\":\"*Node*\\n"
                + "alluxio-e2e-worker3 (Ready=Unknown for 1m35s)\"},{\"type\":\"mrkdwn\",\"text\":\"*Pod*\\ndefault/"
                + "alluxio-worker-577545dc9-2q7z7\"},{\"type\":\"mrkdwn\",\"text\":\"*IP*\\n10.244.4.5\"},{\"type\":"
                + "\"mrkdwn\",\"text\":\"*Worker*\\nworker-3\"},{\"type\":\"mrkdwn\",\"text\":\"*Etcd keys deleted*\\n"
                + "/DHT/default-alluxio/AUTHORIZED/worker-3\"},{\"type\":\"mrkdwn\",\"text\":\"*Pod deletion*\\n"
                + "force-deleted\"},{\"type\":\"mrkdwn\",\"text\":\"*Took*\\n42 ms\"}]");
        assertThat(m.get("text").asText()).startsWith("Removed offline Alluxio worker worker-3\n• node: ");
    }

    @Test
    void should_lay_out_a_dry_run() throws Exception {
        JsonNode m = render(notices.removed(REMOVE, null, true, 5), true);

        assertThat(header(m)).isEqualTo(":mag: [DRY-RUN] Would remove offline Alluxio worker worker-3");
        assertThat(m.get("blocks").get(2).get("elements").get(0).get("text").asText())
                .isEqualTo("offline-worker-reaper · would-act · dry-run");
    }

    @Test
    void should_lay_out_a_refusal_with_its_reason() throws Exception {
        JsonNode m = render(notices.refused(Remediation.refusal(POD, Remediation.Verdict.STILL_HEARTBEATING,
                List.of(Remediations.aLiveWorker("worker-3", "10.244.4.5")),
                "worker worker-3 still renews its etcd lease")), false);

        assertThat(types(m)).containsExactly("header", "section", "section", "context");
        assertThat(header(m)).isEqualTo(":no_entry: Not removing Alluxio worker worker-3: it is still heartbeating");
        assertThat(m.get("blocks").get(2).get("text").get("text").asText())
                .isEqualTo("worker worker-3 still renews its etcd lease");
    }

    @Test
    void should_lay_out_the_breaker_and_its_recovery() throws Exception {
        SafetyGate.Admission open = new SafetyGate.Admission(SafetyGate.State.TRIPPED, SafetyGate.State.CLOSED,
                List.of("n1", "n2"), 3, 1, Instant.EPOCH);
        SafetyGate.Admission closed = new SafetyGate.Admission(SafetyGate.State.CLOSED, SafetyGate.State.COOLING_DOWN,
                List.of(), 3, 1, Instant.EPOCH);

        JsonNode tripped = render(notices.breaker(open), false);
        JsonNode resumed = render(notices.breaker(closed), false);

        assertThat(header(tripped)).isEqualTo(":no_entry: Safety breaker open: remediating nothing");
        assertThat(tripped.get("blocks").get(1).get("fields").get(1).get("text").asText()).isEqualTo("*Not Ready*\nn1, n2");
        assertThat(header(resumed)).isEqualTo(":large_green_circle: Remediation resumed: the safety breaker is closed");
    }

    @Test
    void should_lay_out_a_summary_of_several_removals() throws Exception {
        Notice one = notices.removed(REMOVE, PodReaper.Outcome.DELETED, false, 10);
        Notice summary = notices.summary(List.of(one, one, "not a notice"));

        JsonNode m = render(summary, false);

        assertThat(header(m)).isEqualTo(":white_check_mark: Removed 2 offline Alluxio workers");
        assertThat(types(m)).containsExactly("header", "section", "divider", "section", "context");
        assertThat(notices.summary(List.of(one))).isSameAs(one);
        assertThat(notices.summary(List.of())).isNull();
    }

    @Test
    void should_lay_out_a_failure_with_what_to_do() throws Exception {
        org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(
                new org.apache.camel.impl.DefaultCamelContext());
        exchange.setProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, new java.io.IOException("connection refused"));
        exchange.setProperty(org.apache.camel.Exchange.FAILURE_ROUTE_ID, "call-etcd");
        exchange.getIn().setBody(REMOVE);

        JsonNode m = render(notices.failed(exchange), false);

        assertThat(header(m)).isEqualTo(":x: Remediation step call-etcd failed: IOException: connection refused");
        assertThat(types(m)).containsExactly("header", "section", "section", "section", "context");
        assertThat(m.get("blocks").get(3).get("text").get("text").asText())
                .startsWith("check that etcd is reachable from the reaper");
    }

    private static java.util.stream.Stream<String> texts(JsonNode message) {
        List<String> all = new ArrayList<>();
        message.get("blocks").forEach(b -> {
            all.add(b.path("text").path("text").asText());
            b.path("fields").forEach(f -> all.add(f.path("text").asText()));
            b.path("elements").forEach(e -> all.add(e.path("text").asText()));
        });
        all.add(message.get("text").asText());
        return all.stream();
    }

    @Test
    void should_keep_any_notice_within_block_kits_limits_and_count_what_it_leaves_out() throws Exception {
        // 60 workers removed in one cycle, each with a key of 1,500 characters and a title of 400
        Remediation big = new Remediation(POD, Remediation.Verdict.REMOVE, List.of(Remediations.aDeadWorker(
                "worker-" + "x".repeat(1_500), "10.244.4.5")), "offline");
        List<Notice> removals = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            removals.add(notices.removed(big, PodReaper.Outcome.DELETED, false, 10));
        }
        Notice summary = notices.summary(removals);

        JsonNode m = render(summary, false);

        assertThat(m.get("blocks").size()).isLessThanOrEqualTo(SlackMessages.MAX_BLOCKS);
        assertThat(header(m)).hasSizeLessThanOrEqualTo(SlackMessages.MAX_HEADER);
        m.get("blocks").forEach(b -> {
            assertThat(b.path("fields").size()).isLessThanOrEqualTo(SlackMessages.MAX_FIELDS);
            b.path("fields").forEach(f -> assertThat(f.path("text").asText()).hasSizeLessThanOrEqualTo(2_000));
            assertThat(b.path("text").path("text").asText()).hasSizeLessThanOrEqualTo(3_000);
        });
        assertThat(m.get("text").asText()).hasSizeLessThanOrEqualTo(SlackMessages.MAX_TEXT);
        assertThat(m.toString()).containsPattern("… and \\d+ more \\(60 in all\\)");
    }

    @Test
    void should_end_a_long_list_with_the_count_of_the_rest() {
        List<String> nodes = java.util.stream.IntStream.range(0, 60)
                .mapToObj(i -> "ip-10-42-3-" + (100 + i) + ".eu-central-1.compute.internal").toList();

        String field = SlackMessages.field(Notice.Field.list("Not Ready", nodes));

        assertThat(field).hasSizeLessThanOrEqualTo(2_000).startsWith("*Not Ready*\n" + nodes.get(0));
        int shown = field.substring(field.indexOf('\n') + 1).split(", ").length;
        assertThat(field).endsWith("… and " + (60 - shown) + " more");
    }

    @Test
    void should_escape_what_slack_would_read_as_a_mention_or_a_link() throws Exception {
        String hostile = "<!channel> <@U0123> <https://evil.example/login|Re-authorize> & <!here>";
        Notice notice = Notice.of(Notice.Kind.WARNING, "Found " + hostile, List.of(new Notice.Field("Host", hostile)),
                "note " + hostile);

        JsonNode m = render(notice, false);

        // the header is plain_text, in which Slack formats no mention and no link; every mrkdwn text is escaped
        assertThat(m.get("blocks").get(0).get("text").get("type").asText()).isEqualTo("plain_text");
        assertThat(texts(m).skip(1)).noneMatch(t -> t.contains("<!") || t.contains("<@") || t.contains("<http"));
        assertThat(m.get("blocks").get(1).get("fields").get(0).get("text").asText()).isEqualTo("*Host*\n&lt;!channel&gt;"
                + " &lt;@U0123&gt; &lt;https://evil.example/login|Re-authorize&gt; &amp; &lt;!here&gt;");
    }
}
