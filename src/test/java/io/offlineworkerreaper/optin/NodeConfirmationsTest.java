package io.offlineworkerreaper.optin;

import java.time.Instant;
import java.util.List;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.offlineworkerreaper.demo.ClusterObjects;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** An operator's word that a node is off: it counts while the node is down, and is spent once it is Ready again. */
class NodeConfirmationsTest {

    private static Node node(String ready, String confirmation) {
        NodeBuilder node = new NodeBuilder(ClusterObjects.node("n1", ready, Instant.parse("2026-12-05T00:00:00Z")));
        if (confirmation != null) {
            node.editMetadata().addToAnnotations(NodeConfirmations.ANNOTATION, confirmation).endMetadata();
        }
        return node.build();
    }

    @Test
    void should_count_on_a_down_node_be_spent_when_it_is_ready_and_count_again_once_set_again() {
        NodeConfirmations confirmations = new NodeConfirmations();

        assertThat(confirmations.observe(List.of(node("Unknown", "unplugged")))).isEmpty();
        assertThat(confirmations.confirmed("n1")).hasValueSatisfying(c -> assertThat(c.text())
                .isEqualTo("confirmed off (" + NodeConfirmations.ANNOTATION + "=unplugged)"));

        // Ready again while annotated: reported once, then ignored
        assertThat(confirmations.observe(List.of(node("True", "unplugged")))).singleElement()
                .extracting(NodeConfirmations.Spent::node).isEqualTo("n1");
        assertThat(confirmations.observe(List.of(node("True", "unplugged")))).isEmpty();
        assertThat(confirmations.observe(List.of(node("Unknown", "unplugged")))).isEmpty();
        assertThat(confirmations.confirmed("n1")).isEmpty();

        // set again with another reason: counts
        confirmations.observe(List.of(node("Unknown", "unplugged again")));
        assertThat(confirmations.confirmed("n1")).isPresent();
        // or removed, then set again
        confirmations.observe(List.of(node("True", "unplugged again")));
        confirmations.observe(List.of(node("Unknown", null)));
        confirmations.observe(List.of(node("Unknown", "unplugged again")));
        assertThat(confirmations.confirmed("n1")).isPresent();
        assertThat(confirmations.current()).hasSize(1);
    }

    @Test
    void should_count_nothing_on_a_node_without_the_annotation() {
        NodeConfirmations confirmations = new NodeConfirmations();
        confirmations.observe(List.of(node("Unknown", null)));
        assertThat(confirmations.confirmed("n1")).isEmpty();
    }
}
