package io.offlineworkerreaper.decision;

import java.time.Instant;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code reaper.safety.max-removals-per-hour} (bean {@code hourlyBudget}), next to the per-cycle cap: the
 * removals the window still allows go ahead, the others become refusals (announced once, like every refusal) and
 * are removed once the window allows. Opt-in actions beyond it wait for a later cycle. Giving a node back
 * (uncordon, untaint) is never held back.
 */
public final class HourlyBudget {

    public static final String MAX_PER_HOUR = "reaper.safety.max-removals-per-hour";
    private static final Logger LOG = LoggerFactory.getLogger(HourlyBudget.class);

    private final int limit;
    private final IntSupplier remaining;
    private final Supplier<Instant> nextAllowed;

    public HourlyBudget(int limit, IntSupplier remaining, Supplier<Instant> nextAllowed) {
        this.limit = limit;
        this.remaining = remaining;
        this.nextAllowed = nextAllowed;
    }

    /** {@code reaper.safety.max-removals-per-hour}. */
    public int maxPerHour() {
        return limit;
    }

    /** Removals and actions left in the current window. */
    public int remaining() {
        return remaining.getAsInt();
    }

    /** When the next removal is allowed, once the budget is spent. */
    public Instant nextAllowed() {
        return nextAllowed.get();
    }

    public List<Remediation> limit(List<Remediation> plans) {
        return Cap.keep(plans, Remediation::isRemoval, remaining.getAsInt(), plan -> {
            String why = MAX_PER_HOUR + "=" + limit + " is spent (" + limit + " removals and actions in the last"
                    + " hour); the next one is allowed at " + nextAllowed.get();
            LOG.warn("Not removing {} yet: {}", plan.pod().qualifiedName(), why);
            return Remediation.refusal(plan.pod(), Remediation.Verdict.BUDGET_SPENT, plan.workers(), why);
        });
    }

    public List<Action> limitActions(List<Action> actions) {
        return Cap.keep(actions, action -> !action.kind().isRevert(), remaining.getAsInt(), action -> {
            LOG.warn("Deferring '{}': {}={} is spent; the next one is allowed at {}", action, MAX_PER_HOUR, limit,
                    nextAllowed.get());
            return null;
        });
    }
}
