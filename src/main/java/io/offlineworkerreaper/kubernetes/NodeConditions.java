package io.offlineworkerreaper.kubernetes;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;

/** A Node's Ready condition, as the node controller sets it. */
public final class NodeConditions {

    private NodeConditions() {
    }

    /** True only when the node reports Ready=True: a node without a readable condition is not Ready. */
    public static boolean isReady(Node node) {
        NodeCondition ready = ready(node);
        return ready != null && "True".equals(ready.getStatus());
    }

    /** The Ready condition, or null when the node has none. */
    public static NodeCondition ready(Node node) {
        if (node.getStatus() == null || node.getStatus().getConditions() == null) {
            return null;
        }
        for (NodeCondition condition : node.getStatus().getConditions()) { // every node, every cycle: no stream
            if ("Ready".equals(condition.getType())) {
                return condition;
            }
        }
        return null;
    }
}
