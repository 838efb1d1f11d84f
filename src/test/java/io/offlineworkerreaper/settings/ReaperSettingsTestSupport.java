package io.offlineworkerreaper.settings;

import java.util.Map;
import java.util.Optional;

/** Reads one duration the way the reaper does. */
public final class ReaperSettingsTestSupport {

    private ReaperSettingsTestSupport() {
    }

    public static long seconds(String duration) {
        return new Reader(k -> Optional.ofNullable(Map.of("d", duration).get(k)))
                .duration("d", java.time.Duration.ZERO).toSeconds();
    }
}
