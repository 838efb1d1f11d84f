package io.offlineworkerreaper;

import java.time.Duration;
import java.util.Map;

import io.offlineworkerreaper.demo.ClusterObjects;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.Scenario.CLUSTER;
import static io.offlineworkerreaper.Scenario.WORKER_1;
import static io.offlineworkerreaper.Scenario.WORKER_2;
import static io.offlineworkerreaper.Scenario.WORKER_3;
import static io.offlineworkerreaper.Scenario.aNotReadyNode;
import static io.offlineworkerreaper.Scenario.aPod;
import static io.offlineworkerreaper.Scenario.aWorkerPod;
import static io.offlineworkerreaper.Scenario.authorizedKey;
import static io.offlineworkerreaper.Scenario.create;
import static io.offlineworkerreaper.Scenario.heartbeatKey;
import static io.offlineworkerreaper.Scenario.podExists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole application, routes as shipped, against the fabric8 CRUD API mock, a real etcd and a Slack stand-in.
 * Every test asserts on the world: objects in the API server, keys in etcd, posts received by Slack.
 */
class ReaperRoutesTest extends ReaperWorld {

    @Test
    void should_remove_exactly_the_dead_nodes_worker_and_its_keys() throws Exception {
        // given the seed cluster, with bystanders that look like targets in one way each
        Scenario.seedCrash(client);
        create(client,
                aPod("default", "spark-client-7d4b9", "alluxio-e2e-worker3", "10.244.4.9", Map.of("app", "spark")),
                aPod("other", "alluxio-worker-elsewhere", "alluxio-e2e-worker3", "10.244.4.20",
                        ClusterObjects.WORKER_LABELS));
        registry.registerLiveWorker(CLUSTER, WORKER_1, "10.244.3.7", 30);
        registry.registerLiveWorker(CLUSTER, WORKER_2, "10.244.1.14", 30);
        registry.authorize(CLUSTER, WORKER_3, "10.244.4.5"); // its lease already expired: no heartbeat key
        registry.authorize("default-alluxio2", "worker-aaaaaaaa-0000-0000-0000-000000000002", "10.244.4.5");
        registry.heartbeat("default-alluxio2", "worker-aaaaaaaa-0000-0000-0000-000000000002", "10.244.4.5", 30);
        registry.authorize(CLUSTER, "worker-99999999-0000-0000-0000-00000000dead", "10.244.9.9"); // long gone
        registry.put("/unrelated/config", "{\"WorkerNetAddress\":{\"Host\":\"10.244.4.5\"}}");

        // when the reaper runs
        startReaper(Map.of());

        // then the dead worker's pod and /DHT key go
        await().atMost(Duration.ofSeconds(20)).until(() ->
                !podExists(client, "default", "alluxio-worker-577545dc9-2q7z7")
                        && !registry.exists(authorizedKey(CLUSTER, WORKER_3)));
        reaper.awaitCycles(2);
        // and everything else stays
        assertThat(podExists(client, "default", "alluxio-worker-577545dc9-5vt8k")).isTrue();
        assertThat(podExists(client, "default", "alluxio-worker-577545dc9-6hjj9")).isTrue();
        assertThat(podExists(client, "default", "spark-client-7d4b9")).isTrue();
        assertThat(podExists(client, "other", "alluxio-worker-elsewhere")).isTrue();
        assertThat(registry.read("/")).containsOnlyKeys(
                authorizedKey(CLUSTER, WORKER_1), heartbeatKey(CLUSTER, WORKER_1),
                authorizedKey(CLUSTER, WORKER_2), heartbeatKey(CLUSTER, WORKER_2),
                authorizedKey("default-alluxio2", "worker-aaaaaaaa-0000-0000-0000-000000000002"),
                heartbeatKey("default-alluxio2", "worker-aaaaaaaa-0000-0000-0000-000000000002"),
                authorizedKey(CLUSTER, "worker-99999999-0000-0000-0000-00000000dead"),
                "/unrelated/config");
        // and Slack heard about it once, with what an operator needs to check it
        await().atMost(Duration.ofSeconds(5)).until(() -> !slack.posts().isEmpty());
        assertThat(slack.posts()).hasSize(1);
        assertThat(slack.posts().get(0).path()).isEqualTo(HttpStandIn.WEBHOOK_PATH);
        assertThat(slack.texts().get(0)).contains("Removed offline Alluxio worker " + WORKER_3,
                "alluxio-e2e-worker3", "default/alluxio-worker-577545dc9-2q7z7", "10.244.4.5",
                authorizedKey(CLUSTER, WORKER_3), "force-deleted");
    }

