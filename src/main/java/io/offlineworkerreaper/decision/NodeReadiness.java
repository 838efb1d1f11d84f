package io.offlineworkerreaper.decision;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.offlineworkerreaper.kubernetes.LabelSelector;
import io.offlineworkerreaper.kubernetes.NodeConditions;
import io.offlineworkerreaper.kubernetes.NotReadyNode;
import io.offlineworkerreaper.settings.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which nodes are NotReady: the Ready condition is False or Unknown, and has been for at least the
 * configured time, measured from the condition's lastTransitionTime. A node is never called NotReady on
 * missing or unexpected data: such a node is skipped with a warning, because acting on it is not proven safe.
 */
public final class NodeReadiness {

    private static final Logger LOG = LoggerFactory.getLogger(NodeReadiness.class);

    private final Duration notReadyFor;
    private final LabelSelector nodesSelector;
    private final Clock clock;

    public NodeReadiness(Duration notReadyFor, LabelSelector nodesSelector, Clock clock) {
        this.notReadyFor = notReadyFor;
        this.nodesSelector = nodesSelector;
        this.clock = clock;
    }

    /** The nodes the reaper considers at all: those matching reaper.nodes.selector. */
    public List<Node> considered(List<Node> nodes) {
        return (nodes == null ? List.<Node>of() : nodes).stream()
                .filter(n -> nodesSelector.matches(n.getMetadata() == null ? null : n.getMetadata().getLabels()))
                .toList();
    }

    /**
     * The considered nodes, those among them not Ready (any while), those NotReady for long enough, and the
     * breaker's decision on them.
     */
    public NodeCheck check(List<Node> considered, SafetyGate.Admission admission) {
        List<NotReadyNode> down = down(considered);
        return new NodeCheck(considered, longEnough(down), down, admission);
    }

    /** The nodes that are NotReady for long enough, in the order the API listed them. */
    public List<NotReadyNode> notReady(List<Node> nodes) {
        return longEnough(down(nodes));
    }

    private List<NotReadyNode> longEnough(List<NotReadyNode> down) {
        List<NotReadyNode> found = new ArrayList<>();
        for (NotReadyNode node : down) {
            if (node.notReadyFor().compareTo(notReadyFor) < 0) {
                LOG.info("Node {} is NotReady (Ready={}) for {}, waiting until {} before acting", node.name(),
                        node.readyStatus(), Durations.humanize(node.notReadyFor()), Durations.humanize(notReadyFor));
                continue;
            }
            found.add(node);
        }
        return found;
    }

    /** The nodes not Ready (False or Unknown), for however long, not opted out, in the order the API listed them. */
    private List<NotReadyNode> down(List<Node> nodes) {
        Instant now = clock.instant();
        List<NotReadyNode> found = new ArrayList<>();
        for (Node node : nodes == null ? List.<Node>of() : nodes) {
            String name = node.getMetadata() == null ? null : node.getMetadata().getName();
            if (name == null || name.isBlank()) {
                LOG.warn("Skipping a node without a name");
                continue;
            }
            NodeCondition ready = NodeConditions.ready(node);
            if (!NodeConditions.isReady(node) && OptOut.isExcluded(node)) {
                LOG.info("Node {} is not Ready but carries {}=true: leaving it alone", name, OptOut.KEY);
                continue;
            }
            if (ready == null) {
                LOG.warn("Node {} has no Ready condition: cannot tell whether it is down, leaving it alone", name);
                continue;
            }
            String status = ready.getStatus();
            if ("True".equals(status)) {
                continue;
            }
            if (!isDown(ready)) {
                LOG.warn("Node {} has Ready condition status '{}' (expected True, False or Unknown): leaving it alone",
                        name, status);
                continue;
            }
            Instant since = transitionTime(name, ready.getLastTransitionTime());
            if (since == null) {
                continue;
            }
            Duration down = Duration.between(since, now);
            found.add(new NotReadyNode(name, status, since, down.isNegative() ? Duration.ZERO : down));
        }
        return found;
    }

    /**
     * Watch mode: how long until this node has been NotReady for reaper.nodes.not-ready-for (zero when it
     * already has), or empty when it is Ready, not considered, or its Ready condition cannot be read.
     */
    public java.util.Optional<Duration> dueIn(Node node) {
        if (node.getMetadata() == null || !nodesSelector.matches(node.getMetadata().getLabels())) {
            return java.util.Optional.empty();
        }
        NodeCondition ready = NodeConditions.ready(node);
        if (ready == null || !isDown(ready)) {
            return java.util.Optional.empty();
        }
        Instant since = transitionTime(node.getMetadata().getName(), ready.getLastTransitionTime());
        if (since == null) {
            return java.util.Optional.empty();
        }
        Duration left = Duration.between(clock.instant(), since.plus(notReadyFor));
        return java.util.Optional.of(left.isNegative() ? Duration.ZERO : left);
    }

    /** The node controller's two ways of saying a node is down: Ready=False, or Ready=Unknown (kubelet silent). */
    private static boolean isDown(NodeCondition ready) {
        return "False".equals(ready.getStatus()) || "Unknown".equals(ready.getStatus());
    }

    private static Instant transitionTime(String node, String raw) {
        if (raw == null || raw.isBlank()) {
            LOG.warn("Node {} is not Ready but its Ready condition has no lastTransitionTime: cannot tell for how long,"
                    + " leaving it alone", node);
            return null;
        }
        try {
            return Instant.parse(raw);
        } catch (DateTimeParseException e) {
            LOG.warn("Node {} has an unreadable Ready lastTransitionTime '{}': leaving it alone", node, raw);
            return null;
        }
    }
}
