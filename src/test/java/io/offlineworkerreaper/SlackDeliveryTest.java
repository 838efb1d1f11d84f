package io.offlineworkerreaper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.Scenario.CLUSTER;
import static io.offlineworkerreaper.Scenario.WORKER_2;
import static io.offlineworkerreaper.Scenario.WORKER_3;
import static io.offlineworkerreaper.Scenario.aNotReadyNode;
import static io.offlineworkerreaper.Scenario.aReadyNode;
import static io.offlineworkerreaper.Scenario.aWorkerPod;
import static io.offlineworkerreaper.Scenario.create;
import static io.offlineworkerreaper.Scenario.podExists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the Slack stand-in receives through camel-slack's webhook path: layout, batching, retries, outages. */
class SlackDeliveryTest extends ReaperWorld {

    private static final String POD_3 = "alluxio-worker-577545dc9-2q7z7";

    private static List<String> keysOf(JsonNode node) {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        node.elements().forEachRemaining(child -> keys.addAll(keysOf(child)));
        return keys;
    }

    @Test
    void should_post_a_block_kit_message_with_a_plain_text_fallback() throws Exception {
        // given the seed crash
        Scenario.seedCrash(client, registry);

        // when the reaper remediates it
        startReaper(Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> !slack.posts().isEmpty());

        // then Slack gets the fallback text and Block Kit blocks with Slack's own (snake_case) keys
        JsonNode message = slack.json().get(0);
        assertThat(message.get("text").asText()).startsWith("Removed offline Alluxio worker " + WORKER_3 + "\n• node: ");
        JsonNode blocks = message.get("blocks");
        assertThat(blocks).hasSize(3);
        assertThat(blocks.get(0).toString()).isEqualTo("{\"type\":\"header\",\"text\":{\"type\":\"plain_text\","
                + "\"text\":\":white_check_mark: Removed offline Alluxio worker " + WORKER_3 + "\",\"emoji\":true}}");
        JsonNode fields = blocks.get(1).get("fields");
        assertThat(blocks.get(1).get("type").asText()).isEqualTo("section");
        List<String> texts = new ArrayList<>();
        fields.forEach(f -> {
            assertThat(f.get("type").asText()).isEqualTo("mrkdwn");
            texts.add(f.get("text").asText());
        });
        assertThat(texts).hasSize(7);
        assertThat(texts.get(0)).startsWith("*Node*\nalluxio-e2e-worker3 (Ready=Unknown for 5m");
        assertThat(texts.subList(1, 7)).containsExactly("*Pod*\ndefault/" + POD_3, "*IP*\n10.244.4.5",
                "*Worker*\n" + WORKER_3, "*Etcd keys deleted*\n" + Scenario.authorizedKey(CLUSTER, WORKER_3),
                "*Pod deletion*\nforce-deleted", texts.get(6));
        assertThat(texts.get(6)).matches("\\*Took\\*\\n\\d+ ms");
        assertThat(blocks.get(2).toString()).isEqualTo("{\"type\":\"context\",\"elements\":[{\"type\":\"mrkdwn\","
                + "\"text\":\"offline-worker-reaper · remediated\"}]}");
        assertThat(keysOf(blocks)).allMatch(key -> key.equals(key.toLowerCase()));
    }

