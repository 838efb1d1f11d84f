package io.offlineworkerreaper;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.offlineworkerreaper.cycle.Control;
import io.offlineworkerreaper.decision.Pause;
import io.offlineworkerreaper.demo.ClusterObjects;
import io.offlineworkerreaper.kubernetes.RemovalRequest;
import io.offlineworkerreaper.optin.NodeActionPlanner;
import io.offlineworkerreaper.optin.NodeConfirmations;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.Scenario.CLUSTER;
import static io.offlineworkerreaper.Scenario.WORKER_3;
import static io.offlineworkerreaper.Scenario.aNotReadyNode;
import static io.offlineworkerreaper.Scenario.aReadyNode;
import static io.offlineworkerreaper.Scenario.aWorkerPod;
import static io.offlineworkerreaper.Scenario.authorizedKey;
import static io.offlineworkerreaper.Scenario.create;
import static io.offlineworkerreaper.Scenario.heartbeatKey;
import static io.offlineworkerreaper.Scenario.podExists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A human in the loop: an operator asks for a worker's removal (offline-worker-reaper/remove on its pod) where the
 * safeguards hold it back, confirms a node off (offline-worker-reaper/confirmed-off) where no fence service can, and
 * a removal cut short by a crash is finished by the next reaper.
 */
class OperatorRequestsRoutesTest extends ReaperWorld {

    private static final String NS = "offline-worker-reaper";
    private static final String CONTROL = "offline-worker-reaper-control";
    private static final String W1 = "worker-11111111-0000-4000-8000-000000000001";
    private static final String W2 = "worker-22222222-0000-4000-8000-000000000002";

