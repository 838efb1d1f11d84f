package io.offlineworkerreaper.decision;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.offlineworkerreaper.demo.ClusterObjects;
import io.offlineworkerreaper.kubernetes.LabelSelector;
import io.offlineworkerreaper.kubernetes.NotReadyNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NodeReadinessTest {

    private static final Instant NOW = Instant.parse("2025-03-05T10:00:00Z");
    private final NodeReadiness readiness =
            new NodeReadiness(Duration.ofSeconds(30), LabelSelector.parse(""), Clock.fixed(NOW, ZoneOffset.UTC));

    private static Node node(String name, String status, Duration ago) {
        return ClusterObjects.node(name, status, NOW.minus(ago));
    }

    @Test
    void should_report_nodes_whose_ready_condition_is_false_or_unknown_for_long_enough() {
        List<NotReadyNode> found = readiness.notReady(List.of(
                node("ready", "True", Duration.ofHours(1)),
                node("unknown", "Unknown", Duration.ofSeconds(45)),
                node("false", "False", Duration.ofMinutes(10))));

        assertThat(found).extracting(NotReadyNode::name).containsExactly("unknown", "false");
        assertThat(found.get(0).notReadyFor()).isEqualTo(Duration.ofSeconds(45));
        assertThat(found.get(0).readyStatus()).isEqualTo("Unknown");
    }

    @Test
    void should_wait_for_the_threshold_measured_from_the_last_transition() {
        assertThat(readiness.notReady(List.of(node("flapping", "Unknown", Duration.ofSeconds(29))))).isEmpty();
        assertThat(readiness.notReady(List.of(node("down", "Unknown", Duration.ofSeconds(30))))).hasSize(1);
    }

    @Test
    void should_never_call_a_node_not_ready_on_missing_or_unexpected_data() {
        Node noConditions = new NodeBuilder().withNewMetadata().withName("no-conditions").endMetadata()
                .withNewStatus().endStatus().build();
        Node noStatus = new NodeBuilder().withNewMetadata().withName("no-status").endMetadata().build();
        Node noReady = new NodeBuilder(noConditions).editMetadata().withName("no-ready").endMetadata()
                .editStatus().addNewCondition().withType("MemoryPressure").withStatus("True").endCondition()
                .endStatus().build();
        Node oddStatus = node("odd", "Maybe", Duration.ofHours(1));
        Node noTime = new NodeBuilder(node("no-time", "Unknown", Duration.ofHours(1)))
                .editStatus().editFirstCondition().withLastTransitionTime(null).endCondition().endStatus().build();
        Node badTime = new NodeBuilder(node("bad-time", "False", Duration.ofHours(1)))
                .editStatus().editFirstCondition().withLastTransitionTime("yesterday").endCondition().endStatus()
                .build();
        Node noName = new NodeBuilder(node("x", "Unknown", Duration.ofHours(1))).withMetadata(null).build();

        assertThat(readiness.notReady(List.of(noConditions, noStatus, noReady, oddStatus, noTime, badTime, noName)))
                .isEmpty();
        assertThat(readiness.notReady(null)).isEmpty();
    }

    @Test
    void should_leave_an_opted_out_node_alone() {
        Node excluded = new NodeBuilder(node("excluded", "Unknown", Duration.ofHours(1)))
                .editMetadata().addToAnnotations(OptOut.KEY, "true").endMetadata().build();

        assertThat(readiness.notReady(List.of(excluded))).isEmpty();
    }

    @Test
    void should_consider_only_the_nodes_matching_the_selector() {
        NodeReadiness workersOnly = new NodeReadiness(Duration.ofSeconds(30),
                LabelSelector.parse("!node-role.kubernetes.io/control-plane"), Clock.fixed(NOW, ZoneOffset.UTC));
        Node controlPlane = new NodeBuilder(node("cp", "Unknown", Duration.ofHours(1)))
                .editMetadata().addToLabels("node-role.kubernetes.io/control-plane", "").endMetadata().build();

        assertThat(workersOnly.considered(List.of(controlPlane, node("w1", "True", Duration.ofHours(1)))))
                .extracting(n -> n.getMetadata().getName()).containsExactly("w1");
    }
}
