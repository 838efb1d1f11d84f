package io.offlineworkerreaper.cycle;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import io.offlineworkerreaper.notify.Destinations;
import io.offlineworkerreaper.observe.CycleTracker;
import io.offlineworkerreaper.settings.Durations;
import io.offlineworkerreaper.settings.InvalidSettingException;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --once}: one cycle, then exit, for a CronJob like the pod-reaper it replaces. Exit code 0 when there
 * was nothing to do or everything was done, 1 when a step failed, 4 when the safety breaker refused to act.
 * NoticeWriter are delivered to Slack (with their retries, up to a bound) before the process exits.
 */
public final class Once {

    public static final int FAILED = 1;
    public static final int REFUSED = 4;
    /** Longest a single cycle may take: every call in it is bounded by the API and etcd timeouts. */
    private static final Duration CYCLE_LIMIT = Duration.ofMinutes(10);
    private static final Duration DELIVERY_LIMIT = Duration.ofMinutes(2);
    private static final Logger LOG = LoggerFactory.getLogger(Once.class);

    private Once() {
    }

    /** One run needs no management port, and one replica by definition: no leader election. */
    public static Map<String, String> settings(Map<String, String> overrides) {
        Map<String, String> settings = new LinkedHashMap<>(overrides);
        if ("true".equalsIgnoreCase(settings.getOrDefault(LeaderElectionSettings.ENABLED, "false"))) {
            throw new InvalidSettingException(LeaderElectionSettings.ENABLED, "true",
                    "false with --once (a CronJob runs one pod at a time: concurrencyPolicy Forbid)");
        }
        settings.put(LeaderElectionSettings.ENABLED, "false");
        settings.putIfAbsent("camel.management.enabled", "false");
        return settings;
    }

    public static int run(Main main) throws Exception {
        main.start();
        try {
            CycleTracker cycles = main.getCamelContext().getRegistry().lookupByNameAndType("cycles", CycleTracker.class);
            CycleTracker.Result result;
            try {
                result = cycles.awaitFirstCycle(CYCLE_LIMIT);
            } catch (TimeoutException e) {
                LOG.error("--once: the cycle did not end within {}", Durations.humanize(CYCLE_LIMIT));
                return FAILED;
            }
            Destinations destinations = main.getCamelContext().getRegistry().lookupByNameAndType("destinations",
                    Destinations.class);
            if (!destinations.awaitIdle(DELIVERY_LIMIT)) {
                LOG.error("--once: notices still undelivered ({}) after {}", destinations.names(),
                        Durations.humanize(DELIVERY_LIMIT));
            }
            LOG.info("--once: cycle ended: {}", result);
            return switch (result) {
                case OK -> 0;
                case FAILED -> FAILED;
                case REFUSED -> REFUSED;
            };
        } finally {
            main.stop();
        }
    }
}
