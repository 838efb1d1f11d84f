package io.offlineworkerreaper.decision;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import io.offlineworkerreaper.optin.Action;
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

    public List<Remediation> limit(List<Remediation> plans) {
        int left = remaining.getAsInt();
        List<Remediation> kept = new ArrayList<>();
        for (Remediation plan : plans) {
            if (plan.isRemoval() && left-- <= 0) {
                String why = MAX_PER_HOUR + "=" + limit + " is spent (" + limit + " removals and actions in the last"
                        + " hour); the next one is allowed at " + nextAllowed.get();
                LOG.warn("Not removing {} yet: {}", plan.pod().qualifiedName(), why);
                kept.add(Remediation.refusal(plan.pod(), Remediation.Verdict.BUDGET_SPENT, plan.workers(), why));
            } else {
                kept.add(plan);
            }
        }
        return kept;
    }

    public List<Action> limitActions(List<Action> actions) {
        int left = remaining.getAsInt();
        List<Action> kept = new ArrayList<>();
        for (Action action : actions) {
            if (!action.kind().isRevert() && left-- <= 0) {
                LOG.warn("Deferring '{}': {}={} is spent; the next one is allowed at {}", action, MAX_PER_HOUR, limit,
                        nextAllowed.get());
            } else {
                kept.add(action);
            }
        }
        return kept;
    }
}
