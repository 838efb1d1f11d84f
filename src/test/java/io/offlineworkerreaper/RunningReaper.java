package io.offlineworkerreaper;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.offlineworkerreaper.cycle.CycleScheduler;
import io.offlineworkerreaper.notify.AnnouncementMemory;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** The real application (routes, configuration, beans) started against a test cluster, a test etcd and Slack. */
final class RunningReaper implements AutoCloseable {

    private final Main main;

    private RunningReaper(Main main) {
        this.main = main;
    }

    /** The application started with {@link #settings}. */
    static RunningReaper start(KubernetesClient client, String etcdUrl, HttpStandIn slack, Map<String, String> extra)
            throws Exception {
        Main main = Reaper.create(settings(etcdUrl, slack, extra), client);
        main.start();
        return new RunningReaper(main);
    }

    /** Settings for fast test cycles; {@code extra} wins over them. */
    static Map<String, String> settings(String etcdUrl, HttpStandIn slack, Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>();
        settings.put("reaper.check-interval", "150ms");
        settings.put("reaper.nodes.not-ready-for", "30s");
        settings.put("reaper.etcd.endpoints", etcdUrl);
        settings.put("reaper.etcd.timeout", "1s");
        settings.put("reaper.retry.delay", "50ms"); // the same 2 retries as shipped, with shorter waits
        settings.put("camel.management.enabled", "false"); // ObservabilityTest turns it on, on a free port
        if (slack != null) {
            settings.put("reaper.slack.webhook-url", slack.webhookUrl());
        }
        settings.putAll(extra);
        return settings;
    }

    CamelContext context() {
        return main.getCamelContext();
    }

    /**
     * Waits until {@code cycles} whole cycles have finished after this call, whatever their outcome. Cycles never
     * overlap, so cycle N+1 starting means cycle N has ended. (Camel's NotifyBuilder is no help here: the split's
     * sub-exchanges also count as exchanges from check-nodes.)
     */
    void awaitCycles(int cycles) {
        AnnouncementMemory counter = context().getRegistry().lookupByNameAndType("announcementMemory", AnnouncementMemory.class);
        long target = counter.currentCycle() + cycles + 1;
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> counter.currentCycle() >= target);
    }

    /** Waits until the first cycle has run and ended (no cycle in flight). */
    void awaitFirstCycleEnded() {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> cyclesRun() >= 1
                && context().getInflightRepository().size("check-nodes") == 0);
    }

    /** Cycles this instance has started so far. */
    long cyclesRun() {
        return context().getRegistry().lookupByNameAndType("announcementMemory", AnnouncementMemory.class).currentCycle();
    }

    /** Whether this instance's cycle route runs (standalone, or the leader). */
    boolean remediating() {
        return context().getRouteController().getRouteStatus("check-nodes").isStarted();
    }

    @Override
    public void close() throws Exception {
        main.stop();
    }

    /**
     * The end of a test: no new cycle, the one in flight (if any) ends, then the stop. Camel's shutdown looks at
     * in-flight exchanges once a second, so stopping mid-cycle costs a second; a test that is about the stop
     * itself (GracefulShutdownTest, LeaderElectionTest) calls {@link #close()}.
     */
    void closeBetweenCycles() throws Exception {
        CycleScheduler scheduler = context().getRegistry().lookupByNameAndType("cycleScheduler", CycleScheduler.class);
        if (scheduler != null) {
            scheduler.stop();
        }
        try {
            Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> context().getInflightRepository().size() == 0);
        } catch (ConditionTimeoutException stuck) {
            // a cycle stuck on a frozen etcd: the shutdown timeout ends it
        }
        main.stop();
    }
}
