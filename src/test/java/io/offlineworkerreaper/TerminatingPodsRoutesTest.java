package io.offlineworkerreaper;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.offlineworkerreaper.decision.OptOut;
import io.offlineworkerreaper.demo.ClusterObjects;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.Scenario.CLUSTER;
import static io.offlineworkerreaper.Scenario.WORKER_3;
import static io.offlineworkerreaper.Scenario.aNotReadyNode;
import static io.offlineworkerreaper.Scenario.aReadyNode;
import static io.offlineworkerreaper.Scenario.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The opt-in reaper of pods stuck Terminating on NotReady nodes (the pod-reaper CronJob's job, in seconds). */
class TerminatingPodsRoutesTest extends ReaperWorld {

    KubernetesMockServer server;
    private NodePodLists pods;

    private static final Map<String, String> ON = Map.of("reaper.terminating.enabled", "true",
            "reaper.terminating.older-than", "5m", "reaper.terminating.namespaces.exclude", "kube-system");

    private static Pod pod(String namespace, String name, String node) {
        return ClusterObjects.pod(namespace, name, node, "10.244.9.1", Map.of("app", name));
    }

    private static Instant minutesAgo(int minutes) {
        return Instant.now().minus(Duration.ofMinutes(minutes));
    }

    private void givenADeadNodeWithStuckPodsAndBystanders() {
        create(client, aReadyNode("alluxio-e2e-worker"), aReadyNode("alluxio-e2e-worker2"),
                aNotReadyNode("alluxio-e2e-worker3"));
        pods = NodePodLists.serve(server, "alluxio-e2e-worker", "alluxio-e2e-worker2", "alluxio-e2e-worker3");
        pods.add(pod("apps", "web-7f9c-stuck", "alluxio-e2e-worker3"), minutesAgo(12));
        pods.add(pod("apps", "web-7f9c-recent", "alluxio-e2e-worker3"), minutesAgo(1));
        pods.add(pod("apps", "web-7f9c-running", "alluxio-e2e-worker3"), null);
        pods.add(pod("apps", "web-7f9c-on-ready-node", "alluxio-e2e-worker"), minutesAgo(12));
        pods.add(new PodBuilder(pod("apps", "fluentd-x2v7q", "alluxio-e2e-worker3"))
                .editMetadata().addNewOwnerReference().withApiVersion("apps/v1").withKind("DaemonSet")
                .withName("fluentd").withUid("ds-1").endOwnerReference().endMetadata().build(), minutesAgo(12));
        pods.add(pod("kube-system", "coredns-5d78c-stuck", "alluxio-e2e-worker3"), minutesAgo(12));
        pods.add(new PodBuilder(pod("apps", "db-0-opted-out", "alluxio-e2e-worker3"))
                .editMetadata().addToLabels(OptOut.KEY, "true").endMetadata().build(), minutesAgo(12));
        // an Alluxio worker stuck Terminating, still heartbeating: only the worker remediation may act on it
        pods.add(Scenario.aWorkerPod("alluxio-worker-577545dc9-2q7z7", "alluxio-e2e-worker3", "10.244.4.5"),
                minutesAgo(12));
        registry.registerLiveWorker(CLUSTER, WORKER_3, "10.244.4.5", 60);
    }

    @Test
    void should_force_delete_only_the_pods_stuck_terminating_long_enough_on_not_ready_nodes() throws Exception {
        givenADeadNodeWithStuckPodsAndBystanders();

        startReaper(ON);

        await().atMost(Duration.ofSeconds(20)).until(() -> !pods.exists("apps", "web-7f9c-stuck"));
        reaper.awaitCycles(2);
        assertThat(pods.exists("apps", "web-7f9c-recent")).as("Terminating for 1 minute only").isTrue();
        assertThat(pods.exists("apps", "web-7f9c-running")).as("not Terminating").isTrue();
        assertThat(pods.exists("apps", "web-7f9c-on-ready-node")).as("on a Ready node").isTrue();
        assertThat(pods.exists("apps", "fluentd-x2v7q")).as("DaemonSet pod").isTrue();
        assertThat(pods.exists("kube-system", "coredns-5d78c-stuck")).as("excluded namespace").isTrue();
        assertThat(pods.exists("apps", "db-0-opted-out")).as("opted out").isTrue();
        assertThat(pods.exists("default", "alluxio-worker-577545dc9-2q7z7")).as("Alluxio worker").isTrue();
        // deleted once, forcefully: grace period 0
        assertThat(pods.deletes()).singleElement().asString().startsWith("apps/web-7f9c-stuck")
                .contains("\"gracePeriodSeconds\":0");
        // and it counted it
        io.micrometer.core.instrument.MeterRegistry meters = reaper.context().getRegistry()
                .lookupByNameAndType("metricsRegistry", io.micrometer.core.instrument.MeterRegistry.class);
        assertThat(meters.get("reaper.actions").tag("action", "force_delete_stuck_pod").tag("result", "done")
                .counter().count()).isEqualTo(1);
        // and it said so: a notice, an Event on the pod and on the node
        await().atMost(Duration.ofSeconds(5)).until(() -> slack.texts().stream()
                .anyMatch(t -> t.contains("Done: force-delete the pod stuck Terminating: pod apps/web-7f9c-stuck")));
        assertThat(client.v1().events().inNamespace("apps").list().getItems())
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("StuckPodForceDeleted"));
        assertThat(client.v1().events().inNamespace("default").list().getItems())
                .anySatisfy(e -> {
                    assertThat(e.getInvolvedObject().getKind()).isEqualTo("Node");
                    assertThat(e.getReason()).isEqualTo("StuckPodForceDeleted");
                });
    }

    @Test
    void should_still_remove_the_dead_worker_when_the_opt_in_rbac_is_missing() throws Exception {
        // given the seed crash, terminating-pod reaping on, but its cluster-wide RBAC not applied (403)
        Scenario.seedCrash(client, registry);
        server.expect().get().withPath("/api/v1/pods?fieldSelector=spec.nodeName%3Dalluxio-e2e-worker3")
                .andReturn(403, new io.fabric8.kubernetes.api.model.StatusBuilder().withCode(403).withReason("Forbidden")
                        .withMessage("pods is forbidden: User \"system:serviceaccount:offline-worker-reaper:"
                                + "offline-worker-reaper\" cannot list resource \"pods\" at the cluster scope").build())
                .always();

        startReaper(ON);

        // then the worker remediation is not held up by the failing opt-in feature
        await().atMost(Duration.ofSeconds(20)).until(() ->
                !Scenario.podExists(client, "default", "alluxio-worker-577545dc9-2q7z7")
                        && !registry.exists(Scenario.authorizedKey(CLUSTER, WORKER_3)));
        // and the failure is announced with what to check
        await().atMost(Duration.ofSeconds(5)).until(() -> slack.texts().stream()
                .anyMatch(t -> t.contains("reap-terminating-pods failed") && t.contains("Forbidden")
                        && t.contains("deploy/kubernetes/optional/")));
    }

    @Test
    void should_delete_nothing_in_dry_run_and_say_once_what_it_would_do() throws Exception {
        givenADeadNodeWithStuckPodsAndBystanders();

        startReaper(Map.of("reaper.terminating.enabled", "true", "reaper.dry-run", "true",
                "reaper.terminating.namespaces.exclude", "kube-system"));
        reaper.awaitCycles(3);

        assertThat(pods.exists("apps", "web-7f9c-stuck")).isTrue();
        assertThat(pods.deletes()).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> slack.texts().stream()
                .anyMatch(t -> t.contains("[DRY-RUN] Would force-delete the pod stuck Terminating: pod apps/web-7f9c-stuck")));
        assertThat(slack.texts().stream().filter(t -> t.contains("pod apps/web-7f9c-stuck"))).hasSize(1);
    }

    @Test
    void should_leave_stuck_pods_alone_while_the_safety_breaker_is_open() throws Exception {
        givenADeadNodeWithStuckPodsAndBystanders();
        client.nodes().withName("alluxio-e2e-worker2").delete();
        create(client, aNotReadyNode("alluxio-e2e-worker2"));

        startReaper(ON);
        reaper.awaitCycles(3);

        assertThat(pods.exists("apps", "web-7f9c-stuck")).isTrue();
        assertThat(pods.deletes()).isEmpty();
    }
}
