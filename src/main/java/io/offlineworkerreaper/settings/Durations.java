package io.offlineworkerreaper.settings;

import java.time.Duration;

/** Durations printed the way kubectl prints ages: 45s, 3m12s, 2h5m (and 500ms below a second). */
public final class Durations {

    private Durations() {
    }

    public static String humanize(Duration d) {
        if (d.toMillis() < 1000) {
            return Math.max(0, d.toMillis()) + "ms";
        }
        long s = d.getSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
        }
        return (s / 3600) + "h" + ((s % 3600) / 60 == 0 ? "" : ((s % 3600) / 60) + "m");
    }
}
