package io.offlineworkerreaper;

import java.util.HashMap;
import java.util.Map;

/**
 * Remembers which conditions were already announced, so that a worker still heartbeating, or a step failing
 * every cycle, is reported once and not every cycle. A condition that was not seen for a whole cycle is
 * forgotten: if it comes back, it is announced again.
 */
public final class Announcements {

    private final Map<String, Long> lastSeenInCycle = new HashMap<>();
    private long cycle;

    /** Called once at the start of every cycle; returns the cycle's number, counting from 1. */
    public synchronized long newCycle() {
        cycle++;
        lastSeenInCycle.values().removeIf(seen -> seen < cycle - 1);
        return cycle;
    }

    /** The number of the current cycle (0 before the first). */
    public synchronized long currentCycle() {
        return cycle;
    }

    /** True the first time a condition is seen (or seen again after a cycle without it); false while it lasts. */
    public synchronized boolean firstTime(String condition) {
        Long seen = lastSeenInCycle.put(condition, cycle);
        return seen == null || seen < cycle - 1;
    }
}
