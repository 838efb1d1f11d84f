package io.offlineworkerreaper.cycle;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.offlineworkerreaper.settings.Durations;
import io.offlineworkerreaper.settings.Reader;

/**
 * When cycles run ({@code reaper.check-interval}, {@code reaper.detection}).
 *
 * @param checkInterval time between two cycles
 * @param detection     poll only, or also watch nodes and heartbeats
 */
public record CycleSettings(Duration checkInterval, Detection detection) {

    public static final String CHECK_INTERVAL = "reaper.check-interval";
    /**
     * The shortest interval: the soak benchmark runs 100,000 cycles at it. In poll mode each cycle lists the nodes,
     * so anything under a second is for tests and benchmarks, not for a cluster.
     */
    static final Duration MIN_CHECK_INTERVAL = Duration.ofMillis(10);
    public static final String DETECTION = "reaper.detection";

    public static CycleSettings from(Reader in) {
        return new CycleSettings(in.duration(CHECK_INTERVAL, MIN_CHECK_INTERVAL), in.choice(DETECTION, Detection.class));
    }

    public Map<String, String> describe() {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put(CHECK_INTERVAL, Durations.humanize(checkInterval));
        shown.put(DETECTION, detection.text());
        return shown;
    }

    /**
     * How a cycle gets started: {@code poll} runs one every check-interval; {@code watch} also runs one as soon
     * as a node changes readiness or a worker's heartbeat disappears from etcd, the interval staying as the
     * safety net.
     */
    public enum Detection {
        POLL, WATCH;

        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
