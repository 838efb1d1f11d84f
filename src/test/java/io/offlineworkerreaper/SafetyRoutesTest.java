package io.offlineworkerreaper;

import java.time.Duration;
import java.util.Map;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.offlineworkerreaper.decision.OptOut;
import io.offlineworkerreaper.demo.ClusterObjects;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.Scenario.CLUSTER;
import static io.offlineworkerreaper.Scenario.WORKER_2;
import static io.offlineworkerreaper.Scenario.WORKER_3;
import static io.offlineworkerreaper.Scenario.aNotReadyNode;
import static io.offlineworkerreaper.Scenario.aReadyNode;
import static io.offlineworkerreaper.Scenario.aWorkerPod;
import static io.offlineworkerreaper.Scenario.authorizedKey;
import static io.offlineworkerreaper.Scenario.create;
import static io.offlineworkerreaper.Scenario.podExists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The guards: circuit breaker and cooldown, cap per cycle, opt-out, node selector. */
class SafetyRoutesTest extends ReaperWorld {

    private static final String POD_2 = "alluxio-worker-577545dc9-6hjj9";
    private static final String POD_3 = "alluxio-worker-577545dc9-2q7z7";

    /** Three nodes, worker2 and worker3 dead, their workers' leases expired. */
    private void twoOfThreeNodesDown() {
        create(client, aReadyNode("alluxio-e2e-worker"), aNotReadyNode("alluxio-e2e-worker2"),
                aNotReadyNode("alluxio-e2e-worker3"));
        create(client, aWorkerPod("alluxio-worker-577545dc9-5vt8k", "alluxio-e2e-worker", "10.244.3.7"),
                aWorkerPod(POD_2, "alluxio-e2e-worker2", "10.244.1.14"),
                aWorkerPod(POD_3, "alluxio-e2e-worker3", "10.244.4.5"));
        registry.authorize(CLUSTER, WORKER_2, "10.244.1.14");
        registry.authorize(CLUSTER, WORKER_3, "10.244.4.5");
    }

    private void nodeReturns(String name) {
        client.nodes().withName(name).edit(n -> new NodeBuilder(n).editStatus()
                .withConditions(ClusterObjects.readyCondition("True", java.time.Instant.now())).endStatus().build());
    }

