package io.offlineworkerreaper.observe;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Conditions that hold cycle after cycle, one per subject (a pod's refusal, a step's failure, a node that cannot
 * be proven off): says when one starts or changes, and which ended (not seen during the whole last cycle), with
 * how many cycles it lasted. The audit log and the Kubernetes Events record a lasting condition on those changes
 * only, so a refusal that lasts a month writes two lines, not 86,000. At most {@link #MAX_SUBJECTS} are kept; past
 * that the oldest is ended early (it is written again if it still holds).
 *
 * @param <T> what ends a run (its recorder)
 */
final class Repeats<T> {

    static final int MAX_SUBJECTS = 10_000;

    /** One condition held by one subject from {@code since}, seen in {@code cycles} cycles. */
    record Run<T>(String subject, String condition, T payload, Instant since, long cycles) {
    }

    /** What a sighting was: the start of a run (a new one, or a change), and the run a change ended. */
    record Seen<T>(boolean started, Optional<Run<T>> replaced) {
    }

    private static final class Entry<T> {
        private final String condition;
        private final T payload;
        private final Instant since;
        private long cycles = 1;
        private long lastCycle;

        private Entry(String condition, T payload, Instant since, long cycle) {
            this.condition = condition;
            this.payload = payload;
            this.since = since;
            this.lastCycle = cycle;
        }

        private Run<T> run(String subject) {
            return new Run<>(subject, condition, payload, since, cycles);
        }
    }

    private final Map<String, Entry<T>> runs = new LinkedHashMap<>();
    private long sweptAt = -1;

    /** {@code subject} holds {@code condition} in {@code cycle}; {@code payload} is kept if this starts a run. */
    synchronized Seen<T> seen(String subject, String condition, T payload, long cycle, Instant now) {
        Entry<T> entry = runs.get(subject);
        if (entry != null && entry.condition.equals(condition)) {
            if (entry.lastCycle != cycle) {
                entry.cycles++;
                entry.lastCycle = cycle;
            }
            return new Seen<>(false, Optional.empty());
        }
        Optional<Run<T>> replaced = Optional.ofNullable(runs.remove(subject)).map(e -> e.run(subject));
        runs.put(subject, new Entry<>(condition, payload, now, cycle));
        return new Seen<>(true, replaced);
    }

    /**
     * The runs that ended: not seen during the whole cycle before {@code cycle}, and those over the bound, oldest
     * first. Looks once per cycle (later calls in the same cycle return only the ones over the bound).
     */
    synchronized List<Run<T>> ended(long cycle) {
        List<Run<T>> ended = new ArrayList<>();
        boolean sweep = cycle != sweptAt;
        sweptAt = cycle;
        int over = runs.size() - MAX_SUBJECTS;
        for (Iterator<Map.Entry<String, Entry<T>>> it = runs.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Entry<T>> e = it.next();
            if (over-- > 0 || (sweep && e.getValue().lastCycle < cycle - 1)) {
                ended.add(e.getValue().run(e.getKey()));
                it.remove();
            } else if (!sweep) {
                break;
            }
        }
        return ended;
    }

    synchronized int size() {
        return runs.size();
    }
}
