package io.offlineworkerreaper.decision;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code reaper.safety.max-removals-per-hour}: how many removals and opt-in actions the last hour still allows.
 * The window is the list of times of the removals done in the last hour, kept in the cluster (on the control
 * ConfigMap) so that a restart or a new leader does not reset it.
 */
public final class RemovalBudget {

    public static final Duration WINDOW = Duration.ofHours(1);

    private RemovalBudget() {
    }

    /** The times still inside the window at {@code now}, oldest first. */
    public static List<Instant> inWindow(List<Instant> done, Instant now) {
        List<Instant> kept = new ArrayList<>(done.stream().filter(t -> t.isAfter(now.minus(WINDOW))).sorted().toList());
        return List.copyOf(kept);
    }

    /** How many more the window allows (the limit 0 means no limit: Integer.MAX_VALUE). */
    public static int remaining(int limit, List<Instant> done, Instant now) {
        return limit == 0 ? Integer.MAX_VALUE : Math.max(0, limit - inWindow(done, now).size());
    }

    /** When the next one is allowed, when the window is full. */
    public static Instant nextAllowed(List<Instant> done, Instant now) {
        List<Instant> window = inWindow(done, now);
        return window.isEmpty() ? now : window.get(0).plus(WINDOW);
    }
}