    @Test
    void should_remediate_nothing_while_too_many_nodes_are_down_and_resume_when_it_clears() throws Exception {
        // given 2 of 3 nodes down, above the default limit of 49% (1 node)
        twoOfThreeNodesDown();

        // when the reaper runs
        startReaper(Map.of("reaper.safety.cooldown", "0s"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.posts().isEmpty());
        reaper.awaitCycles(3);

        // then nothing is deleted, and the operator is alerted once
        assertThat(podExists(client, "default", POD_2)).isTrue();
        assertThat(podExists(client, "default", POD_3)).isTrue();
        assertThat(registry.read("/DHT/")).hasSize(2);
        assertThat(slack.texts()).hasSize(1);
        assertThat(slack.texts().get(0)).contains("Safety breaker open", "2 of 3 nodes are not Ready (limit: 1)",
                "alluxio-e2e-worker2", "alluxio-e2e-worker3");

        // when worker2 comes back
        nodeReturns("alluxio-e2e-worker2");

        // then the breaker clears (announced) and worker3 alone is remediated
        await().atMost(Duration.ofSeconds(20)).until(() -> !podExists(client, "default", POD_3)
                && !registry.exists(authorizedKey(CLUSTER, WORKER_3)));
        assertThat(podExists(client, "default", POD_2)).isTrue();
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_2))).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> slack.texts().size() >= 3);
        assertThat(slack.texts().get(1)).contains("Remediation resumed");
        assertThat(slack.texts().get(2)).contains("Removed offline Alluxio worker " + WORKER_3);
    }

    @Test
    void should_wait_for_the_cooldown_after_the_breaker_cleared() throws Exception {
        // given a tripped breaker that clears, with a 3 s cooldown
        twoOfThreeNodesDown();
        startReaper(Map.of("reaper.safety.cooldown", "3s"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.posts().isEmpty());
        nodeReturns("alluxio-e2e-worker2");
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.texts().size() == 2);
        long cleared = System.nanoTime();
        assertThat(slack.texts().get(1)).contains("Safety breaker cleared", "remediation resumes after the cooldown");

        // then worker3 is left alone during the cooldown, and removed after it
        reaper.awaitCycles(3);
        assertThat(podExists(client, "default", POD_3)).as("during the cooldown").isTrue();
        await().atMost(Duration.ofSeconds(15)).until(() -> !podExists(client, "default", POD_3));
        assertThat(Duration.ofNanos(System.nanoTime() - cleared)).isGreaterThanOrEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void should_keep_the_cooldown_across_a_restart() throws Exception {
        // given the control object, and a tripped breaker that clears with an hour of cooldown
        client.configMaps().resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata()
                .withNamespace("offline-worker-reaper").withName("offline-worker-reaper-control").endMetadata()
                .build()).create();
        twoOfThreeNodesDown();
        startReaper(Map.of("reaper.safety.cooldown", "1h"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.posts().isEmpty());
        nodeReturns("alluxio-e2e-worker2");
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.texts().size() == 2);
        assertThat(slack.texts().get(1)).contains("Safety breaker cleared");

        // when the reaper restarts (a new leader, a new pod) during the cooldown
        reaper.closeBetweenCycles();
        reaper = null;
        startReaper(Map.of("reaper.safety.cooldown", "1h"));
        reaper.awaitCycles(3);

        // then it still waits: worker3 is kept, and it says why
        assertThat(podExists(client, "default", POD_3)).isTrue();
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_3))).isTrue();
        assertThat(log()).contains("Safety breaker cooling down since");
    }

    @Test
    void should_remove_at_most_the_configured_number_of_workers_per_cycle() throws Exception {
        // given two dead workers, the breaker wide open, and one removal per cycle
        twoOfThreeNodesDown();
        startReaper(Map.of("reaper.safety.max-unhealthy", "100%", "reaper.safety.max-pods-per-cycle", "1",
                "reaper.check-interval", "3s"));

        // when the first cycle ends (the next one is 3 s away)
        reaper.awaitFirstCycleEnded();

        // then exactly one of the two is gone; the next cycle takes the other
        assertThat(podExists(client, "default", POD_2) ^ podExists(client, "default", POD_3)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                !podExists(client, "default", POD_2) && !podExists(client, "default", POD_3));
    }

    @Test
    void should_never_touch_an_opted_out_node_or_pod() throws Exception {
        // given two dead nodes under a wide breaker: worker2's node opts out, and worker3's pod opts out
        create(client, aReadyNode("alluxio-e2e-worker"),
                new NodeBuilder(aNotReadyNode("alluxio-e2e-worker2")).editMetadata()
                        .addToLabels(OptOut.KEY, "true").endMetadata().build(),
                aNotReadyNode("alluxio-e2e-worker3"), aNotReadyNode("alluxio-e2e-worker4"));
        create(client, aWorkerPod(POD_2, "alluxio-e2e-worker2", "10.244.1.14"),
                new PodBuilder(aWorkerPod(POD_3, "alluxio-e2e-worker3", "10.244.4.5")).editMetadata()
                        .addToAnnotations(OptOut.KEY, "true").endMetadata().build(),
                aWorkerPod("alluxio-worker-577545dc9-w4", "alluxio-e2e-worker4", "10.244.5.5"));
        registry.authorize(CLUSTER, WORKER_2, "10.244.1.14");
        registry.authorize(CLUSTER, WORKER_3, "10.244.4.5");
        registry.authorize(CLUSTER, "worker-44444444-0000-0000-0000-000000000004", "10.244.5.5");

        // when the reaper runs
        startReaper(Map.of("reaper.safety.max-unhealthy", "100%"));

        // then only the worker without opt-out goes
        await().atMost(Duration.ofSeconds(10)).until(() -> !podExists(client, "default", "alluxio-worker-577545dc9-w4"));
        reaper.awaitCycles(2);
        assertThat(podExists(client, "default", POD_2)).isTrue();
        assertThat(podExists(client, "default", POD_3)).isTrue();
        assertThat(registry.read("/DHT/")).containsOnlyKeys(authorizedKey(CLUSTER, WORKER_2),
                authorizedKey(CLUSTER, WORKER_3));
    }

    @Test
    void should_ignore_nodes_outside_the_node_selector() throws Exception {
        // given a dead node that the selector leaves out
        create(client, aReadyNode("alluxio-e2e-worker"), new NodeBuilder(aNotReadyNode("alluxio-e2e-worker3"))
                .editMetadata().addToLabels("pool", "batch").endMetadata().build());
        create(client, aWorkerPod(POD_3, "alluxio-e2e-worker3", "10.244.4.5"));
        registry.authorize(CLUSTER, WORKER_3, "10.244.4.5");

        // when the reaper runs on the cache pool only
        startReaper(Map.of("reaper.nodes.selector", "pool notin (batch)"));
        reaper.awaitCycles(3);

        // then nothing happened (the breaker did not count it either: no alert)
        assertThat(podExists(client, "default", POD_3)).isTrue();
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_3))).isTrue();
        assertThat(slack.posts()).isEmpty();
    }
}
