package io.offlineworkerreaper.optin;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.offlineworkerreaper.decision.Action;
import io.offlineworkerreaper.kubernetes.LeaseGuard;
import io.offlineworkerreaper.kubernetes.NodeConditions;
import io.offlineworkerreaper.kubernetes.NotReadyNode;
import io.offlineworkerreaper.kubernetes.PodReaper;

/**
 * The Kubernetes calls of the opt-in remediations, which camel-kubernetes cannot make (force-delete, patch a
 * Node's taints, clear finalizers): reads for {@link TerminatingPods}, {@link NodeActionPlanner} and
 * {@link LocalVolumes}, and {@link #apply} for one {@link Action}. Every change is a patch or a delete,
 * never a replace (the patches: {@link NodePatches}); a node is re-read right before it is changed, and left alone
 * if it turned Ready meanwhile.
 */
public final class ClusterActionExecutor {

    private final KubernetesClient client;
    private final PodReaper podReaper;
    private final String workersNamespace;
    private final Map<String, String> workersSelector;
    private final LeaseGuard lease;

    public ClusterActionExecutor(KubernetesClient client, PodReaper podReaper, String workersNamespace,
                          Map<String, String> workersSelector) {
        this(client, podReaper, workersNamespace, workersSelector, LeaseGuard.STANDALONE);
    }

    /** {@code lease}: checked right before each action (leader election). */
    public ClusterActionExecutor(KubernetesClient client, PodReaper podReaper, String workersNamespace,
                                 Map<String, String> workersSelector, LeaseGuard lease) {
        this.client = client;
        this.podReaper = podReaper;
        this.workersNamespace = workersNamespace;
        this.workersSelector = Map.copyOf(workersSelector);
        this.lease = lease;
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
        // each write below confirms the Lease right before it is made (a pod's delete in PodReaper)
        return switch (action.kind()) {
            case FORCE_DELETE_STUCK_POD -> "pod " + podReaper.forceDelete(action.namespace(), action.name(), action.uid());
            case RELEASE_LOCAL_VOLUME -> releaseLocalVolume(action);
            case CLEAR_PVC_FINALIZERS -> clearFinalizers(action);
            case CORDON, TAINT_OUT_OF_SERVICE, DELETE_NODE -> actOnNotReadyNode(action);
            case UNCORDON, REMOVE_OUT_OF_SERVICE_TAINT -> revert(action);
        };
    }

    private String releaseLocalVolume(Action action) {
        lease.confirm("delete PVC " + action.namespace() + "/" + action.pvc());
        boolean deleted = !client.persistentVolumeClaims().inNamespace(action.namespace()).withName(action.pvc())
                .delete().isEmpty();
        return (deleted ? "PVC deleted" : "PVC already gone") + ", pod "
                + podReaper.forceDelete(action.namespace(), action.name(), action.uid());
    }

    private String clearFinalizers(Action action) {
        try {
            lease.confirm("clear the finalizers of PVC " + action.namespace() + "/" + action.pvc());
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
        if (NodeConditions.isReady(node)) {
            return "left alone: the node is Ready again";
        }
        switch (action.kind()) {
            case CORDON -> patchNode(node, NodePatches.cordon(node));
            case TAINT_OUT_OF_SERVICE -> patchNode(node, NodePatches.taintOutOfService(node));
            default -> {
                lease.confirm("delete node " + action.name());
                client.nodes().withName(action.name()).delete();
            }
        }
        return action.kind().done();
    }

    private String revert(Action action) {
        Node node = client.nodes().withName(action.name()).get();
        if (node == null) {
            return "node gone";
        }
        patchNode(node, action.kind() == Action.Kind.UNCORDON ? NodePatches.uncordon(node)
                : NodePatches.removeOutOfServiceTaint(node));
        return action.kind().done();
    }

    private void patchNode(Node node, List<Map<String, Object>> ops) {
        lease.confirm("patch node " + node.getMetadata().getName());
        client.nodes().withName(node.getMetadata().getName())
                .patch(PatchContext.of(PatchType.JSON), NodePatches.json(ops));
    }
}