    @Test
    void should_wait_while_the_worker_heartbeats_and_act_once_its_lease_expires() throws Exception {
        // given a dead node whose worker still renews its lease (an API-server partition looks like this), beside
        // the two live workers (without them, the registry left empty by the removal is itself announced)
        Scenario.seedCrash(client);
        registry.registerLiveWorker(CLUSTER, WORKER_1, "10.244.3.7", 30);
        registry.registerLiveWorker(CLUSTER, WORKER_2, "10.244.1.14", 30);
        registry.registerLiveWorker(CLUSTER, WORKER_3, "10.244.4.5", 2);

        // when the reaper runs several cycles
        startReaper(Map.of());
        reaper.awaitCycles(4);

        // then nothing is deleted, and the refusal was announced once, not every cycle
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.posts().isEmpty());
        reaper.awaitCycles(3);
        assertThat(podExists(client, "default", "alluxio-worker-577545dc9-2q7z7")).isTrue();
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_3))).isTrue();
        assertThat(registry.exists(heartbeatKey(CLUSTER, WORKER_3))).isTrue();
        assertThat(slack.texts()).hasSize(1);
        assertThat(slack.texts().get(0)).contains("Not removing Alluxio worker " + WORKER_3, "still heartbeating");

        // when the worker stops heartbeating and its lease expires
        registry.stopHeartbeat(WORKER_3);

        // then the next cycles remove it
        await().atMost(Duration.ofSeconds(20)).until(() ->
                !podExists(client, "default", "alluxio-worker-577545dc9-2q7z7")
                        && !registry.exists(authorizedKey(CLUSTER, WORKER_3)));
        await().atMost(Duration.ofSeconds(5)).until(() -> slack.texts().size() >= 2);
        reaper.awaitCycles(2);
        // and that was the one other announcement
        assertThat(slack.texts()).hasSize(2);
        assertThat(slack.texts().get(1)).contains("Removed offline Alluxio worker " + WORKER_3);
    }

    @Test
    void should_act_on_node_state_alone_when_the_lease_check_is_off() throws Exception {
        // given a worker still heartbeating on a dead node, and the lease check turned off
        Scenario.seedCrash(client);
        registry.registerLiveWorker(CLUSTER, WORKER_3, "10.244.4.5", 30);

        // when the reaper runs
        startReaper(Map.of("reaper.alluxio.require-lease-expired", "false"));

        // then both keys and the pod go, heartbeat key included
        await().atMost(Duration.ofSeconds(20)).until(() ->
                !podExists(client, "default", "alluxio-worker-577545dc9-2q7z7")
                        && !registry.exists(authorizedKey(CLUSTER, WORKER_3))
                        && !registry.exists(heartbeatKey(CLUSTER, WORKER_3)));
    }

    @Test
    void should_skip_malformed_entries_and_pods_without_an_ip_and_still_remediate_the_rest() throws Exception {
        // given a dead node with a worker pod that has no IP yet, and etcd values that cannot be read
        Scenario.seedCrash(client);
        var noIp = aWorkerPod("alluxio-worker-577545dc9-noip1", "alluxio-e2e-worker3", null);
        create(client, noIp);
        registry.authorize(CLUSTER, WORKER_3, "10.244.4.5");
        registry.put(authorizedKey(CLUSTER, "worker-not-json"), "this is not JSON {");
        registry.put(authorizedKey(CLUSTER, "worker-no-address"), "{\"Identity\":{\"version\":1}}");
        registry.put(authorizedKey(CLUSTER, "worker-host-not-text"), "{\"WorkerNetAddress\":{\"Host\":42}}");

        // when the reaper runs
        startReaper(Map.of());

        // then the readable worker is remediated
        await().atMost(Duration.ofSeconds(20)).until(() ->
                !podExists(client, "default", "alluxio-worker-577545dc9-2q7z7"));
        reaper.awaitCycles(2);
        // and what could not be matched is left alone
        assertThat(podExists(client, "default", "alluxio-worker-577545dc9-noip1")).isTrue();
        assertThat(registry.read("/DHT/")).containsOnlyKeys(authorizedKey(CLUSTER, "worker-not-json"),
                authorizedKey(CLUSTER, "worker-no-address"), authorizedKey(CLUSTER, "worker-host-not-text"));
    }

    @Test
    void should_delete_nothing_in_dry_run_and_say_what_it_would_remove() throws Exception {
        // given the seed crash
        Scenario.seedCrash(client, registry);

        // when the reaper runs in dry-run
        startReaper(Map.of("reaper.dry-run", "true"));
        await().atMost(Duration.ofSeconds(20)).until(() -> !slack.posts().isEmpty());
        reaper.awaitCycles(3);
        assertThat(slack.posts()).as("announced once, not every cycle").hasSize(1);

        // then nothing is deleted, and Slack is told what would have been
        assertThat(podExists(client, "default", "alluxio-worker-577545dc9-2q7z7")).isTrue();
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_3))).isTrue();
        assertThat(slack.texts().get(0)).contains("[DRY-RUN] Would remove offline Alluxio worker " + WORKER_3,
                "would be force-deleted");
    }

    @Test
    void should_refuse_when_one_of_two_registrations_at_the_pods_address_heartbeats() throws Exception {
        // given two registrations for the dead pod's IP, one of them still heartbeating
        Scenario.seedCrash(client, registry);
        registry.registerLiveWorker(CLUSTER, "worker-11111111-2222-3333-4444-555555555555", "10.244.4.5", 30);

        // when the reaper runs
        startReaper(Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> !slack.posts().isEmpty());
        reaper.awaitCycles(2);

        // then it acts on neither and says why
        assertThat(podExists(client, "default", "alluxio-worker-577545dc9-2q7z7")).isTrue();
        assertThat(registry.read("/DHT/")).containsKeys(authorizedKey(CLUSTER, WORKER_3),
                authorizedKey(CLUSTER, "worker-11111111-2222-3333-4444-555555555555"));
        assertThat(slack.texts()).hasSize(1);
        assertThat(slack.texts().get(0)).contains("still heartbeating", "2 registrations claim the pod's address",
                "worker-11111111-2222-3333-4444-555555555555");
    }

    @Test
    void should_post_with_a_bot_token_to_the_configured_channel() throws Exception {
        // given the seed crash, and Slack configured with a bot token instead of a webhook
        Scenario.seedCrash(client, registry);

        // when the reaper runs
        startReaper(Map.of("reaper.slack.webhook-url", "", "reaper.slack.token", "xoxb-test-secret-token",
                "reaper.slack.channel", "#alluxio-ops", "reaper.slack.server-url", slack.baseUrl()));

        // then chat.postMessage got the notice for that channel, and the token never shows in it
        await().atMost(Duration.ofSeconds(20)).until(() -> slack.posts().stream()
                .anyMatch(p -> p.path().equals("/api/chat.postMessage")));
        HttpStandIn.Post post = slack.posts().stream()
                .filter(p -> p.path().equals("/api/chat.postMessage")).findFirst().orElseThrow();
        assertThat(java.net.URLDecoder.decode(post.body(), java.nio.charset.StandardCharsets.UTF_8))
                .contains("#alluxio-ops", "Removed offline Alluxio worker " + WORKER_3, "\"type\":\"header\"",
                        "\"type\":\"plain_text\"")
                .doesNotContain("xoxb-test-secret-token");
        await().atMost(Duration.ofSeconds(5)).until(() -> log().contains("Notice posted to Slack"));
        assertThat(log()).doesNotContain("xoxb-test-secret-token");
    }

    @Test
    void should_not_touch_a_node_that_became_not_ready_only_recently() throws Exception {
        // given a node NotReady for 5 minutes among Ready ones, and a threshold of 10 minutes
        create(client, Scenario.aReadyNode("alluxio-e2e-worker"), Scenario.aReadyNode("alluxio-e2e-worker2"),
                aNotReadyNode("alluxio-e2e-worker3"));
        create(client, aWorkerPod("alluxio-worker-577545dc9-2q7z7", "alluxio-e2e-worker3", "10.244.4.5"));
        registry.authorize(CLUSTER, WORKER_3, "10.244.4.5");

        // when the reaper runs
        startReaper(Map.of("reaper.nodes.not-ready-for", "10m"));
        reaper.awaitCycles(3);

        // then nothing happened
        assertThat(podExists(client, "default", "alluxio-worker-577545dc9-2q7z7")).isTrue();
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_3))).isTrue();
        assertThat(slack.posts()).isEmpty();
    }

    @Test
    void should_remediate_while_slack_is_down() throws Exception {
        // given the seed crash, and Slack answering 500
        Scenario.seedCrash(client, registry);
        slack.answerWith(500);

        // when the reaper runs, then the remediation happens all the same, and Slack was tried
        startReaper(Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() ->
                !podExists(client, "default", "alluxio-worker-577545dc9-2q7z7")
                        && !registry.exists(authorizedKey(CLUSTER, WORKER_3)));
        await().atMost(Duration.ofSeconds(5)).until(() -> !slack.posts().isEmpty());
        reaper.awaitCycles(2);
        assertThat(reaper.context().isStarted()).isTrue();
        assertThat(podExists(client, "default", "alluxio-worker-577545dc9-6hjj9")).isTrue();
        // and the failed posts were logged without the webhook URL
        assertThat(log()).contains("post-to-slack").doesNotContain("XXXXSECRETWEBHOOK");
    }

    @Test
    void should_count_an_etcd_key_that_is_already_gone_as_deleted() throws Exception {
        // given the seed crash, and the worker's key vanishing just before the reaper deletes it
        Scenario.seedCrash(client, registry);
        startReaper(Map.of());
        org.apache.camel.builder.AdviceWith.adviceWith(reaper.context(), "remove-worker-keys", route ->
                route.weaveById("delete-worker-keys").before().process(exchange -> exchange.getIn()
                        .getBody(io.offlineworkerreaper.decision.Remediation.class).keys()
                        .forEach(registry::deletePrefix)));

        // then the pod goes all the same
        await().atMost(Duration.ofSeconds(20)).until(() -> !podExists(client, "default", "alluxio-worker-577545dc9-2q7z7"));
        await().atMost(Duration.ofSeconds(5)).until(() -> !slack.posts().isEmpty());
        assertThat(slack.texts().get(0)).contains("Removed offline Alluxio worker " + WORKER_3);
    }

    @Test
    void should_write_one_json_audit_line_per_action() throws Exception {
        // given the seed crash, plus a second dead node whose worker still heartbeats
        Scenario.seedCrash(client, registry);
        create(client, aNotReadyNode("alluxio-e2e-worker4"));
        create(client, aWorkerPod("alluxio-worker-577545dc9-w4", "alluxio-e2e-worker4", "10.244.5.5"));
        registry.registerLiveWorker(CLUSTER, "worker-44444444-0000-0000-0000-000000000004", "10.244.5.5", 30);
        java.nio.file.Path audit = java.nio.file.Files.createTempDirectory("reaper-audit").resolve("audit.jsonl");
        java.time.Instant started = java.time.Instant.now();

        // when the reaper runs with an audit file, for some cycles after the removal
        startReaper(Map.of("reaper.audit.file", audit.toString(), "reaper.safety.max-unhealthy", "100%"));
        await().atMost(Duration.ofSeconds(20)).until(() -> !podExists(client, "default", "alluxio-worker-577545dc9-2q7z7"));
        reaper.awaitCycles(3);

        // then the file holds a JSON line for the removal and one for the refusal, nothing else
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        java.util.List<com.fasterxml.jackson.databind.JsonNode> lines = new java.util.ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(audit)) {
            lines.add(json.readTree(line));
        }
        assertThat(lines).extracting(l -> l.get("action").asText()).containsOnly("removed", "refused");
        var removed = lines.stream().filter(l -> l.get("action").asText().equals("removed")).toList();
        assertThat(removed).hasSize(1);
        assertThat(removed.get(0).get("node").asText()).isEqualTo("alluxio-e2e-worker3");
        assertThat(removed.get(0).get("pod").asText()).isEqualTo("alluxio-worker-577545dc9-2q7z7");
        assertThat(removed.get(0).get("namespace").asText()).isEqualTo("default");
        assertThat(removed.get(0).get("worker_id").asText()).isEqualTo(WORKER_3);
        assertThat(removed.get(0).get("keys").get(0).asText()).isEqualTo(authorizedKey(CLUSTER, WORKER_3));
        assertThat(removed.get(0).get("result").asText()).isEqualTo("pod force-deleted");
        assertThat(removed.get(0).get("dry_run").asBoolean()).isFalse();
        assertThat(java.time.Instant.parse(removed.get(0).get("timestamp").asText()))
                .isBetween(started, java.time.Instant.now());
        // and the refusal, which held in every cycle, is one line: written when it started
        assertThat(lines.stream().filter(l -> l.get("action").asText().equals("refused")).toList()).singleElement()
                .satisfies(l -> assertThat(l.get("result").asText()).startsWith("STILL_HEARTBEATING"));
    }

    @Test
    void should_delete_exactly_the_workers_keys_not_those_they_prefix() throws Exception {
        // given a dead worker with a legacy id that prefixes a live worker's id
        create(client, Scenario.aReadyNode("alluxio-e2e-worker"), Scenario.aReadyNode("alluxio-e2e-worker2"),
                aNotReadyNode("alluxio-e2e-worker3"));
        create(client, aWorkerPod("alluxio-worker-577545dc9-2q7z7", "alluxio-e2e-worker3", "10.244.4.5"));
        registry.authorize(CLUSTER, "worker-1", "10.244.4.5");
        registry.registerLiveWorker(CLUSTER, "worker-10", "10.244.1.14", 30);

        // when the reaper removes worker-1
        startReaper(Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> !registry.exists(authorizedKey(CLUSTER, "worker-1")));
        reaper.awaitCycles(1);

        // then worker-10 is untouched
        assertThat(registry.read("/")).containsOnlyKeys(authorizedKey(CLUSTER, "worker-10"),
                heartbeatKey(CLUSTER, "worker-10"));
    }
}
