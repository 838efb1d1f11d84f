package io.offlineworkerreaper.optin;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The JSON Patches of the node actions, as the API server receives them. */
class NodePatchesTest {

    private static final String MARK_PATH = "/metadata/annotations/offline-worker-reaper~1node-action";

    private static Node aNode(Map<String, String> annotations, Taint... taints) {
        return new NodeBuilder().withNewMetadata().withName("worker3").withResourceVersion("4711")
                .withAnnotations(annotations).endMetadata()
                .withNewSpec().withTaints(taints.length == 0 ? null : List.of(taints)).endSpec().build();
    }

    private static Taint taint(String key) {
        return new TaintBuilder().withKey(key).withEffect("NoExecute").build();
    }

    @Test
    void should_test_the_resource_version_read_before_any_change() {
        Node node = aNode(Map.of());
        for (List<Map<String, Object>> patch : List.of(NodePatches.cordon(node), NodePatches.taintOutOfService(node),
                NodePatches.uncordon(node), NodePatches.removeOutOfServiceTaint(node))) {
            assertThat(patch.get(0)).containsExactly(Map.entry("op", "test"),
                    Map.entry("path", "/metadata/resourceVersion"), Map.entry("value", "4711"));
        }
    }

    @Test
    void should_cordon_and_mark_with_an_escaped_pointer_or_a_new_annotations_map() {
        assertThat(NodePatches.json(NodePatches.cordon(aNode(Map.of("team", "cache"))))).isEqualTo(
                "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"4711\"},"
                        + "{\"op\":\"add\",\"path\":\"/spec/unschedulable\",\"value\":true},"
                        + "{\"op\":\"add\",\"path\":\"" + MARK_PATH + "\",\"value\":\"cordon\"}]");
        assertThat(NodePatches.cordon(aNode(null)).get(2)).containsEntry("path", "/metadata/annotations")
                .containsEntry("value", Map.of(NodeActionPlanner.MARK, "cordon"));
    }

    @Test
    void should_add_the_taint_at_the_end_of_the_list_never_replace_it() {
        List<Map<String, Object>> first = NodePatches.taintOutOfService(aNode(Map.of()));
        assertThat(first.get(1)).containsEntry("op", "add").containsEntry("path", "/spec/taints");
        assertThat((List<?>) first.get(1).get("value")).singleElement()
                .satisfies(t -> assertThat(((Taint) t).getKey()).isEqualTo(NodeActionPlanner.OUT_OF_SERVICE));

        List<Map<String, Object>> next = NodePatches.taintOutOfService(
                aNode(Map.of(), taint("node.kubernetes.io/unreachable")));
        assertThat(next.get(1)).containsEntry("op", "add").containsEntry("path", "/spec/taints/-");
        assertThat(((Taint) next.get(1).get("value")).getValue()).isEqualTo("nodeshutdown");
        assertThat(next.get(2)).containsEntry("path", MARK_PATH).containsEntry("value", "out-of-service-taint");
    }

    @Test
    void should_remove_only_the_out_of_service_taints_each_at_an_index_it_tests_first_from_the_end() {
        Node node = aNode(Map.of(NodeActionPlanner.MARK, "out-of-service-taint"), taint(NodeActionPlanner.OUT_OF_SERVICE),
                taint("node.kubernetes.io/unreachable"), taint(NodeActionPlanner.OUT_OF_SERVICE));

        List<Map<String, Object>> patch = NodePatches.removeOutOfServiceTaint(node);

        assertThat(patch).extracting(op -> op.get("op") + " " + op.get("path")).containsExactly(
                "test /metadata/resourceVersion",
                "test /spec/taints/2/key", "remove /spec/taints/2",
                "test /spec/taints/0/key", "remove /spec/taints/0",
                "remove " + MARK_PATH);
        assertThat(patch.get(1)).containsEntry("value", NodeActionPlanner.OUT_OF_SERVICE);
        assertThat(patch.get(2)).doesNotContainKey("value");
    }

    @Test
    void should_uncordon_and_drop_the_mark() {
        assertThat(NodePatches.uncordon(aNode(Map.of(NodeActionPlanner.MARK, "cordon"))))
                .extracting(op -> op.get("op") + " " + op.get("path"))
                .containsExactly("test /metadata/resourceVersion", "remove /spec/unschedulable", "remove " + MARK_PATH);
    }

    @Test
    void should_escape_tilde_and_slash_in_a_pointer() {
        assertThat(NodePatches.pointer("a~b/c")).isEqualTo("a~0b~1c");
    }
}
