package io.offlineworkerreaper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Node;
import io.offlineworkerreaper.demo.ClusterObjects;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.Scenario.CLUSTER;
import static io.offlineworkerreaper.Scenario.aNotReadyNode;
import static io.offlineworkerreaper.Scenario.aReadyNode;
import static io.offlineworkerreaper.Scenario.create;
import static io.offlineworkerreaper.Scenario.podExists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a big outage, an etcd value written by an attacker and a hostile Slack do to the notices: the whole
 * application against the API emulator, a real etcd and a Slack stand-in that enforces Block Kit's limits.
 */
class HostileInputTest extends ReaperWorld {

    private static final String HOSTILE_HOST = "<!channel> <https://evil.example/login|Re-authorize the reaper>"
            + "\n2026-12-04 10:00:00.000 - INFO  - Removed nothing, all is well";
    private static final String STRAY = "worker-99999999-0000-4000-8000-000000000009";

    private static String cloudName(int i) {
        return "ip-10-42-" + (i / 200) + "-" + (i % 200 + 10) + ".eu-central-1.compute.internal";
    }

    @Test
    void should_deliver_the_breaker_notice_of_a_big_outage_within_block_kits_limits() throws Exception {
        // given 60 of 80 nodes with cloud-style names NotReady
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            nodes.add(i < 60 ? aNotReadyNode(cloudName(i)) : aReadyNode(cloudName(i)));
        }
        create(client, nodes.toArray(Node[]::new));

        // when the reaper looks
        startReaper(Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> !slack.posts().isEmpty());
        reaper.awaitCycles(2);

