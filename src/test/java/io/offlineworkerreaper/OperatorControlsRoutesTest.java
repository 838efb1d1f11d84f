package io.offlineworkerreaper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.offlineworkerreaper.cycle.Control;
import io.offlineworkerreaper.decision.Pause;
import io.offlineworkerreaper.demo.ClusterObjects;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.Scenario.CLUSTER;
import static io.offlineworkerreaper.Scenario.WORKER_3;
import static io.offlineworkerreaper.Scenario.aNotReadyNode;
import static io.offlineworkerreaper.Scenario.aWorkerPod;
import static io.offlineworkerreaper.Scenario.authorizedKey;
import static io.offlineworkerreaper.Scenario.create;
import static io.offlineworkerreaper.Scenario.podExists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What operators steer the running reaper with: the pause, the hourly budget, quiet notices, the status page. */
class OperatorControlsRoutesTest extends ReaperWorld {

    private static final String NS = "offline-worker-reaper";
    private static final String CONTROL = "offline-worker-reaper-control";
    private static final String POD_3 = "alluxio-worker-577545dc9-2q7z7";

    private void controlConfigMap(Map<String, String> annotations) {
        ConfigMap map = new ConfigMapBuilder().withNewMetadata().withNamespace(NS).withName(CONTROL)
                .withAnnotations(annotations).endMetadata().build();
        if (client.configMaps().inNamespace(NS).withName(CONTROL).get() == null) {
            client.configMaps().resource(map).create();
        } else {
            client.configMaps().resource(map).update();
        }
    }

    private Map<String, String> annotations() {
        Map<String, String> a = client.configMaps().inNamespace(NS).withName(CONTROL).get()
                .getMetadata().getAnnotations();
        return a == null ? Map.of() : a;
    }

