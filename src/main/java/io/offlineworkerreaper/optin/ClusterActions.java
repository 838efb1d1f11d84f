package io.offlineworkerreaper.optin;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.offlineworkerreaper.decision.NodeReadiness;
import io.offlineworkerreaper.decision.NotReadyNode;
import io.offlineworkerreaper.kubernetes.PodReaper;

/**
 * The Kubernetes calls of the opt-in remediations, which camel-kubernetes cannot make (force-delete, patch a
 * Node's taints, clear finalizers): reads for {@link TerminatingPods}, {@link NodeActions} and
 * {@link LocalVolumes}, and {@link #apply} for one {@link Action}. Every change is a patch or a delete,
 * never a replace; a node is re-read right before it is changed, and left alone if it turned Ready meanwhile.
 */
public final class ClusterActions {

    /** Writes the JSON Patch operations (and the Taint objects in them, with fabric8's annotations). */
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final PodReaper podReaper;
    private final String workersNamespace;
    private final Map<String, String> workersSelector;

    public ClusterActions(KubernetesClient client, PodReaper podReaper, String workersNamespace,
                          Map<String, String> workersSelector) {
        this.client = client;
        this.podReaper = podReaper;
        this.workersNamespace = workersNamespace;
        this.workersSelector = Map.copyOf(workersSelector);
    }

    /** The pods on these nodes, one list per node (field selector spec.nodeName), not the whole cluster. */
    public List<Pod> podsOn(List<NotReadyNode> nodes) {
        List<Pod> pods = new ArrayList<>();
        for (NotReadyNode node : nodes) {
            // filtered again here: a pod is only ever acted on for the node it really is on
            client.pods().inAnyNamespace().withField("spec.nodeName", node.name()).list().getItems().stream()
                    .filter(p -> p.getSpec() != null && node.name().equals(p.getSpec().getNodeName()))
                    .forEach(pods::add);
        }
        return pods;
    }

    /** The nodes that still have an Alluxio worker pod (read with the worker remediation's own permissions). */
    public Set<String> nodesWithWorkers() {
        Set<String> nodes = new HashSet<>();
        client.pods().inNamespace(workersNamespace).withLabels(workersSelector).list().getItems().stream()
                .filter(p -> p.getSpec() != null && p.getSpec().getNodeName() != null)
                .forEach(p -> nodes.add(p.getSpec().getNodeName()));
        return nodes;
    }

    /** Pods on the NotReady nodes, and every PVC and PV: what {@link LocalVolumes} decides on. */
    public LocalVolumes.View localVolumes(List<NotReadyNode> nodes) {
        return new LocalVolumes.View(podsOn(nodes),
                client.persistentVolumeClaims().inAnyNamespace().list().getItems(),
                client.persistentVolumes().list().getItems());
    }

    /** Carries out one action; returns what happened, for the log, the notice and the audit log. */
    public String apply(Action action) {
        return switch (action.kind()) {
            case FORCE_DELETE_STUCK_POD -> "pod " + podReaper.forceDelete(action.namespace(), action.name(), action.uid());
            case RELEASE_LOCAL_VOLUME -> releaseLocalVolume(action);
            case CLEAR_PVC_FINALIZERS -> clearFinalizers(action);
            case CORDON, TAINT_OUT_OF_SERVICE, DELETE_NODE -> actOnNotReadyNode(action);
            case UNCORDON, REMOVE_OUT_OF_SERVICE_TAINT -> revert(action);
        };
    }

    private String releaseLocalVolume(Action action) {
        boolean deleted = !client.persistentVolumeClaims().inNamespace(action.namespace()).withName(action.pvc())
                .delete().isEmpty();
        return (deleted ? "PVC deleted" : "PVC already gone") + ", pod "
                + podReaper.forceDelete(action.namespace(), action.name(), action.uid());
    }

    private String clearFinalizers(Action action) {
        try {
            client.persistentVolumeClaims().inNamespace(action.namespace()).withName(action.pvc())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"finalizers\":null}}");
            return "finalizers cleared";
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return "PVC already gone";
            }
            throw e;
        }
    }

    private String actOnNotReadyNode(Action action) {
        Node node = client.nodes().withName(action.name()).get();
        if (node == null) {
            return "node already gone";
        }
        if (NodeReadiness.isReady(node)) {
            return "left alone: the node is Ready again";
        }
        List<Map<String, Object>> ops = guard(node);
        switch (action.kind()) {
            case CORDON -> {
                ops.add(op("add", "/spec/unschedulable", true));
                ops.addAll(mark(node, OptInSettings.NodeAction.CORDON.text()));
            }
            case TAINT_OUT_OF_SERVICE -> {
                Taint taint = new TaintBuilder().withKey(NodeActions.OUT_OF_SERVICE).withValue("nodeshutdown")
                        .withEffect("NoExecute").build();
                boolean none = node.getSpec() == null || node.getSpec().getTaints() == null;
                ops.add(none ? op("add", "/spec/taints", List.of(taint)) : op("add", "/spec/taints/-", taint));
                ops.addAll(mark(node, OptInSettings.NodeAction.OUT_OF_SERVICE_TAINT.text()));
            }
            default -> {
                client.nodes().withName(action.name()).delete();
                return action.kind().done();
            }
        }
        patchNode(node, ops);
        return action.kind().done();
    }

    private String revert(Action action) {
        Node node = client.nodes().withName(action.name()).get();
        if (node == null) {
            return "node gone";
        }
        List<Map<String, Object>> ops = guard(node);
        if (action.kind() == Action.Kind.UNCORDON) {
            ops.add(op("remove", "/spec/unschedulable", null));
        } else {
            List<Taint> taints = node.getSpec().getTaints();
            for (int i = taints.size() - 1; i >= 0; i--) { // from the end, so that the indexes stay right
                if (NodeActions.OUT_OF_SERVICE.equals(taints.get(i).getKey())) {
                    ops.add(op("test", "/spec/taints/" + i + "/key", NodeActions.OUT_OF_SERVICE));
                    ops.add(op("remove", "/spec/taints/" + i, null));
                }
            }
        }
        ops.add(op("remove", "/metadata/annotations/" + pointer(NodeActions.MARK), null));
        patchNode(node, ops);
        return action.kind().done();
    }

    /**
     * JSON Patch operations start with a test of the resourceVersion read just before: if anyone changed the
     * node in between, the API server refuses the patch and the next cycle decides again. Taints are changed
     * element by element (add at the end, remove at an index checked by a test), never as a whole list.
     */
    private static List<Map<String, Object>> guard(Node node) {
        List<Map<String, Object>> ops = new ArrayList<>();
        ops.add(op("test", "/metadata/resourceVersion", node.getMetadata().getResourceVersion()));
        return ops;
    }

    private static List<Map<String, Object>> mark(Node node, String action) {
        if (node.getMetadata().getAnnotations() == null) {
            return List.of(op("add", "/metadata/annotations", Map.of(NodeActions.MARK, action)));
        }
        return List.of(op("add", "/metadata/annotations/" + pointer(NodeActions.MARK), action));
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
    private static String pointer(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private void patchNode(Node node, List<Map<String, Object>> ops) {
        try {
            client.nodes().withName(node.getMetadata().getName())
                    .patch(PatchContext.of(PatchType.JSON), JSON.writeValueAsString(ops));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the patch of node " + node.getMetadata().getName(), e);
        }
    }
}
