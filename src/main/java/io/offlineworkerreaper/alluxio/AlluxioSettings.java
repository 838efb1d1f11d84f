package io.offlineworkerreaper.alluxio;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.offlineworkerreaper.settings.Durations;
import io.offlineworkerreaper.settings.Reader;

/**
 * The Alluxio workers: their pods ({@code reaper.workers.*}) and their registrations in etcd
 * ({@code reaper.alluxio.*}).
 *
 * @param workersNamespace      namespace of the worker pods
 * @param workersSelector       label selector of the worker pods, as key=value pairs
 * @param clusterName           Alluxio cluster name (alluxio.cluster.name)
 * @param requireLeaseExpired   act only once the worker's /ServiceDiscovery key is gone
 * @param unaccountedHeartbeats refuse (or not) pods without a registration while a live heartbeat matches no pod
 * @param auditInterval         how often a cycle without NotReady nodes looks at the registry for findings
 */
public record AlluxioSettings(String workersNamespace, Map<String, String> workersSelector, String clusterName,
                              boolean requireLeaseExpired,
                              UnaccountedHeartbeats unaccountedHeartbeats,
                              Duration auditInterval) {

    public static final String WORKERS_NAMESPACE = "reaper.workers.namespace";
    public static final String WORKERS_SELECTOR = "reaper.workers.selector";
    public static final String CLUSTER_NAME = "reaper.alluxio.cluster-name";
    public static final String REQUIRE_LEASE_EXPIRED = "reaper.alluxio.require-lease-expired";
    public static final String UNACCOUNTED_HEARTBEATS = "reaper.alluxio.unaccounted-heartbeats";
    public static final String AUDIT_INTERVAL = "reaper.alluxio.audit-interval";

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    // alluxio.cluster.name ends up inside etcd keys: no slash, no whitespace.
    private static final Pattern CLUSTER = Pattern.compile("[A-Za-z0-9][-A-Za-z0-9_.]*");

    public AlluxioSettings {
        workersSelector = Map.copyOf(workersSelector);
    }

    public static AlluxioSettings from(Reader in) {
        return new AlluxioSettings(
                in.matching(WORKERS_NAMESPACE, DNS_LABEL, "a namespace name (lowercase DNS label, e.g. alluxio)"),
                in.selector(WORKERS_SELECTOR),
                in.matching(CLUSTER_NAME, CLUSTER, "an Alluxio cluster name without '/' (e.g. default-alluxio)"),
                in.bool(REQUIRE_LEASE_EXPIRED),
                in.choice(UNACCOUNTED_HEARTBEATS, UnaccountedHeartbeats.class),
                in.duration(AUDIT_INTERVAL, Duration.ZERO));
    }

    /** The etcd prefix of the workers' permanent registrations, with its trailing slash. */
    public String authorizedPrefix() {
        return AlluxioKeys.authorizedPrefix(clusterName);
    }

    /** The etcd prefix of the workers' lease-bound heartbeats, with its trailing slash. */
    public String serviceDiscoveryPrefix() {
        return AlluxioKeys.heartbeatPrefix(clusterName);
    }

    /** The label selector as kubectl prints it, e.g. {@code app=alluxio,role=alluxio-worker}. */
    public String workersSelectorText() {
        return String.join(",", workersSelector.entrySet().stream()
                .sorted(Map.Entry.comparingByKey()).map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    public Map<String, String> describe() {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put(WORKERS_NAMESPACE, workersNamespace);
        shown.put(WORKERS_SELECTOR, workersSelectorText());
        shown.put(CLUSTER_NAME, clusterName);
        shown.put(REQUIRE_LEASE_EXPIRED, String.valueOf(requireLeaseExpired));
        shown.put(UNACCOUNTED_HEARTBEATS, unaccountedHeartbeats.name().toLowerCase(Locale.ROOT));
        shown.put(AUDIT_INTERVAL, Durations.humanize(auditInterval));
        return shown;
    }
}
