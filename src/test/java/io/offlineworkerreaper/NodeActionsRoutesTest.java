package io.offlineworkerreaper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.offlineworkerreaper.decision.OptOut;
import io.offlineworkerreaper.demo.ClusterObjects;
import io.offlineworkerreaper.optin.NodeActionPlanner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.Scenario.CLUSTER;
import static io.offlineworkerreaper.Scenario.WORKER_3;
import static io.offlineworkerreaper.Scenario.aNotReadyNode;
import static io.offlineworkerreaper.Scenario.aReadyNode;
import static io.offlineworkerreaper.Scenario.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The opt-in node actions: cordon, out-of-service taint, delete; and giving a node back once Ready. */
class NodeActionsRoutesTest extends ReaperWorld {

    private static final String DEAD = "alluxio-e2e-worker3";
    private static final Taint UNREACHABLE = new TaintBuilder().withKey("node.kubernetes.io/unreachable")
            .withEffect("NoExecute").build();

    private Node node(String name) {
        return client.nodes().withName(name).get();
    }

    private void becomesReady(String name) {
        client.nodes().withName(name).edit(n -> new NodeBuilder(n).editStatus()
                .withConditions(ClusterObjects.readyCondition("True", Instant.now())).endStatus().build());
    }

    /** A power-off service: answers what the test scripts, and records what it was asked. */
    private HttpStandIn fence;

    @BeforeEach
    void startFence() throws Exception {
        fence = new HttpStandIn();
    }

    @AfterEach
    void stopFence() {
        fence.close();
    }

    private static Map<String, String> settings(String action) {
        return Map.of("reaper.node.action", action, "reaper.node.action-after", "1m",
                "reaper.safety.max-unhealthy", "3");
    }

    /** As {@link #settings}, with the fence stand-in as reaper.node.fence-uri. */
    private Map<String, String> fenced(String action, Map<String, String> extra) {
        Map<String, String> all = new java.util.HashMap<>(settings(action));
        all.put("reaper.node.fence-uri", fence.webhookUrl() + "?throwExceptionOnFailure=false");
        all.putAll(extra);
        return all;
    }

