package io.offlineworkerreaper.decision;

import java.util.List;

import io.fabric8.kubernetes.api.model.Node;
import io.offlineworkerreaper.kubernetes.NotReadyNode;

/**
 * What check-nodes found, the body it hands to the worker remediation and the opt-in routes.
 *
 * @param considered the nodes matching reaper.nodes.selector, whatever their state
 * @param notReady   those NotReady for at least reaper.nodes.not-ready-for (not opted out)
 */
public record NodeCheck(List<Node> considered, List<NotReadyNode> notReady) {

    public NodeCheck {
        considered = List.copyOf(considered);
        notReady = List.copyOf(notReady);
    }

    @Override
    public String toString() { // a cluster's nodes are not a log line
        return considered.size() + " node(s), NotReady: " + notReady;
    }
}
