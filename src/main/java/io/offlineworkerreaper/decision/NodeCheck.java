package io.offlineworkerreaper.decision;

import java.util.List;

import io.fabric8.kubernetes.api.model.Node;
import io.offlineworkerreaper.kubernetes.NotReadyNode;

/**
 * What check-nodes found, the body it hands to the worker remediation and the opt-in routes.
 *
 * @param considered the nodes matching reaper.nodes.selector, whatever their state
 * @param notReady   those NotReady for at least reaper.nodes.not-ready-for (not opted out)
 * @param down       those not Ready for however long (not opted out): where an operator may ask for a removal
 * @param admission  the safety breaker's decision: while it holds, only operators' requests are acted on
 */
public record NodeCheck(List<Node> considered, List<NotReadyNode> notReady, List<NotReadyNode> down,
                        SafetyGate.Admission admission) {

    public NodeCheck {
        considered = List.copyOf(considered);
        notReady = List.copyOf(notReady);
        down = List.copyOf(down);
    }

    /** The nodes not Ready for less than reaper.nodes.not-ready-for. */
    public List<NotReadyNode> notReadyYet() {
        return down.stream().filter(n -> !notReady.contains(n)).toList();
    }

    /** Whether the breaker holds this cycle's remediation back. */
    public boolean held() {
        return admission != null && !admission.allowed();
    }

    @Override
    public String toString() { // a cluster's nodes are not a log line
        return considered.size() + " node(s), NotReady: " + notReady;
    }
}
