package io.offlineworkerreaper.decision;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Node;
import io.offlineworkerreaper.kubernetes.NodeConditions;

/**
 * Which nodes flap between Ready and not Ready (bean {@code flapping}): {@link #TRANSITIONS} changes seen within
 * {@link #WINDOW} make a node flapping, reported once with the count; it is reported again once it has not changed
 * for {@link #SETTLE_AFTER}. Its refusals meanwhile are announced once per {@code reaper.notify.repeat-after}.
 */
public final class Flapping {

    /** Readiness changes within {@link #WINDOW} that make a node flapping. */
    public static final int TRANSITIONS = 4;
    public static final Duration WINDOW = Duration.ofMinutes(10);
    /** A flapping node that has not changed for this long has settled. */
    public static final Duration SETTLE_AFTER = Duration.ofMinutes(2);

    /** A node started flapping, or settled. */
    public record Event(String node, boolean settled, int transitions, boolean ready, Duration over) {
    }

    private static final class Seen {
        Boolean ready;
        final Deque<Instant> changes = new ArrayDeque<>();
        int total;
        boolean flapping;
        Instant firstChange;
    }

    private final Clock clock;
    private final Map<String, Seen> nodes = new HashMap<>();

    public Flapping(Clock clock) {
        this.clock = clock;
    }

    /** Records this cycle's readiness of the considered nodes; returns who started flapping or settled. */
    public synchronized List<Event> observe(List<Node> considered) {
        Instant now = clock.instant();
        List<Event> events = new ArrayList<>();
        java.util.Set<String> present = new java.util.HashSet<>();
        for (Node node : considered) {
            String name = node.getMetadata().getName();
            present.add(name);
            boolean ready = NodeConditions.isReady(node);
            Seen seen = nodes.computeIfAbsent(name, n -> new Seen());
            if (seen.ready != null && seen.ready != ready) {
                seen.changes.addLast(now);
                seen.total++;
                if (seen.firstChange == null) {
                    seen.firstChange = now;
                }
            }
            seen.ready = ready;
            while (!seen.changes.isEmpty() && seen.changes.peekFirst().isBefore(now.minus(WINDOW))) {
                seen.changes.removeFirst();
            }
            if (!seen.flapping && seen.changes.size() >= TRANSITIONS) {
                seen.flapping = true;
                events.add(new Event(name, false, seen.changes.size(), ready,
                        Duration.between(seen.changes.peekFirst(), now)));
            } else if (seen.flapping && !seen.changes.isEmpty()
                    && !seen.changes.peekLast().isAfter(now.minus(SETTLE_AFTER))) {
                seen.flapping = false;
                events.add(new Event(name, true, seen.total, ready, Duration.between(seen.firstChange, now)));
                seen.changes.clear();
                seen.total = 0;
                seen.firstChange = null;
            }
        }
        // nodes that left the cluster (an autoscaler's churn over months) are forgotten with it
        nodes.keySet().retainAll(present);
        return events;
    }

    /** How many nodes are remembered: those of the last cycle only. */
    synchronized int remembered() {
        return nodes.size();
    }
}
