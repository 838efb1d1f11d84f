package io.offlineworkerreaper.optin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Node;
import io.offlineworkerreaper.kubernetes.NodeConditions;
import io.offlineworkerreaper.kubernetes.OperatorAnnotation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operator's word that a node is off, for clusters without a power API: the annotation
 * {@code offline-worker-reaper/confirmed-off=<reason>} on the Node counts as a successful fence for the node
 * actions ({@link Fence}). Only while the node is not Ready: a node that turns Ready while annotated is reported,
 * and the annotation is ignored from then on until it is set again (removed, or given another value). Which
 * annotations were spent this way is kept in this process's memory: after a restart an annotation still set on a
 * NotReady node counts again.
 */
public final class NodeConfirmations {

    public static final String ANNOTATION = "offline-worker-reaper/confirmed-off";
    private static final Logger LOG = LoggerFactory.getLogger(NodeConfirmations.class);

    /**
     * A confirmation that counts.
     *
     * @param node       the node
     * @param annotation its value and who set it
     */
    public record Confirmation(String node, OperatorAnnotation annotation) {
        /** The annotation's value. */
        public String reason() {
            return annotation.reason();
        }

        /** The field manager that set it, or a note that none is recorded. */
        public String confirmedBy() {
            return annotation.setByText();
        }

        public String text() {
            // the node lists keep the reaper's own annotations but not managedFields: who set it is often unknown
            return "confirmed off" + annotation.setBy().map(by -> " by " + by).orElse("") + " (" + ANNOTATION + "="
                    + reason() + ")";
        }
    }

    /** A node Ready again while annotated: its confirmation is spent. */
    public record Spent(String node, String reason) {
    }

    /** Node -> the annotation value seen while the node was Ready: ignored while it stays that value. */
    private final Map<String, String> spent = new HashMap<>();
    private Map<String, Confirmation> valid = Map.of();

    /**
     * Each cycle, the considered nodes: which confirmations count now, and the nodes Ready again while annotated
     * (each reported once, when it happens).
     */
    public synchronized List<Spent> observe(List<Node> nodes) {
        Map<String, Confirmation> now = new HashMap<>();
        List<Spent> newlySpent = new ArrayList<>();
        java.util.Set<String> annotated = new java.util.HashSet<>();
        for (Node node : nodes == null ? List.<Node>of() : nodes) {
            if (node.getMetadata() == null || node.getMetadata().getAnnotations() == null) {
                continue;
            }
            String name = node.getMetadata().getName();
            String value = node.getMetadata().getAnnotations().get(ANNOTATION);
            if (value == null) {
                continue;
            }
            annotated.add(name);
            OperatorAnnotation confirmed = OperatorAnnotation.of(node.getMetadata(), ANNOTATION);
            if (NodeConditions.isReady(node)) {
                if (!value.equals(spent.put(name, value))) {
                    LOG.warn("Node {} is Ready again while annotated {}={}: the confirmation is ignored until it is set"
                            + " again", name, ANNOTATION, confirmed.reason());
                    newlySpent.add(new Spent(name, confirmed.reason()));
                }
            } else if (!value.equals(spent.get(name))) {
                now.put(name, new Confirmation(name, confirmed));
            }
        }
        spent.keySet().retainAll(annotated); // removed: set again later, it counts
        valid = Map.copyOf(now);
        return newlySpent;
    }

    /** The confirmation that counts for this node now, if any. */
    public synchronized Optional<Confirmation> confirmed(String node) {
        return Optional.ofNullable(valid.get(node));
    }

    /** Every confirmation that counts now (the status page, --check). */
    public synchronized List<Confirmation> current() {
        return List.copyOf(valid.values());
    }
}
