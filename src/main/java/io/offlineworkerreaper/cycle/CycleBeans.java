package io.offlineworkerreaper.cycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.offlineworkerreaper.alluxio.AlluxioBeans;
import io.offlineworkerreaper.alluxio.AlluxioSettings;
import io.offlineworkerreaper.decision.NodeReadiness;
import io.offlineworkerreaper.kubernetes.NodeSource;
import io.offlineworkerreaper.observe.ReaperMetrics;
import io.offlineworkerreaper.settings.SecretMasker;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.support.RoutePolicySupport;

/**
 * When cycles run and on which replica: the scheduler, leader election, the watches (watch mode) and the control
 * object's watch, the caches a cycle reads from, the retries of calls out.
 *
 * @param services started with the context and stopped at shutdown (the watches)
 */
public record CycleBeans(CycleScheduler scheduler, RoutePolicy leadership, RoutePolicy leaderGauge, WatchCaches caches,
                         List<Object> services, Map<String, Object> extra) {

    /** The first cycle starts as soon as its route does (after the other routes, and after leadership). */
    static final Duration FIRST_CYCLE_AFTER = Duration.ZERO;
    /** A failed etcd watch is started again after this long. */
    static final Duration WATCH_RETRY = Duration.ofSeconds(2);

    /**
     * @param readOnly {@code --check}: no leader election (it writes the Lease), no watches
     */
    public static CycleBeans create(CamelContext context, CycleSettings cycle, LeaderElectionSettings leaderElection,
                                    RetrySettings retry, ControlSettings controlSettings, AlluxioSettings alluxio,
                                    KubernetesClient client, NodeSource nodeSource, AlluxioBeans registry,
                                    Control control, NodeReadiness readiness, ReaperMetrics metrics,
                                    SecretMasker masker, boolean readOnly) throws Exception {
        CycleScheduler scheduler = new CycleScheduler(FIRST_CYCLE_AFTER, cycle.checkInterval());
        List<Object> services = new ArrayList<>();
        WatchCaches caches = new WatchCaches(); // poll mode: nothing cached
        if (cycle.detection() == CycleSettings.Detection.WATCH && !readOnly) {
            NodeWatch nodeWatch = new NodeWatch(client, readiness, scheduler);
            RegistryWatch registryWatch = new RegistryWatch(registry.etcd()::createWatchClient,
                    alluxio.authorizedPrefix(), alluxio.serviceDiscoveryPrefix(), scheduler, WATCH_RETRY, masker);
            WorkerPodWatch workerPodWatch = new WorkerPodWatch(client, alluxio.workersNamespace(),
                    alluxio.workersSelector(), scheduler);
            services.addAll(List.of(nodeWatch, registryWatch, workerPodWatch));
            caches = new WatchCaches(workerPodWatch, registryWatch, nodeWatch);
            nodeSource.useCache(caches::nodes);
        }
        if (!readOnly) {
            // both modes: one watch on one ConfigMap costs the API server nothing per cycle, spares every cycle a
            // GET (poll mode's healthy cycle is its node list alone) and applies a pause at once
            ControlWatch controlWatch = new ControlWatch(client, controlSettings, scheduler);
            control.useWatch(controlWatch);
            services.add(controlWatch);
        }
        RoutePolicy leadership = readOnly ? new RoutePolicySupport() { }
                : Leadership.install(context, leaderElection, client);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("callOutRetries", retry.policy());
        extra.put("control", control);
        return new CycleBeans(scheduler, leadership, Leadership.gauge(metrics), caches, services, extra);
    }

    /** The beans the routes name. */
    public Map<String, Object> named() {
        Map<String, Object> named = new LinkedHashMap<>(extra);
        named.put("cycleScheduler", scheduler);
        named.put("leadership", leadership);
        named.put("leaderGauge", leaderGauge);
        named.put("caches", caches);
        return named;
    }
}
