package io.offlineworkerreaper.decision;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.Node;
import io.offlineworkerreaper.kubernetes.NodeConditions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The circuit breaker of the reaper, as Kubernetes' node controller, medik8s Node Healthcheck and Cluster
 * API MachineHealthCheck have one: when more nodes than {@code reaper.safety.max-unhealthy} are not Ready at
 * once, the cluster is more likely partitioned, or its API server sick, than its nodes dead, so nothing is
 * remediated until the count is back under the limit and a cooldown has passed. It also caps how many
 * workers one cycle may remove.
 */
public final class SafetyGate {

    private static final Logger LOG = LoggerFactory.getLogger(SafetyGate.class);

    /** Where the gate stands for this cycle. */
    public enum State {
        /** Remediation allowed. */
        CLOSED,
        /** Too many nodes not Ready: remediate nothing. */
        TRIPPED,
        /** The breaker cleared recently: wait for the cooldown before acting again. */
        COOLING_DOWN
    }

    /**
     * This cycle's verdict.
     *
     * @param state        where the gate stands
     * @param previous     where it stood in the previous cycle
     * @param notReady     names of the nodes that are not Ready now
     * @param total        number of nodes considered
     * @param limit        the most nodes that may be not Ready for the reaper to act
     * @param resumeAt     when remediation resumes, while cooling down
     */
    public record Admission(State state, State previous, List<String> notReady, int total, int limit,
                            Instant resumeAt) {

        /** True when the state changed in this cycle: worth announcing. */
        public boolean changed() {
            return state != previous;
        }

        public boolean allowed() {
            return state == State.CLOSED;
        }

        /** One line for the log. */
        public String reason() {
            return switch (state) {
                case CLOSED -> notReady.size() + " of " + total + " nodes not Ready, within the limit of " + limit;
                case TRIPPED -> "safety breaker open: " + notReady.size() + " of " + total
                        + " nodes not Ready, more than the limit of " + limit + ": remediating nothing";
                case COOLING_DOWN -> "safety breaker cooling down: remediation resumes at " + resumeAt;
            };
        }
    }

    /**
     * Where the breaker's state outlives the process (the control ConfigMap), so that a restart or a new leader
     * neither forgets an open breaker nor skips its cooldown.
     */
    public interface BreakerMemory {
        /** When the breaker opened, if it is open. */
        Optional<Instant> openSince();

        /** When its count last came back within the limit (the cooldown runs from then). */
        Optional<Instant> closedAt();

        void opened(Instant at);

        void closed(Instant at);

        /** This memory read, never written (--check: the verdict the reaper would take, and nothing changed). */
        default BreakerMemory readOnly() {
            return new ReadOnly(this::openSince, this::closedAt);
        }

        /** Nothing kept beyond the process. */
        BreakerMemory NONE = new ReadOnly(Optional::empty, Optional::empty);
    }

    /** A memory that is read from these and never written. */
    private record ReadOnly(Supplier<Optional<Instant>> open, Supplier<Optional<Instant>> closed)
            implements BreakerMemory {
        @Override
        public Optional<Instant> openSince() {
            return open.get();
        }

        @Override
        public Optional<Instant> closedAt() {
            return closed.get();
        }

        @Override
        public void opened(Instant at) {
            // read-only
        }

        @Override
        public void closed(Instant at) {
            // read-only
        }
    }

    private final MaxUnhealthy maxUnhealthy;
    private final Duration cooldown;
    private final int maxRemovalsPerCycle;
    private final Clock clock;
    private final BreakerMemory memory;
    private State state = State.CLOSED;
    private Instant resumeAt = Instant.MIN;
    private boolean restored;

    public SafetyGate(MaxUnhealthy maxUnhealthy, Duration cooldown, int maxRemovalsPerCycle, Clock clock) {
        this(maxUnhealthy, cooldown, maxRemovalsPerCycle, clock, BreakerMemory.NONE);
    }

    public SafetyGate(MaxUnhealthy maxUnhealthy, Duration cooldown, int maxRemovalsPerCycle, Clock clock,
                      BreakerMemory memory) {
        this.maxUnhealthy = maxUnhealthy;
        this.cooldown = cooldown;
        this.maxRemovalsPerCycle = maxRemovalsPerCycle;
        this.clock = clock;
        this.memory = memory;
    }

