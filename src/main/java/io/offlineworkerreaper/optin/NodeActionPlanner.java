package io.offlineworkerreaper.optin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Taint;
import io.offlineworkerreaper.decision.Action;
import io.offlineworkerreaper.decision.OptOut;
import io.offlineworkerreaper.kubernetes.NodeConditions;
import io.offlineworkerreaper.kubernetes.NotReadyNode;
import io.offlineworkerreaper.settings.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What to do to the nodes themselves ({@code reaper.node.action}): cordon, taint out-of-service or delete a
 * node NotReady for {@code reaper.node.action-after}; and, with {@code reaper.node.revert-when-ready}, undo a
 * cordon or taint of the reaper's own (marked by an annotation) once the node is Ready again. A cordon or
 * taint someone else made is never undone; a Node is never deleted while an Alluxio worker pod is on it.
 */
public final class NodeActionPlanner {

    /** Marks a node the reaper cordoned or tainted, with what it did, so that only that is ever undone. */
    public static final String MARK = "offline-worker-reaper/node-action";
    public static final String OUT_OF_SERVICE = "node.kubernetes.io/out-of-service";

    private static final Logger LOG = LoggerFactory.getLogger(NodeActionPlanner.class);

    private final OptInSettings settings;

    public NodeActionPlanner(OptInSettings settings) {
        this.settings = settings;
    }

    /**
     * @param nodes              the nodes considered this cycle
     * @param notReady           those NotReady for reaper.nodes.not-ready-for
     * @param nodesWithWorkers   nodes that still have an Alluxio worker pod
     */
    public List<Action> plan(List<Node> nodes, List<NotReadyNode> notReady, Set<String> nodesWithWorkers) {
        List<Action> actions = new ArrayList<>();
        if (settings.nodeAction() == OptInSettings.NodeAction.NONE) {
            return actions;
        }
        for (NotReadyNode n : notReady) {
            if (n.notReadyFor().compareTo(settings.nodeActionAfter()) < 0) {
                continue;
            }
            Node node = nodes.stream().filter(x -> n.name().equals(x.getMetadata().getName())).findFirst().orElse(null);
            if (node == null || OptOut.isExcluded(node)) {
                continue;
            }
            String why = "NotReady for " + n.notReadyForText() + ", longer than " + OptInSettings.NODE_ACTION_AFTER
                    + "=" + Durations.humanize(settings.nodeActionAfter());
            switch (settings.nodeAction()) {
                case CORDON -> {
                    if (!unschedulable(node)) {
                        actions.add(Action.onNode(Action.Kind.CORDON, n.name(), why));
                    }
                }
                case OUT_OF_SERVICE_TAINT -> {
                    if (!hasOutOfServiceTaint(node)) {
                        actions.add(Action.onNode(Action.Kind.TAINT_OUT_OF_SERVICE, n.name(), why));
                    }
                }
                case DELETE -> {
                    if (nodesWithWorkers.contains(n.name())) {
                        LOG.info("Not deleting node {} yet: an Alluxio worker pod is still on it (its etcd keys go first)",
                                n.name());
                    } else {
                        actions.add(Action.onNode(Action.Kind.DELETE_NODE, n.name(), why));
                    }
                }
                default -> { }
            }
        }
        if (settings.nodeRevertWhenReady()) {
            for (Node node : nodes) {
                String mark = marks(node);
                if (mark == null || !NodeConditions.isReady(node)) {
                    continue;
                }
                String name = node.getMetadata().getName();
                if (mark.equals(OptInSettings.NodeAction.CORDON.text()) && unschedulable(node)) {
                    actions.add(Action.onNode(Action.Kind.UNCORDON, name, "Ready again; the reaper had cordoned it"));
                } else if (mark.equals(OptInSettings.NodeAction.OUT_OF_SERVICE_TAINT.text()) && hasOutOfServiceTaint(node)) {
                    actions.add(Action.onNode(Action.Kind.REMOVE_OUT_OF_SERVICE_TAINT, name,
                            "Ready again; the reaper had tainted it"));
                }
            }
        }
        return actions;
    }

    static String marks(Node node) {
        Map<String, String> annotations = node.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(MARK);
    }

    public static boolean unschedulable(Node node) {
        return node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
    }

    public static boolean hasOutOfServiceTaint(Node node) {
        List<Taint> taints = node.getSpec() == null ? null : node.getSpec().getTaints();
        return taints != null && taints.stream().anyMatch(t -> OUT_OF_SERVICE.equals(t.getKey()));
    }
}
