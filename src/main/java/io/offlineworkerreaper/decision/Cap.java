package io.offlineworkerreaper.decision;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/** The one cap of the safety gates: the per-cycle cap and the hourly budget both keep the first N that count. */
final class Cap {

    private Cap() {
    }

    /**
     * Keeps what does not count and the first {@code limit} items that do; each item beyond becomes what
     * {@code beyond} makes of it (a refusal, say), or is left out when that is null.
     */
    static <T> List<T> keep(List<T> items, Predicate<T> counts, int limit, UnaryOperator<T> beyond) {
        List<T> kept = new ArrayList<>();
        int counted = 0;
        for (T item : items) {
            if (counts.test(item) && counted++ >= limit) {
                T instead = beyond.apply(item);
                if (instead != null) {
                    kept.add(instead);
                }
                continue;
            }
            kept.add(item);
        }
        return kept;
    }
}