    /** The annotation as kubectl annotate sets it: its field manager recorded in managedFields. */
    private static Pod asked(Pod pod, String reason) {
        return new PodBuilder(pod).editMetadata().addToAnnotations(RemovalRequest.ANNOTATION, reason)
                .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl-annotate").withOperation("Update")
                        .withApiVersion("v1").withTime("2026-12-05T01:00:00Z").withFieldsType("FieldsV1")
                        .withFieldsV1(fieldsV1()).build())
                .endMetadata().build();
    }

    private static FieldsV1 fieldsV1() {
        FieldsV1 fields = new FieldsV1();
        fields.setAdditionalProperty("f:metadata", Map.of("f:annotations", Map.of("f:" + RemovalRequest.ANNOTATION, Map.of())));
        return fields;
    }

    private void controlConfigMap(Map<String, String> annotations) {
        client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withNamespace(NS).withName(CONTROL)
                .withAnnotations(annotations).endMetadata().build()).create();
    }

    /** Three of four nodes burnt down, their workers' leases gone: the breaker holds, and rightly so. */
    private void massFailure(Pod asked) {
        create(client, aReadyNode("alluxio-e2e-worker"), aNotReadyNode("alluxio-e2e-worker2"),
                aNotReadyNode("alluxio-e2e-worker3"), aNotReadyNode("alluxio-e2e-worker4"));
        create(client, aWorkerPod("alluxio-worker-1", "alluxio-e2e-worker2", "10.244.1.14"),
                aWorkerPod("alluxio-worker-2", "alluxio-e2e-worker4", "10.244.5.5"), asked);
        registry.authorize(CLUSTER, W1, "10.244.1.14");
        registry.authorize(CLUSTER, W2, "10.244.5.5");
        registry.authorize(CLUSTER, WORKER_3, "10.244.4.5");
    }

    @Test
    void should_remove_the_one_worker_asked_for_while_the_breaker_holds_and_keep_the_others() throws Exception {
        // given a mass failure, and an operator who checked worker3 and asks for it
        massFailure(asked(aWorkerPod("alluxio-worker-3", "alluxio-e2e-worker3", "10.244.4.5"), "rack 7 burnt, INC-42"));

        startReaper(Map.of());

        // then that worker goes, keys first
        await().atMost(Duration.ofSeconds(15)).until(() -> !podExists(client, "default", "alluxio-worker-3"));
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_3))).isFalse();
        reaper.awaitCycles(2);
        // and the others, held by the breaker, stay with their keys
        assertThat(podExists(client, "default", "alluxio-worker-1")).isTrue();
        assertThat(podExists(client, "default", "alluxio-worker-2")).isTrue();
        assertThat(registry.exists(authorizedKey(CLUSTER, W1))).isTrue();
        assertThat(registry.exists(authorizedKey(CLUSTER, W2))).isTrue();
        // and the removal says who asked, why, and what it bypassed: in Slack and on the pod's Event
        await().atMost(Duration.ofSeconds(5)).until(() -> slack.texts().stream().anyMatch(t -> t.contains("Removed")));
        assertThat(slack.texts()).anySatisfy(t -> assertThat(t).contains("Removed offline Alluxio worker " + WORKER_3,
                "kubectl-annotate", "rack 7 burnt, INC-42", "the safety breaker"));
        assertThat(client.v1().events().inNamespace("default").list().getItems()).anySatisfy(e -> assertThat(
                e.getMessage()).contains("asked by kubectl-annotate: rack 7 burnt, INC-42", "bypassed: the safety breaker"));
    }

    @Test
    void should_answer_a_request_at_once_in_watch_mode_not_at_the_next_interval() throws Exception {
        // given a mass failure the breaker holds, a reaper in watch mode with a minute between cycles
        massFailure(aWorkerPod("alluxio-worker-3", "alluxio-e2e-worker3", "10.244.4.5"));
        startReaper(Map.of("reaper.detection", "watch", "reaper.check-interval", "60s"));
        reaper.awaitFirstCycleEnded();
        await().atMost(Duration.ofSeconds(10)).until(() -> log().contains("Worker pod watch: listing done"));

        // when an operator asks for worker3
        Instant asked = Instant.now();
        client.pods().inNamespace("default").withName("alluxio-worker-3").edit(p -> asked(p, "rack 7"));

        // then it goes within seconds: the pod watch starts a cycle
        await().atMost(Duration.ofSeconds(10)).until(() -> !podExists(client, "default", "alluxio-worker-3"));
        assertThat(Duration.between(asked, Instant.now())).isLessThan(Duration.ofSeconds(10));
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_3))).isFalse();
        assertThat(podExists(client, "default", "alluxio-worker-1")).isTrue();
    }

    @Test
    void should_keep_a_worker_asked_for_while_its_lease_lives_and_name_the_lease() throws Exception {
        create(client, aReadyNode("alluxio-e2e-worker"), aReadyNode("alluxio-e2e-worker2"),
                aNotReadyNode("alluxio-e2e-worker3"));
        create(client, asked(aWorkerPod("alluxio-worker-3", "alluxio-e2e-worker3", "10.244.4.5"), "looks dead"));
        registry.registerLiveWorker(CLUSTER, WORKER_3, "10.244.4.5", 30);

        startReaper(Map.of());

        await().atMost(Duration.ofSeconds(10)).until(() -> slack.texts().stream().anyMatch(t -> t.contains("Not removing")));
        reaper.awaitCycles(3);
        assertThat(podExists(client, "default", "alluxio-worker-3")).isTrue();
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_3))).isTrue();
        assertThat(slack.texts()).singleElement().asString().contains("still renews its etcd lease",
                heartbeatKey(CLUSTER, WORKER_3), "kubectl-annotate", "looks dead");
    }

    @Test
    void should_answer_a_request_on_a_pod_of_a_ready_node_once_and_keep_it() throws Exception {
        // given a pod on a Ready node asked for, while another node is down (so every cycle reads the workers)
        create(client, aReadyNode("alluxio-e2e-worker"), aReadyNode("alluxio-e2e-worker2"), aNotReadyNode("empty-node"));
        create(client, asked(aWorkerPod("alluxio-worker-1", "alluxio-e2e-worker", "10.244.3.7"), "wrong pod"));
        registry.authorize(CLUSTER, W1, "10.244.3.7");

        startReaper(Map.of());

        await().atMost(Duration.ofSeconds(10)).until(() -> slack.texts().stream().anyMatch(t -> t.contains("as asked")));
        reaper.awaitCycles(5);
        assertThat(podExists(client, "default", "alluxio-worker-1")).isTrue();
        assertThat(registry.exists(authorizedKey(CLUSTER, W1))).isTrue();
        assertThat(slack.texts()).as("answered once").singleElement().asString()
                .contains("Not removing pod default/alluxio-worker-1 as asked", "is Ready",
                        "kubectl -n default annotate pod alluxio-worker-1 " + RemovalRequest.ANNOTATION + "-");
        // and the status page lists the request with its verdict
        assertThat(reaper.context().getRegistry().lookupByNameAndType("status", io.offlineworkerreaper.observe.StatusPage.class)
                .json()).contains("\"removalRequests\"", "\"askedBy\" : \"kubectl-annotate\"", "REQUEST_REFUSED");
    }

    @Test
    void should_only_say_would_in_dry_run_and_while_paused() throws Exception {
        massFailure(asked(aWorkerPod("alluxio-worker-3", "alluxio-e2e-worker3", "10.244.4.5"), "rack 7"));
        controlConfigMap(Map.of(Pause.PAUSED, "maintenance"));

        startReaper(Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.texts().stream().anyMatch(t -> t.contains("Would remove")));
        reaper.awaitCycles(2);
        assertThat(podExists(client, "default", "alluxio-worker-3")).isTrue();
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_3))).isTrue();
        reaper.closeBetweenCycles();
        reaper = null;

        client.configMaps().inNamespace(NS).withName(CONTROL).delete();
        slack.close();
        slack = new HttpStandIn();
        startReaper(Map.of("reaper.dry-run", "true"));
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.texts().stream().anyMatch(t -> t.contains("Would remove")));
        reaper.awaitCycles(2);
        assertThat(podExists(client, "default", "alluxio-worker-3")).isTrue();
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_3))).isTrue();
        assertThat(slack.texts()).anySatisfy(t -> assertThat(t).contains("Would remove", "kubectl-annotate", "rack 7"));
    }

    @Test
    void should_finish_a_removal_cut_short_after_its_keys_on_the_last_worker_in_a_new_reaper() throws Exception {
        // given the cluster's last worker, and a reaper that will die between its keys and its pod
        controlConfigMap(Map.of());
        create(client, aReadyNode("alluxio-e2e-worker"), aReadyNode("alluxio-e2e-worker2"),
                aReadyNode("alluxio-e2e-worker3"));
        create(client, aWorkerPod("alluxio-worker-3", "alluxio-e2e-worker3", "10.244.4.5"));
        registry.authorize(CLUSTER, WORKER_3, "10.244.4.5");
        startReaper(Map.of());
        org.apache.camel.builder.AdviceWith.adviceWith(reaper.context(), "delete-worker-pod", route ->
                route.weaveById("force-delete-pod").replace().throwException(new IllegalStateException("process killed")));
        // when its node dies (its worker's lease long gone)
        client.nodes().withName("alluxio-e2e-worker3").edit(n -> new NodeBuilder(n).editStatus().withConditions(
                ClusterObjects.readyCondition("Unknown", Instant.now().minus(Duration.ofMinutes(5)))).endStatus().build());
        await().atMost(Duration.ofSeconds(10)).until(() -> !registry.exists(authorizedKey(CLUSTER, WORKER_3)));
        await().atMost(Duration.ofSeconds(5)).until(() -> String.valueOf(client.configMaps().inNamespace(NS)
                .withName(CONTROL).get().getMetadata().getAnnotations().get(Control.KEYS_REMOVED)).contains("@"));
        reaper.closeBetweenCycles();
        reaper = null;
        assertThat(podExists(client, "default", "alluxio-worker-3")).isTrue();
        assertThat(registry.read("/")).isEmpty(); // the registry is empty now: no proof is left in it

        // when another reaper starts
        startReaper(Map.of());

        // then it finishes the removal from the progress kept in the cluster
        await().atMost(Duration.ofSeconds(10)).until(() -> !podExists(client, "default", "alluxio-worker-3"));
        await().atMost(Duration.ofSeconds(5)).until(() -> !String.valueOf(client.configMaps().inNamespace(NS)
                .withName(CONTROL).get().getMetadata().getAnnotations().get(Control.KEYS_REMOVED)).contains("@"));
        assertThat(log()).doesNotContain("EMPTY_REGISTRY");
    }

    @Test
    void should_taint_a_node_confirmed_off_without_a_fence_service_and_ignore_the_confirmation_once_it_is_ready()
            throws Exception {
        // given a dead node an operator confirmed off, and no reaper.node.fence-uri
        Node dead = new NodeBuilder(aNotReadyNode("alluxio-e2e-worker3")).editMetadata()
                .addToAnnotations(NodeConfirmations.ANNOTATION, "pulled the plug, ticket 7").endMetadata().build();
        create(client, aReadyNode("alluxio-e2e-worker"), aReadyNode("alluxio-e2e-worker2"), dead);

        startReaper(Map.of("reaper.node.action", "out-of-service-taint", "reaper.node.action-after", "1m",
                "reaper.node.revert-when-ready", "false"));

        // then the taint is applied, and said so with the operator's reason
        await().atMost(Duration.ofSeconds(10)).until(() -> NodeActionPlanner.hasOutOfServiceTaint(node("alluxio-e2e-worker3")));
        assertThat(log()).contains("confirmed off (offline-worker-reaper/confirmed-off=pulled the plug, ticket 7)");

        // when the node turns Ready with the annotation still on, then down again
        client.nodes().withName("alluxio-e2e-worker3").edit(n -> new NodeBuilder(n).editSpec().withTaints(List.of())
                .endSpec().editStatus().withConditions(ClusterObjects.readyCondition("True", Instant.now())).endStatus()
                .build());
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.texts().stream().anyMatch(t -> t.contains("is Ready again")));
        client.nodes().withName("alluxio-e2e-worker3").edit(n -> new NodeBuilder(n).editStatus().withConditions(
                ClusterObjects.readyCondition("Unknown", Instant.now().minus(Duration.ofMinutes(5)))).endStatus().build());

        // then the confirmation no longer counts: no taint, refused as not proven off
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.texts().stream().anyMatch(t -> t.startsWith("Not going to")));
        reaper.awaitCycles(2);
        assertThat(NodeActionPlanner.hasOutOfServiceTaint(node("alluxio-e2e-worker3"))).isFalse();
    }

    private Node node(String name) {
        return client.nodes().withName(name).get();
    }
}