        // then Slack took the breaker notice (the stand-in refuses what breaks a limit), the list ends with the count
        assertThat(slack.posts()).extracting(HttpStandIn.Post::status).containsOnly(200);
        String breaker = slack.json().get(0).toString();
        assertThat(slack.texts().get(0)).startsWith("Safety breaker open");
        assertThat(breaker).contains(cloudName(0)).containsPattern("… and \\d+ more");
        int longest = 0;
        for (com.fasterxml.jackson.databind.JsonNode block : slack.json().get(0).get("blocks")) {
            for (com.fasterxml.jackson.databind.JsonNode field : block.path("fields")) {
                longest = Math.max(longest, field.path("text").asText().length());
            }
        }
        System.out.println("60 of 80 nodes NotReady: breaker notice delivered, " + slack.json().get(0).get("blocks")
                .size() + " blocks, longest field " + longest + " characters (Block Kit: 2,000)");
        // and the log keeps the whole list
        assertThat(log()).contains(cloudName(59));
    }

    @Test
    void should_make_slack_markup_and_line_breaks_from_etcd_inert() throws Exception {
        // given a dead worker pod without registration and a live heartbeat whose Host is Slack markup
        create(client, aReadyNode("alluxio-e2e-worker"), aReadyNode("alluxio-e2e-worker2"),
                aNotReadyNode("alluxio-e2e-worker3"));
        create(client, ClusterObjects.workerPod("default", "alluxio-worker-577545dc9-5vt8k", "alluxio-e2e-worker",
                "10.244.3.7"), ClusterObjects.workerPod("default", "alluxio-worker-577545dc9-6hjj9",
                "alluxio-e2e-worker2", "10.244.1.14"), ClusterObjects.workerPod("default",
                "alluxio-worker-577545dc9-2q7z7", "alluxio-e2e-worker3", "10.244.4.5"));
        registry.registerLiveWorker(CLUSTER, Scenario.WORKER_2, "10.244.1.14", 30);
        registry.registerLiveWorker(CLUSTER, STRAY, HOSTILE_HOST, 30);

        // when the reaper reports the unaccounted heartbeat
        startReaper(Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> slack.texts().stream().anyMatch(t -> t.contains("fix:")));

        // then no post can mention the channel or hide a link: the markup arrives escaped, as Slack documents
        List<String> bodies = slack.json().stream().map(Object::toString).toList();
        assertThat(String.join("\n", bodies)).contains("&lt;!channel&gt;")
                .doesNotContain("<!channel>", "<https://", "<!here>", "|Re-authorize the reaper>");
        // and the line break is written as \n: no forged log line starts with the attacker's text
        assertThat(log().lines()).noneMatch(line -> line.startsWith("2026-12-04 10:00:00.000 - INFO  - Removed"));
        assertThat(log()).contains("\\n2026-12-04 10:00:00.000 - INFO  - Removed nothing");
        assertThat(log().lines()).noneMatch(line -> line.startsWith("2026-12-04"));
        assertThat(podExists(client, "default", "alluxio-worker-577545dc9-2q7z7")).isTrue();
    }

    @Test
    void should_resume_delivery_after_every_kind_of_hostile_retry_after() throws Exception {
        // given Slack rate-limiting the first post five times, each with a Retry-After no one should trust
        // (the ignored ones first, while the backoff is short: 1 s, 2 s; then 1 s, 1 s; then what is left)
        slack.script(new HttpStandIn.Answer(429, Map.of("Retry-After", "-5")),
                new HttpStandIn.Answer(429, Map.of("Retry-After", "soon")),
                new HttpStandIn.Answer(429, Map.of("Retry-After", "0")),
                new HttpStandIn.Answer(429, Map.of("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")),
                new HttpStandIn.Answer(429, Map.of("Retry-After", "99999999999")));
        Scenario.seedCrash(client, registry);

        // when the reaper remediates, retrying notices for at most 9 s
        startReaper(Map.of("reaper.notify.retry-for", "9s"));

        // then the notice is delivered on the sixth attempt, none sooner than a second after the one before
        await().atMost(Duration.ofSeconds(30)).until(() -> slack.deliveredTexts().size() == 1);
        List<HttpStandIn.Post> posts = slack.posts();
        assertThat(posts).hasSize(6);
        for (int i = 1; i < posts.size(); i++) {
            assertThat(Duration.ofNanos(posts.get(i).nanoTime() - posts.get(i - 1).nanoTime()))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(990));
        }
        assertThat(slack.deliveredTexts().get(0)).startsWith("Removed offline Alluxio worker");
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < posts.size(); i++) {
            gaps.add(Duration.ofNanos(posts.get(i).nanoTime() - posts.get(i - 1).nanoTime()).toMillis());
        }
        System.out.println("hostile Retry-After (-5, soon, 0, past date, 99999999999): waits " + gaps
                + " ms, then delivered");
        assertThat(log()).contains("Notice posted to Slack (attempt 6)");
    }

    @Test
    void should_log_slacks_reason_for_a_refused_message_and_deliver_the_next_one() throws Exception {
        // given Slack refusing the first message with its reason
        slack.script(new HttpStandIn.Answer(400, Map.of(), "invalid_blocks"));
        Scenario.seedCrash(client);
        registry.registerLiveWorker(CLUSTER, Scenario.WORKER_3, "10.244.4.5", 2);

        // when the reaper sends a refusal (refused by Slack), then a removal once the lease expires
        Management management = new Management(Management.freePort());
        startReaper(Map.of("camel.management.enabled", "true", "camel.management.port",
                String.valueOf(management.port())));
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.posts().isEmpty());
        registry.stopHeartbeat(Scenario.WORKER_3);

        // then the removal is delivered, and the refusal was logged with Slack's reason and counted
        await().atMost(Duration.ofSeconds(20)).until(() -> slack.deliveredTexts().stream()
                .anyMatch(t -> t.startsWith("Removed offline Alluxio worker")));
        assertThat(slack.posts().get(0).status()).isEqualTo(400);
        assertThat(log()).contains("Slack notice undelivered after 1 attempt(s)", "invalid_blocks");
        assertThat(management.sample("reaper_notices_total{destination=\"slack\",result=\"undelivered\"}")).hasValue(1);
    }
}