    @Test
    void should_delete_nothing_while_paused_say_would_once_and_remove_within_a_cycle_of_the_resume() throws Exception {
        // given the seed crash, and the reaper paused for an upgrade
        Scenario.seedCrash(client, registry);
        controlConfigMap(Map.of(Pause.PAUSED, "node pool upgrade"));

        // when it runs
        startReaper(Map.of());
        reaper.awaitCycles(4);

        // then nothing is deleted, and the pause and the would-remove are each announced once
        assertThat(podExists(client, "default", POD_3)).isTrue();
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_3))).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> slack.texts().size() >= 2);
        assertThat(slack.texts()).filteredOn(t -> t.startsWith("Paused: node pool upgrade")).hasSize(1);
        assertThat(slack.texts()).filteredOn(t -> t.startsWith("[PAUSED] Would remove offline Alluxio worker " + WORKER_3))
                .hasSize(1);

        // when the operator resumes
        long resumed = System.nanoTime();
        controlConfigMap(Map.of());

        // then the worker is removed within a cycle or two, and the resume is announced
        await().atMost(Duration.ofSeconds(10)).until(() -> !podExists(client, "default", POD_3));
        System.out.println("resume -> pod gone: " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumed)
                + " ms at check-interval 150ms");
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_3))).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> slack.texts().stream().anyMatch(t -> t.startsWith("Resumed")));
    }

    @Test
    void should_pause_within_a_cycle_and_end_the_pause_by_itself_at_paused_until() throws Exception {
        // given a running reaper with nothing to do yet
        create(client, Scenario.aReadyNode("alluxio-e2e-worker"));
        controlConfigMap(Map.of());
        startReaper(Map.of());
        reaper.awaitCycles(1);

        // when an operator pauses it for 3 s
        long paused = System.nanoTime();
        controlConfigMap(Map.of(Pause.PAUSED, "maintenance", Pause.PAUSED_UNTIL, Instant.now().plusSeconds(3).toString()));
        await().atMost(Duration.ofSeconds(5)).until(() -> metric("reaper.paused") == 1);
        System.out.println("annotate -> paused: " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - paused)
                + " ms at check-interval 150ms");

        // then it resumes by itself once paused-until has passed, and says so
        await().atMost(Duration.ofSeconds(10)).until(() -> metric("reaper.paused") == 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> slack.texts().stream().anyMatch(t -> t.startsWith("Resumed")));
        assertThat(slack.texts()).filteredOn(t -> t.startsWith("Paused: maintenance")).hasSize(1);
    }

    @Test
    void should_pause_at_once_in_watch_mode_though_the_next_cycle_is_a_minute_away() throws Exception {
        // given watch mode with a 60 s safety-net interval, after its first cycle
        create(client, Scenario.aReadyNode("alluxio-e2e-worker"));
        controlConfigMap(Map.of());
        startReaper(Map.of("reaper.detection", "watch", "reaper.check-interval", "60s"));
        reaper.awaitFirstCycleEnded();

        // when an operator pauses it
        long paused = System.nanoTime();
        controlConfigMap(Map.of(Pause.PAUSED, "incident 4711"));

        // then the watch starts a cycle, which reads the pause, long before the interval
        await().atMost(Duration.ofSeconds(5)).until(() -> metric("reaper.paused") == 1);
        System.out.println("watch mode: annotate -> paused: " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - paused)
                + " ms with check-interval 60s");
        await().atMost(Duration.ofSeconds(5)).until(() -> slack.texts().stream().anyMatch(t -> t.startsWith("Paused: incident 4711")));
    }

    @Test
    void should_refuse_once_the_hourly_budget_is_spent_even_after_a_restart_and_resume_when_the_window_allows()
            throws Exception {
        // given two dead nodes with a dead worker each, and a budget of one removal an hour
        Scenario.seedCrash(client, registry);
        create(client, aNotReadyNode("alluxio-e2e-worker4"));
        create(client, aWorkerPod("alluxio-worker-577545dc9-4x4x4", "alluxio-e2e-worker4", "10.244.5.9"));
        String worker4 = "worker-4d4d4d4d-0000-4000-8000-000000000004";
        registry.authorize(CLUSTER, worker4, "10.244.5.9");
        controlConfigMap(Map.of());
        Map<String, String> oneAnHour = Map.of("reaper.safety.max-removals-per-hour", "1",
                "reaper.safety.max-unhealthy", "2"); // two of four nodes down: within the breaker's limit here

        // when the reaper runs
        startReaper(oneAnHour);

        // then one worker goes, the other is refused with the budget named, and the window is on the ConfigMap
        await().atMost(Duration.ofSeconds(10)).until(() -> !podExists(client, "default", POD_3)
                || !podExists(client, "default", "alluxio-worker-577545dc9-4x4x4"));
        reaper.awaitCycles(3);
        assertThat(List.of(podExists(client, "default", POD_3), podExists(client, "default", "alluxio-worker-577545dc9-4x4x4")))
                .containsExactlyInAnyOrder(true, false);
        await().atMost(Duration.ofSeconds(5)).until(() -> slack.texts().stream()
                .anyMatch(t -> t.contains("yet: the hourly removal budget is spent")));
        assertThat(annotations().get(Control.REMOVALS)).matches("\\d+");

        // when the process restarts
        reaper.closeBetweenCycles();
        startReaper(oneAnHour);
        reaper.awaitCycles(4);

        // then the budget is still spent
        assertThat(List.of(podExists(client, "default", POD_3), podExists(client, "default", "alluxio-worker-577545dc9-4x4x4")))
                .containsExactlyInAnyOrder(true, false);
        assertThat(log()).contains("reaper.safety.max-removals-per-hour=1 is spent");

        // when the hour has passed (the window's removal now 61 minutes old)
        controlConfigMap(Map.of(Control.REMOVALS, String.valueOf(Instant.now().minusSeconds(61 * 60).getEpochSecond())));

        // then the other worker goes too
        await().atMost(Duration.ofSeconds(10)).until(() -> !podExists(client, "default", POD_3)
                && !podExists(client, "default", "alluxio-worker-577545dc9-4x4x4"));
    }

    @Test
    void should_announce_a_flapping_node_once_keep_quiet_while_it_flaps_and_delete_nothing() throws Exception {
        // given worker3's node flapping between Ready and Unknown every 500 ms, its worker heartbeating
        Scenario.seedCrash(client);
        registry.registerLiveWorker(CLUSTER, WORKER_3, "10.244.4.5", 60);
        // cycles every 200 ms: each flap is seen
        startReaper(Map.of("reaper.nodes.not-ready-for", "0s", "reaper.check-interval", "200ms"));
        int flaps = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        int after = -1; // flaps made once the flapping was announced
        while (after < 8 && System.nanoTime() < deadline) {
            String status = flaps++ % 2 == 0 ? "True" : "Unknown";
            client.nodes().withName("alluxio-e2e-worker3").edit(n -> new NodeBuilder(n).editStatus()
                    .withConditions(ClusterObjects.readyCondition(status, Instant.now())).endStatus().build());
            if (after >= 0 || slack.texts().stream().anyMatch(t -> t.startsWith("Node alluxio-e2e-worker3 is flapping"))) {
                after++;
            }
            Thread.sleep(500); // paces the flaps, it waits for no outcome
        }

        // then nothing is deleted, and Slack got at most two messages, the refusal and the flapping, though the
        // node went on flapping for 8 more changes after it was announced
        List<String> texts = new ArrayList<>(slack.texts());
        System.out.println("flapping node, " + flaps + " flaps: " + texts.size() + " Slack message(s): " + texts);
        assertThat(after).as("flaps after the flapping notice").isEqualTo(8);
        assertThat(podExists(client, "default", POD_3)).isTrue();
        assertThat(texts).hasSizeLessThanOrEqualTo(2);
        assertThat(texts).anyMatch(t -> t.startsWith("Node alluxio-e2e-worker3 is flapping"));
    }

    @Test
    void should_show_what_it_waits_for_on_the_status_page_and_render_it_in_a_browser() throws Exception {
        // given the seed crash with worker3 still heartbeating, and the management port on
        Scenario.seedCrash(client);
        registry.registerLiveWorker(CLUSTER, WORKER_3, "10.244.4.5", 3);
        Management management = new Management(Management.freePort());
        Map<String, String> settings = new HashMap<>(Map.of("camel.management.enabled", "true",
                "camel.management.port", String.valueOf(management.port())));
        startReaper(settings);
        reaper.awaitCycles(2);

        // then the status says which node, which pod, which verdict, and that it waits for the lease
        JsonNode refusing = new ObjectMapper().readTree(management.get("/observe/status").body());
        assertThat(refusing.get("notReadyNodes").get(0).get("node").asText()).isEqualTo("alluxio-e2e-worker3");
        assertThat(refusing.get("workerPods").get(0).get("pod").asText()).isEqualTo("default/" + POD_3);
        assertThat(refusing.get("workerPods").get(0).get("verdict").asText()).isEqualTo("STILL_HEARTBEATING");
        assertThat(refusing.get("waitingFor").toString()).contains("the worker's etcd lease to expire");
        assertThat(refusing.get("breaker").get("state").asText()).isEqualTo("CLOSED");
        assertThat(refusing.toString()).doesNotContain("hooks.slack.com", slack.webhookUrl());

        // and a browser renders the same, as the HTML view
        String dom = headlessChromium("http://127.0.0.1:" + management.port() + "/observe/status.html");
        assertThat(dom).contains("data-loaded=\"true\"", "default/" + POD_3, "STILL_HEARTBEATING",
                "the worker's etcd lease to expire");

        // when the lease expires, then the removal shows among the last removals
        registry.stopHeartbeat(WORKER_3);
        await().atMost(Duration.ofSeconds(15)).until(() -> !podExists(client, "default", POD_3));
        await().atMost(Duration.ofSeconds(5)).until(() -> new ObjectMapper().readTree(management.get("/observe/status")
                .body()).get("lastRemovals").toString().contains("removed default/" + POD_3));
    }

    private double metric(String name) {
        var gauge = reaper.context().getRegistry().lookupByNameAndType("metricsRegistry",
                io.micrometer.core.instrument.MeterRegistry.class).find(name).gauge();
        return gauge == null ? -1 : gauge.value();
    }

    /** The DOM after the page's script ran, from Debian's chromium (run.sh installs it). */
    static String headlessChromium(String url) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        if (!Files.isExecutable(chromium)) {
            throw new AssertionError("chromium is not installed: sudo apt-get install -y chromium (./run.sh test does it)");
        }
        Path profile = Files.createTempDirectory("chromium-profile");
        Process browser = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--user-data-dir=" + profile, "--virtual-time-budget=5000",
                "--dump-dom", url).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dom = new String(browser.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(browser.waitFor(60, TimeUnit.SECONDS)).as("chromium ended").isTrue();
        return dom;
    }
}
