package io.offlineworkerreaper.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Remembers which conditions were already announced, so that a worker still heartbeating, or a step failing
 * every cycle, is reported once and not every cycle. A condition that was not seen for a whole cycle is
 * forgotten: if it comes back, it is announced again, but not sooner than {@code reaper.notify.repeat-after}
 * after it was last announced, so that a flapping condition does not repeat itself.
 */
public final class AnnouncementMemory {

    public static final String REPEAT_AFTER = "reaper.notify.repeat-after";
    /** How long an ended condition is remembered at least (Alertmanager's refresh reads that it ended). */
    static final Duration KEEP_ENDED = Duration.ofHours(1);

    private final Duration repeatAfter;
    private final Clock clock;
    private final Map<String, Instant> lastAnnounced = new HashMap<>();
    private final Map<String, Long> lastSeenInCycle = new HashMap<>();
    private final List<String> clearedLastCycle = new ArrayList<>();
    private long cycle;

    /** Announces a condition again as soon as it comes back. */
    public AnnouncementMemory() {
        this(Duration.ZERO, Clock.systemUTC());
    }

    public AnnouncementMemory(Duration repeatAfter, Clock clock) {
        this.repeatAfter = repeatAfter;
        this.clock = clock;
    }

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
        // a condition gone for longer than repeat-after (and an hour) would be announced again anyway: forget it, so
        // that months of pods coming and going do not grow this memory (only what lasts, or ended lately, is kept)
        Instant forgetBefore = clock.instant().minus(repeatAfter.compareTo(KEEP_ENDED) > 0 ? repeatAfter : KEEP_ENDED);
        lastAnnounced.entrySet().removeIf(e -> !lastSeenInCycle.containsKey(e.getKey())
                && e.getValue().isBefore(forgetBefore));
        return cycle;
    }

    /** How many conditions are remembered (bounded by what lasts and what ended within repeat-after). */
    synchronized int remembered() {
        return lastAnnounced.size() + lastSeenInCycle.size();
    }

    /** The conditions forgotten when this cycle started: they were not seen during the whole last cycle. */
    public synchronized List<String> cleared() {
        return List.copyOf(clearedLastCycle);
    }

    /** The number of the current cycle (0 before the first). */
    public synchronized long currentCycle() {
        return cycle;
    }

    /**
     * Whether a condition is kept here and still lasts: false once it was not seen for a whole cycle (an alert
     * raised for it is then resolved). Empty for a condition never announced here (the breaker, a finding: they
     * end with a RECOVERED notice of their own).
     */
    public synchronized java.util.Optional<Boolean> lasting(String condition) {
        if (!lastAnnounced.containsKey(condition)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(lastSeenInCycle.containsKey(condition));
    }

    /**
     * True the first time a condition is seen (or seen again after a cycle without it, and at least repeat-after
     * since it was last announced); false while it lasts.
     */
    public synchronized boolean firstTime(String condition) {
        Long seen = lastSeenInCycle.put(condition, cycle);
        if (seen != null && seen >= cycle - 1) {
            return false;
        }
        Instant now = clock.instant();
        Instant last = lastAnnounced.get(condition);
        if (last != null && now.isBefore(last.plus(repeatAfter))) {
            return false;
        }
        lastAnnounced.put(condition, now);
        return true;
    }
}