    @Test
    void should_cordon_a_dead_node_and_uncordon_it_when_ready_but_never_an_admins_cordon() throws Exception {
        // given a dead node, and another dead node an administrator had cordoned already
        create(client, aReadyNode("alluxio-e2e-worker"), aReadyNode("alluxio-e2e-worker2"), aNotReadyNode(DEAD),
                new NodeBuilder(aNotReadyNode("cordoned-by-admin")).editSpec().withUnschedulable(true).endSpec().build(),
                new NodeBuilder(aNotReadyNode("opted-out")).editMetadata().addToLabels(OptOut.KEY, "true")
                        .endMetadata().build());

        // when the reaper runs with reaper.node.action=cordon
        startReaper(settings("cordon"));

        // then the dead node is cordoned and marked as cordoned by the reaper; the others are not touched
        await().atMost(Duration.ofSeconds(20)).until(() -> NodeActionPlanner.unschedulable(node(DEAD)));
        assertThat(node(DEAD).getMetadata().getAnnotations()).containsEntry(NodeActionPlanner.MARK, "cordon");
        assertThat(node("cordoned-by-admin").getMetadata().getAnnotations()).doesNotContainKey(NodeActionPlanner.MARK);
        assertThat(NodeActionPlanner.unschedulable(node("opted-out"))).isFalse();
        assertThat(NodeActionPlanner.unschedulable(node("alluxio-e2e-worker"))).isFalse();

        // when both come back
        becomesReady(DEAD);
        becomesReady("cordoned-by-admin");

        // then the reaper's cordon is undone and said so; the administrator's stays
        await().atMost(Duration.ofSeconds(20)).until(() -> !NodeActionPlanner.unschedulable(node(DEAD)));
        assertThat(node(DEAD).getMetadata().getAnnotations()).doesNotContainKey(NodeActionPlanner.MARK);
        reaper.awaitCycles(2);
        assertThat(NodeActionPlanner.unschedulable(node("cordoned-by-admin"))).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> slack.texts().stream()
                .anyMatch(t -> t.contains("Done: uncordon the node, Ready again: node " + DEAD)));
        assertThat(slack.texts()).anyMatch(t -> t.contains("Done: cordon the node: node " + DEAD));
    }

    @Test
    void should_add_the_out_of_service_taint_by_patch_keeping_other_taints_and_remove_it_when_ready() throws Exception {
        create(client, aReadyNode("alluxio-e2e-worker"), aReadyNode("alluxio-e2e-worker2"),
                new NodeBuilder(aNotReadyNode(DEAD)).editSpec().withTaints(UNREACHABLE).endSpec().build());

        startReaper(fenced("out-of-service-taint", Map.of()));

        await().atMost(Duration.ofSeconds(20)).until(() -> NodeActionPlanner.hasOutOfServiceTaint(node(DEAD)));
        // proven off first: the fence was asked about that node, with its addresses
        assertThat(fence.posts()).isNotEmpty().allSatisfy(p -> assertThat(p.body()).contains("\"name\":\"" + DEAD + "\""));
        List<Taint> taints = node(DEAD).getSpec().getTaints();
        assertThat(taints).extracting(Taint::getKey)
                .containsExactlyInAnyOrder("node.kubernetes.io/unreachable", NodeActionPlanner.OUT_OF_SERVICE);
        assertThat(taints).filteredOn(t -> t.getKey().equals(NodeActionPlanner.OUT_OF_SERVICE)).singleElement()
                .satisfies(t -> {
                    assertThat(t.getValue()).isEqualTo("nodeshutdown");
                    assertThat(t.getEffect()).isEqualTo("NoExecute");
                });
        assertThat(node("alluxio-e2e-worker").getSpec() == null ? null : node("alluxio-e2e-worker").getSpec().getTaints())
                .isNullOrEmpty();
        assertThat(client.v1().events().inNamespace("default").list().getItems())
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("NodeOutOfServiceTainted"));

        becomesReady(DEAD);

        await().atMost(Duration.ofSeconds(20)).until(() -> !NodeActionPlanner.hasOutOfServiceTaint(node(DEAD)));
        assertThat(node(DEAD).getSpec().getTaints()).extracting(Taint::getKey)
                .containsExactly("node.kubernetes.io/unreachable");
    }

    @Test
    void should_delete_a_dead_node_only_after_its_worker_was_removed_with_its_keys() throws Exception {
        // given the seed crash: worker3's lease expired, its pod still on the dead node
        Scenario.seedCrash(client, registry);
        Path audit = Files.createTempFile("audit", ".jsonl");

        startReaper(fenced("delete", Map.of("reaper.audit.file", audit.toString(), "reaper.safety.max-unhealthy", "49%")));

        // then the node goes, and only after the worker's pod and key went
        await().atMost(Duration.ofSeconds(20)).until(() -> node(DEAD) == null);
        assertThat(registry.exists(Scenario.authorizedKey(CLUSTER, WORKER_3))).isFalse();
        // the audit line follows the delete (record-action runs once the API server answered)
        await().atMost(Duration.ofSeconds(5))
                .until(() -> indexOf(Files.readAllLines(audit), "\"action\":\"delete_node\"") >= 0);
        List<String> lines = Files.readAllLines(audit);
        int removed = indexOf(lines, "\"action\":\"removed\"");
        int deleted = indexOf(lines, "\"action\":\"delete_node\"");
        assertThat(removed).isNotNegative();
        assertThat(deleted).isGreaterThan(removed);
        assertThat(log()).contains("Not deleting node " + DEAD + " yet: an Alluxio worker pod is still on it");
        // and the Ready nodes stay
        assertThat(node("alluxio-e2e-worker")).isNotNull();
        assertThat(node("alluxio-e2e-worker2")).isNotNull();
    }

    @Test
    void should_neither_taint_nor_delete_a_node_the_fence_does_not_prove_off() throws Exception {
        // given a dead node, and a fence that answers 500
        create(client, aReadyNode("alluxio-e2e-worker"), aReadyNode("alluxio-e2e-worker2"), aNotReadyNode(DEAD));
        fence.answerWith(500);

        for (String action : List.of("out-of-service-taint", "delete")) {
            // when the reaper would taint or delete it
            startReaper(fenced(action, Map.of()));
            await().atMost(Duration.ofSeconds(20)).until(() -> fence.posts().size() >= 2);
            reaper.awaitCycles(2);

            // then the node is untouched, and the operator is told once why
            assertThat(node(DEAD)).isNotNull();
            assertThat(NodeActionPlanner.hasOutOfServiceTaint(node(DEAD))).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> slack.texts().stream()
                    .anyMatch(t -> t.startsWith("Not going to") && t.contains(DEAD + ": it could not be proven off")));
            assertThat(slack.texts()).filteredOn(t -> t.startsWith("Not going to")).hasSize(1);
            assertThat(log()).contains("Node " + DEAD + " NOT fenced", "answered HTTP 500");
            reaper.closeBetweenCycles();
            reaper = null;
            slack.close();
            slack = new HttpStandIn();
        }
    }

    @Test
    void should_refuse_the_taint_without_a_fence_uri_and_name_the_setting() throws Exception {
        create(client, aReadyNode("alluxio-e2e-worker"), aReadyNode("alluxio-e2e-worker2"), aNotReadyNode(DEAD));

        startReaper(settings("out-of-service-taint"));

        await().atMost(Duration.ofSeconds(10)).until(() -> slack.texts().stream().anyMatch(t -> t.startsWith("Not going to")));
        reaper.awaitCycles(2);
        assertThat(NodeActionPlanner.hasOutOfServiceTaint(node(DEAD))).isFalse();
        assertThat(String.join("\n", slack.texts())).contains("reaper.node.fence-uri", "reaper.node.require-fence=false");
        assertThat(fence.posts()).isEmpty();
    }

    @Test
    void should_touch_no_node_in_dry_run_or_while_the_breaker_is_open() throws Exception {
        create(client, aReadyNode("alluxio-e2e-worker"), aReadyNode("alluxio-e2e-worker2"), aNotReadyNode(DEAD));
        startReaper(Map.of("reaper.node.action", "delete", "reaper.node.action-after", "1m", "reaper.dry-run", "true"));
        await().atMost(Duration.ofSeconds(10)).until(() -> slack.texts().stream()
                .anyMatch(t -> t.contains("[DRY-RUN] Would delete the Node object: node " + DEAD)));
        reaper.awaitCycles(2);
        assertThat(node(DEAD)).isNotNull();
        reaper.close();

        // breaker: two of three nodes down
        client.nodes().withName("alluxio-e2e-worker2").delete();
        create(client, aNotReadyNode("alluxio-e2e-worker2"));
        reaper = RunningReaper.start(client, etcd.clientUrl(), slack, Map.of("reaper.node.action", "delete",
                "reaper.node.action-after", "1m"));
        reaper.awaitCycles(3);
        assertThat(node(DEAD)).isNotNull();
        assertThat(node("alluxio-e2e-worker2")).isNotNull();
    }

    private static int indexOf(List<String> lines, String fragment) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(fragment)) {
                return i;
            }
        }
        return -1;
    }
}
