package io.offlineworkerreaper;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.offlineworkerreaper.demo.ClusterObjects;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.Scenario.CLUSTER;
import static io.offlineworkerreaper.Scenario.WORKER_2;
import static io.offlineworkerreaper.Scenario.WORKER_3;
import static io.offlineworkerreaper.Scenario.aNotReadyNode;
import static io.offlineworkerreaper.Scenario.aReadyNode;
import static io.offlineworkerreaper.Scenario.authorizedKey;
import static io.offlineworkerreaper.Scenario.create;
import static io.offlineworkerreaper.Scenario.heartbeatKey;
import static io.offlineworkerreaper.Scenario.podExists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the reaper refuses when it cannot account for every worker, and what it says is misconfigured: the whole
 * application against the API emulator, a real etcd and a Slack stand-in.
 */
class RegistryFindingsRoutesTest extends ReaperWorld {

    private static final String DEAD_POD = "alluxio-worker-577545dc9-2q7z7";
    private static final String STRAY = "worker-99999999-0000-4000-8000-000000000009";

    /** Nodes worker, worker2 Ready and worker3 dead, a worker pod on each, worker2's worker live. */
    private void aCrashWith(Map<String, String> labels) {
        create(client, aReadyNode("alluxio-e2e-worker"), aReadyNode("alluxio-e2e-worker2"),
                aNotReadyNode("alluxio-e2e-worker3"));
        for (Pod pod : new Pod[] {
                ClusterObjects.workerPod("default", "alluxio-worker-577545dc9-5vt8k", "alluxio-e2e-worker", "10.244.3.7"),
                ClusterObjects.workerPod("default", "alluxio-worker-577545dc9-6hjj9", "alluxio-e2e-worker2", "10.244.1.14"),
                ClusterObjects.workerPod("default", DEAD_POD, "alluxio-e2e-worker3", "10.244.4.5")}) {
            pod.getMetadata().setLabels(labels);
            create(client, pod);
        }
        registry.registerLiveWorker(CLUSTER, WORKER_2, "10.244.1.14", 30);
    }

    private List<String> warnings() {
        return slack.texts().stream().filter(t -> t.contains("fix:")).toList();
    }