    @Test
    void should_send_one_summary_for_the_workers_removed_in_one_cycle() throws Exception {
        // given two dead nodes with expired workers (the breaker wide open)
        create(client, aReadyNode("alluxio-e2e-worker"), aNotReadyNode("alluxio-e2e-worker2"),
                aNotReadyNode("alluxio-e2e-worker3"));
        create(client, aWorkerPod("alluxio-worker-577545dc9-6hjj9", "alluxio-e2e-worker2", "10.244.1.14"),
                aWorkerPod(POD_3, "alluxio-e2e-worker3", "10.244.4.5"));
        registry.authorize(CLUSTER, WORKER_2, "10.244.1.14");
        registry.authorize(CLUSTER, WORKER_3, "10.244.4.5");

        // when one cycle removes both
        startReaper(Map.of("reaper.safety.max-unhealthy", "100%"));
        await().atMost(Duration.ofSeconds(20)).until(() -> !podExists(client, "default", POD_3)
                && !podExists(client, "default", "alluxio-worker-577545dc9-6hjj9"));
        reaper.awaitCycles(1);

        // then Slack got one message naming both, a section each with a divider between
        assertThat(slack.posts()).hasSize(1);
        JsonNode message = slack.json().get(0);
        assertThat(message.get("text").asText()).startsWith("Removed 2 offline Alluxio workers")
                .contains(WORKER_2, WORKER_3);
        List<String> types = new ArrayList<>();
        message.get("blocks").forEach(b -> types.add(b.get("type").asText()));
        assertThat(types).containsExactly("header", "section", "divider", "section", "context");
    }

    @Test
    void should_retry_a_failed_post_until_slack_takes_it() throws Exception {
        // given Slack answering 500 once, then 200
        slack.script(new HttpStandIn.Answer(500, Map.of()));
        Scenario.seedCrash(client, registry);

        // when the reaper remediates
        startReaper(Map.of());

        // then the notice is posted again after a backoff, and delivered
        await().atMost(Duration.ofSeconds(20)).until(() -> slack.posts().size() == 2);
        assertThat(slack.texts().get(1)).isEqualTo(slack.texts().get(0)).startsWith("Removed offline Alluxio worker");
        await().atMost(Duration.ofSeconds(5)).until(() -> log().contains("Notice posted to Slack (attempt 2)"));
        assertThat(log()).contains("Slack post failed (attempt 1, HTTP 500), retrying in 1s");
        assertThat(slack.deliveredTexts()).hasSize(1);
    }

    @Test
    void should_wait_as_long_as_slack_asks_on_429() throws Exception {
        // given Slack rate-limiting the first post with Retry-After: 3
        slack.script(new HttpStandIn.Answer(429, Map.of("Retry-After", "3")));
        Scenario.seedCrash(client, registry);

        // when the reaper remediates
        startReaper(Map.of());

        // then the second attempt comes no sooner than 3 s after the first
        await().atMost(Duration.ofSeconds(20)).until(() -> slack.posts().size() == 2);
        Duration gap = Duration.ofNanos(slack.posts().get(1).nanoTime() - slack.posts().get(0).nanoTime());
        assertThat(gap).isGreaterThanOrEqualTo(Duration.ofSeconds(3)).isLessThan(Duration.ofSeconds(6));
        assertThat(log()).contains("HTTP 429), retrying in 3s");
    }

    @Test
    void should_deliver_the_notices_queued_during_an_outage_once_slack_is_back() throws Exception {
        // given Slack down, and two notices to send: a refusal, then (once the lease expires) a removal
        slack.answerWith(503);
        Scenario.seedCrash(client);
        registry.registerLiveWorker(CLUSTER, WORKER_3, "10.244.4.5", 2);
        startReaper(Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.posts().isEmpty());
        registry.stopHeartbeat(WORKER_3);
        await().atMost(Duration.ofSeconds(20)).until(() -> !podExists(client, "default", POD_3));

        // when Slack is back
        slack.answerWith(200);

        // then both are delivered, in order, by the next attempt (the backoff doubles up to 1 min). A third notice
        // may follow them: with worker-3's keys gone this etcd has no registration left, which is a finding.
        await().atMost(Duration.ofSeconds(70)).until(() -> slack.deliveredTexts().size() >= 2);
        List<String> delivered = slack.deliveredTexts();
        assertThat(delivered.get(0)).startsWith("Not removing Alluxio worker " + WORKER_3);
        assertThat(delivered.get(1)).startsWith("Removed offline Alluxio worker " + WORKER_3);
    }
}
