package io.offlineworkerreaper.optin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;

/**
 * The JSON Patches (RFC 6902) of the node actions, built from the node as read just before; pure, no client.
 * Every patch starts with a test of that read's resourceVersion: if anyone changed the node in between, the API
 * server refuses the patch and the next cycle decides again. Taints are changed element by element (added at the
 * end, removed at an index that a test checks first), never replaced as a whole list, and the reaper's mark
 * annotation ({@link NodeActionPlanner#MARK}) records what it did so that only that is ever undone.
 */
public final class NodePatches {

    /** Writes the operations (and the Taint objects in them, with fabric8's annotations). */
    private static final ObjectMapper JSON = new ObjectMapper();

    private NodePatches() {
    }

    /** Cordon: spec.unschedulable=true, marked as the reaper's cordon. */
    public static List<Map<String, Object>> cordon(Node node) {
        List<Map<String, Object>> ops = guard(node);
        ops.add(op("add", "/spec/unschedulable", true));
        ops.add(mark(node, OptInSettings.NodeAction.CORDON.text()));
        return ops;
    }

    /** The node.kubernetes.io/out-of-service=nodeshutdown:NoExecute taint, added at the end of the list. */
    public static List<Map<String, Object>> taintOutOfService(Node node) {
        List<Map<String, Object>> ops = guard(node);
        Taint taint = new TaintBuilder().withKey(NodeActionPlanner.OUT_OF_SERVICE).withValue("nodeshutdown")
                .withEffect("NoExecute").build();
        boolean none = node.getSpec() == null || node.getSpec().getTaints() == null;
        ops.add(none ? op("add", "/spec/taints", List.of(taint)) : op("add", "/spec/taints/-", taint));
        ops.add(mark(node, OptInSettings.NodeAction.OUT_OF_SERVICE_TAINT.text()));
        return ops;
    }

    /** Undoes the reaper's cordon: removes spec.unschedulable and the mark. */
    public static List<Map<String, Object>> uncordon(Node node) {
        List<Map<String, Object>> ops = guard(node);
        ops.add(op("remove", "/spec/unschedulable", null));
        ops.add(unmark());
        return ops;
    }

    /** Undoes the reaper's taint: removes each out-of-service taint at its checked index, and the mark. */
    public static List<Map<String, Object>> removeOutOfServiceTaint(Node node) {
        List<Map<String, Object>> ops = guard(node);
        List<Taint> taints = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of()
                : node.getSpec().getTaints();
        for (int i = taints.size() - 1; i >= 0; i--) { // from the end, so that the indexes stay right
            if (NodeActionPlanner.OUT_OF_SERVICE.equals(taints.get(i).getKey())) {
                ops.add(op("test", "/spec/taints/" + i + "/key", NodeActionPlanner.OUT_OF_SERVICE));
                ops.add(op("remove", "/spec/taints/" + i, null));
            }
        }
        ops.add(unmark());
        return ops;
    }

    /** The patch as the API server receives it. */
    public static String json(List<Map<String, Object>> ops) {
        try {
            return JSON.writeValueAsString(ops);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the JSON Patch " + ops, e);
        }
    }

    private static List<Map<String, Object>> guard(Node node) {
        List<Map<String, Object>> ops = new ArrayList<>();
        ops.add(op("test", "/metadata/resourceVersion", node.getMetadata().getResourceVersion()));
        return ops;
    }

    private static Map<String, Object> mark(Node node, String action) {
        if (node.getMetadata().getAnnotations() == null) {
            return op("add", "/metadata/annotations", Map.of(NodeActionPlanner.MARK, action));
        }
        return op("add", "/metadata/annotations/" + pointer(NodeActionPlanner.MARK), action);
    }

    private static Map<String, Object> unmark() {
        return op("remove", "/metadata/annotations/" + pointer(NodeActionPlanner.MARK), null);
    }

    private static Map<String, Object> op(String op, String path, Object value) {
        Map<String, Object> operation = new LinkedHashMap<>();
        operation.put("op", op);
        operation.put("path", path);
        if (!"remove".equals(op)) {
            operation.put("value", value);
        }
        return operation;
    }

    /** JSON Pointer escaping of a map key: '~' as ~0, '/' as ~1. */
    static String pointer(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