    @Test
    void should_refuse_a_pod_without_registration_while_a_heartbeat_matches_no_pod_and_act_once_it_expires()
            throws Exception {
        // given the dead pod without registration, and a live heartbeat at an address of no pod
        aCrashWith(ClusterObjects.WORKER_LABELS);
        registry.registerLiveWorker(CLUSTER, STRAY, "10.99.0.1", 2);

        // when the reaper runs several cycles
        startReaper(Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> warnings().size() == 1);
        reaper.awaitCycles(3);

        // then the pod stays, the alert names the unaccounted key and its Host, once, and the refusal says why
        assertThat(podExists(client, "default", DEAD_POD)).isTrue();
        assertThat(warnings()).hasSize(1);
        assertThat(warnings().get(0)).contains("1 live heartbeat(s)", heartbeatKey(CLUSTER, STRAY), "Host 10.99.0.1",
                "reaper.alluxio.unaccounted-heartbeats=ignore");
        assertThat(slack.texts()).filteredOn(t -> t.contains("Not removing pod default/" + DEAD_POD)).hasSize(1)
                .allSatisfy(t -> assertThat(t).contains("live heartbeats match no worker pod"));
        assertThat(client.v1().events().inNamespace("default").list().getItems())
                .anySatisfy(e -> assertThat(e.getInvolvedObject().getName()).isEqualTo(DEAD_POD));

        // when the stray worker stops heartbeating and its lease expires
        registry.stopHeartbeat(STRAY);

        // then the finding clears and the pod goes, alone: it had no registration, the stray's key stays
        await().atMost(Duration.ofSeconds(20)).until(() -> !podExists(client, "default", DEAD_POD));
        assertThat(registry.exists(authorizedKey(CLUSTER, STRAY))).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> slack.texts().stream()
                .anyMatch(t -> t.startsWith("Cleared: 1 live heartbeat(s)")));
    }

    @Test
    void should_remove_pods_without_registration_despite_unaccounted_heartbeats_when_told_to_ignore_them()
            throws Exception {
        aCrashWith(ClusterObjects.WORKER_LABELS);
        registry.registerLiveWorker(CLUSTER, STRAY, "10.99.0.1", 30);

        startReaper(Map.of("reaper.alluxio.unaccounted-heartbeats", "ignore"));

        await().atMost(Duration.ofSeconds(20)).until(() -> !podExists(client, "default", DEAD_POD));
        assertThat(registry.exists(heartbeatKey(CLUSTER, STRAY))).isTrue();
    }

    @Test
    void should_count_an_unreadable_heartbeat_as_unaccounted() throws Exception {
        // given the dead pod without registration, and a heartbeat in the binary form of early Dora builds
        aCrashWith(ClusterObjects.WORKER_LABELS);
        registry.heartbeatWithValue(CLUSTER, STRAY, "\u0000\u0000\u0000\u0001\n\n10.244.4.5", 30);

        startReaper(Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> warnings().size() == 1);
        reaper.awaitCycles(2);

        assertThat(podExists(client, "default", DEAD_POD)).isTrue();
        assertThat(registry.exists(heartbeatKey(CLUSTER, STRAY))).isTrue();
        assertThat(warnings().get(0)).contains(heartbeatKey(CLUSTER, STRAY), "unreadable value", "not JSON");
    }

    /** Two dead identities at the dead pod's address (its node was rebuilt once: normal on old clusters). */
    private String aCrashWithTwoDeadIdentities() {
        aCrashWith(ClusterObjects.WORKER_LABELS);
        String older = "worker-11111111-2222-4333-8444-555555555555";
        registry.authorize(CLUSTER, WORKER_3, "10.244.4.5");
        registry.authorize(CLUSTER, older, "10.244.4.5");
        return older;
    }

    @Test
    void should_remove_every_dead_registration_at_the_pods_address_then_the_pod() throws Exception {
        String older = aCrashWithTwoDeadIdentities();

        startReaper(Map.of());

        await().atMost(Duration.ofSeconds(20)).until(() -> !podExists(client, "default", DEAD_POD));
        assertThat(registry.read("/DHT/")).containsOnlyKeys(authorizedKey(CLUSTER, WORKER_2));
        await().atMost(Duration.ofSeconds(5)).until(() -> !slack.texts().isEmpty());
        assertThat(slack.texts().get(0)).contains(authorizedKey(CLUSTER, WORKER_3), authorizedKey(CLUSTER, older),
                "force-deleted");
    }

    @Test
    void should_keep_the_pod_when_deleting_the_keys_fails_after_the_first_worker() throws Exception {
        // given two dead identities at the pod's address, and etcd failing once the first one's keys are gone
        aCrashWithTwoDeadIdentities();
        startReaper(Map.of());
        java.util.concurrent.atomic.AtomicBoolean firstDeleted = new java.util.concurrent.atomic.AtomicBoolean();
        org.apache.camel.builder.AdviceWith.adviceWith(reaper.context(), "remove-worker-keys", route ->
                route.weaveById("delete-worker-keys").replace().process(exchange -> {
                    io.offlineworkerreaper.decision.Remediation removal =
                            exchange.getIn().getBody(io.offlineworkerreaper.decision.Remediation.class);
                    if (firstDeleted.compareAndSet(false, true)) {
                        registry.deletePrefix(removal.workers().get(0).authorized().key());
                    }
                    throw new IllegalStateException("etcd said no");
                }));

        await().atMost(Duration.ofSeconds(10)).until(() -> slack.texts().stream()
                .anyMatch(t -> t.contains("remove-worker-keys failed")));
        reaper.awaitCycles(2);

        // then the pod stays while a key of its workers is left
        assertThat(podExists(client, "default", DEAD_POD)).isTrue();
        assertThat(registry.read("/DHT/")).hasSize(2); // the live worker's and the second dead identity's
    }

    @Test
    void should_keep_a_worker_that_re_registers_between_detection_and_delete() throws Exception {
        // given the dead worker, and a reaper in which it heartbeats again right after the cycle read it as dead
        aCrashWith(ClusterObjects.WORKER_LABELS);
        registry.authorize(CLUSTER, WORKER_3, "10.244.4.5");
        startReaper(Map.of());
        java.util.concurrent.atomic.AtomicBoolean back = new java.util.concurrent.atomic.AtomicBoolean();
        org.apache.camel.builder.AdviceWith.adviceWith(reaper.context(), "remove-worker-keys", route ->
                route.weaveById("delete-worker-keys").before().process(exchange -> {
                    if (back.compareAndSet(false, true)) {
                        registry.heartbeat(CLUSTER, WORKER_3, "10.244.4.5", 30);
                    }
                }));

        // when the reaper goes on deleting what it read
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.texts().stream().anyMatch(t -> t.contains("came back")));
        reaper.awaitCycles(2);

        // then the worker keeps its registration and its pod, and the refusal says why
        assertThat(back).isTrue();
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_3))).isTrue();
        assertThat(podExists(client, "default", DEAD_POD)).isTrue();
        assertThat(slack.texts()).filteredOn(t -> t.contains("came back")).hasSize(1).allSatisfy(t -> assertThat(t)
                .startsWith("Not removing Alluxio worker " + WORKER_3 + ": it is still heartbeating")
                .contains("came back (its heartbeat key exists again) between the cycle's read and the delete"));
        assertThat(log()).contains("Worker " + WORKER_3 + " came back");
    }

    @Test
    void should_say_which_selector_matches_the_registered_workers_and_delete_nothing() throws Exception {
        // given worker pods labelled as the k8s-operator chart labels them, and the default selector
        aCrashWith(ClusterObjects.OPERATOR_WORKER_LABELS);
        registry.authorize(CLUSTER, WORKER_3, "10.244.4.5");

        startReaper(Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> warnings().size() == 1);
        reaper.awaitCycles(2);

        assertThat(warnings().get(0)).contains("reaper.workers.selector=app.kubernetes.io/component=worker,"
                        + "app.kubernetes.io/name=alluxio matches no pod in namespace default",
                "2 worker(s) are registered (1 heartbeating)", "pod default/" + DEAD_POD,
                "fix: set reaper.workers.selector=app=alluxio,role=alluxio-worker");
        assertThat(podExists(client, "default", DEAD_POD)).isTrue();
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_3))).isTrue();
        assertThat(slack.texts()).hasSize(1);
    }

    @Test
    void should_say_which_cluster_name_has_the_workers_and_delete_nothing() throws Exception {
        // given the workers registered under default-alluxio, and the reaper told Alluxio's own default name
        aCrashWith(ClusterObjects.WORKER_LABELS);
        registry.authorize(CLUSTER, WORKER_3, "10.244.4.5");

        startReaper(Map.of("reaper.alluxio.cluster-name", "DefaultAlluxioCluster"));
        await().atMost(Duration.ofSeconds(10)).until(() -> warnings().size() == 1);
        reaper.awaitCycles(2);

        assertThat(warnings().get(0)).contains("reaper.alluxio.cluster-name=DefaultAlluxioCluster has no registration",
                "cluster default-alluxio: 2 registration(s), 1 heartbeating, 2 matching the worker pods",
                "fix: set reaper.alluxio.cluster-name=default-alluxio");
        assertThat(podExists(client, "default", DEAD_POD)).isTrue();
        assertThat(registry.read("/DHT/")).hasSize(2);
        assertThat(slack.texts()).filteredOn(t -> t.contains("Not removing pod default/" + DEAD_POD))
                .singleElement().satisfies(t -> assertThat(t).contains("no registration at all"));
    }

    @Test
    void should_report_a_wrong_selector_before_any_node_fails() throws Exception {
        // given a healthy cluster whose pods the selector misses
        create(client, aReadyNode("alluxio-e2e-worker2"));
        Pod pod = ClusterObjects.workerPod("default", "alluxio-worker-577545dc9-6hjj9", "alluxio-e2e-worker2", "10.244.1.14");
        pod.getMetadata().setLabels(ClusterObjects.OPERATOR_WORKER_LABELS);
        create(client, pod);
        registry.registerLiveWorker(CLUSTER, WORKER_2, "10.244.1.14", 30);

        // when the reaper starts, then its first cycle says so
        startReaper(Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> warnings().size() == 1);
        assertThat(warnings().get(0)).contains("fix: set reaper.workers.selector=app=alluxio,role=alluxio-worker");
        await().atMost(Duration.ofSeconds(5)).until(() -> log().contains("matches no pod in namespace default"));
    }
}
