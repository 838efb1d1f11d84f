package io.offlineworkerreaper.notify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Remembers which conditions were already announced, so that a worker still heartbeating, or a step failing
 * every cycle, is reported once and not every cycle. A condition that was not seen for a whole cycle is
 * forgotten: if it comes back, it is announced again.
 */
public final class Announcements {

    private final Map<String, Long> lastSeenInCycle = new HashMap<>();
    private final List<String> clearedLastCycle = new ArrayList<>();
    private long cycle;

    /** Called once at the start of every cycle; returns the cycle's number, counting from 1. */
    public synchronized long newCycle() {
        cycle++;
        clearedLastCycle.clear();
        lastSeenInCycle.entrySet().removeIf(e -> {
            boolean cleared = e.getValue() < cycle - 1;
            if (cleared) {
                clearedLastCycle.add(e.getKey());
            }
            return cleared;
        });
        return cycle;
    }

    /** The conditions forgotten when this cycle started: they were not seen during the whole last cycle. */
    public synchronized List<String> cleared() {
        return List.copyOf(clearedLastCycle);
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