    /** On the first cycle this process judges: the state an earlier process or leader left. */
    private void restore(Instant now) {
        restored = true;
        Optional<Instant> open = memory.openSince();
        Optional<Instant> closed = memory.closedAt();
        if (open.isPresent() && (closed.isEmpty() || closed.get().isBefore(open.get()))) {
            state = State.TRIPPED;
            LOG.warn("Safety breaker open since {} (kept on the control ConfigMap): it closes once the count is back"
                    + " within the limit and the cooldown has passed", open.get());
        } else if (closed.isPresent() && now.isBefore(closed.get().plus(cooldown))) {
            state = State.COOLING_DOWN;
            resumeAt = closed.get().plus(cooldown);
            LOG.warn("Safety breaker cooling down since {} (kept on the control ConfigMap): remediation resumes at {}",
                    closed.get(), resumeAt);
        }
    }

    /** Decides whether this cycle may remediate, from every node considered (reaper.nodes.selector). */
    public synchronized Admission admit(List<Node> nodes) {
        List<String> notReady = new ArrayList<>();
        for (Node node : nodes == null ? List.<Node>of() : nodes) {
            if (!NodeConditions.isReady(node)) {
                notReady.add(node.getMetadata() == null ? "?" : node.getMetadata().getName());
            }
        }
        int total = nodes == null ? 0 : nodes.size();
        int limit = maxUnhealthy.of(total);
        Instant now = clock.instant();
        if (!restored) {
            restore(now);
        }
        State before = state;
        if (notReady.size() > limit) {
            state = State.TRIPPED;
            if (before != State.TRIPPED) {
                memory.opened(now);
            }
        } else if (state == State.TRIPPED) {
            resumeAt = now.plus(cooldown);
            state = now.isBefore(resumeAt) ? State.COOLING_DOWN : State.CLOSED;
            memory.closed(now);
        } else if (state == State.COOLING_DOWN && !now.isBefore(resumeAt)) {
            state = State.CLOSED;
        }
        Admission admission = new Admission(state, before, List.copyOf(notReady), total, limit, resumeAt);
        if (!admission.allowed() || admission.changed()) {
            LOG.warn("{}", admission.reason());
        }
        return admission;
    }

    /**
     * Keeps every refusal and at most {@code reaper.safety.max-pods-per-cycle} removals; the rest wait for the
     * next cycles, so that a burst is remediated in steps an operator can follow and stop.
     */
    /** reaper.safety.max-pods-per-cycle. */
    public int maxRemovalsPerCycle() {
        return maxRemovalsPerCycle;
    }

    public List<Remediation> limit(List<Remediation> plans) {
        return cap(plans, Remediation::isRemoval, plan -> plan.pod().qualifiedName());
    }

    /**
     * At most {@code reaper.safety.max-pods-per-cycle} opt-in actions in one cycle (giving a node back once it is
     * Ready again is not capped); the rest wait for the next cycles.
     */
    public List<Action> limitActions(List<Action> actions) {
        return cap(actions, action -> !action.kind().isRevert(), action -> "'" + action + "'");
    }

    /** The per-cycle cap: what is beyond max-pods-per-cycle waits for a later cycle. */
    private <T> List<T> cap(List<T> items, Predicate<T> counts, Function<T, String> name) {
        return Cap.keep(items, counts, maxRemovalsPerCycle, item -> {
            LOG.warn("Deferring {} to a later cycle: reaper.safety.max-pods-per-cycle={} reached",
                    name.apply(item), maxRemovalsPerCycle);
            return null;
        });
    }

    /** {@code reaper.safety.max-unhealthy}: a count of nodes, or a percent of the nodes considered. */
    public record MaxUnhealthy(int value, boolean percent) {

        public static MaxUnhealthy parse(String text) {
            String t = text.trim();
            boolean percent = t.endsWith("%");
            String digits = percent ? t.substring(0, t.length() - 1) : t;
            if (!digits.matches("\\d{1,9}")) {
                throw new IllegalArgumentException(text);
            }
            int value = Integer.parseInt(digits);
            if (percent && value > 100) {
                throw new IllegalArgumentException(text);
            }
            return new MaxUnhealthy(value, percent);
        }

        /** The limit for this many nodes; a percent rounds down, as MachineHealthCheck's maxUnhealthy does. */
        public int of(int total) {
            return percent ? (int) ((long) total * value / 100) : value;
        }

        @Override
        public String toString() {
            return value + (percent ? "%" : "");
        }
    }
}
