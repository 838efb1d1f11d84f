package io.offlineworkerreaper.alluxio;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Pod;
import io.offlineworkerreaper.alluxio.WorkerMatching.Registration;
import io.offlineworkerreaper.kubernetes.PodIdentity;

/**
 * Looks at the registry and the worker pods together and says what is misconfigured, with the fix: a worker
 * selector that matches no pod while workers are registered (with the selector that would match them), a
 * cluster name with no registration (with the clusters that have some), live heartbeats that match no worker
 * pod, registrations that match no pod at all. Pure: what is announced, and when, is {@code observe.RegistryAudit}'s.
 */
public final class RegistryFindings {

    /** Labels that differ from pod to pod of one workload: never part of a suggested selector. */
    private static final Set<String> PER_POD_LABELS = Set.of("pod-template-hash", "controller-revision-hash",
            "pod-template-generation", "statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index");

    private final String namespace;
    private final String selectorText;
    private final String cluster;

    public RegistryFindings(String namespace, String selectorText, String cluster) {
        this.namespace = namespace;
        this.selectorText = selectorText;
        this.cluster = cluster;
    }

    /** The selector matched no pod while workers are registered: the namespace's pods tell which would do. */
    public boolean needsNamespacePods(WorkerMatching matching) {
        return matching.pods().isEmpty() && !matching.registrations().isEmpty();
    }

    /** The configured cluster has no registration: the other clusters in etcd tell which name would do. */
    public boolean needsClusterListing(WorkerMatching matching) {
        return matching.registryEmpty();
    }

    /** Every finding of one look, pure: the pods by the selector are those {@code matching} was made with. */
    public List<Finding> findings(WorkerMatching matching, List<Pod> namespacePods,
                                  List<AlluxioClusters.Cluster> clusters) {
        List<Finding> findings = new ArrayList<>();
        if (matching.registryEmpty()) {
            emptyCluster(matching, clusters).ifPresent(findings::add);
            return findings;
        }
        if (matching.pods().isEmpty()) {
            findings.add(selectorMatchesNothing(matching, namespacePods == null ? List.of() : namespacePods));
            return findings; // with no worker pod, every registration is unaccounted: one finding says it all
        }
        List<Registration> unaccounted = matching.unaccountedHeartbeats();
        if (!unaccounted.isEmpty()) {
            findings.add(new Finding(Finding.Kind.UNACCOUNTED_HEARTBEATS, AlluxioSettings.UNACCOUNTED_HEARTBEATS,
                    unaccounted.size() + " live heartbeat(s) under " + AlluxioKeys.heartbeatPrefix(cluster)
                            + " match no worker pod: worker pods without a registration are not removed while they last",
                    unaccounted.stream().map(r -> r.heartbeat().key() + " (" + r.entry().addressText() + ")").toList(),
                    "if these workers run in Kubernetes, check " + AlluxioSettings.WORKERS_SELECTOR + " ("
                            + selectorText + ") and " + AlluxioSettings.WORKERS_NAMESPACE + " (" + namespace
                            + "); if they run outside Kubernetes, set " + AlluxioSettings.UNACCOUNTED_HEARTBEATS
                            + "=ignore"));
        }
        List<Registration> unmatched = matching.unmatched();
        if (!unmatched.isEmpty()) {
            findings.add(new Finding(Finding.Kind.UNMATCHED_REGISTRATIONS, AlluxioSettings.WORKERS_SELECTOR,
                    unmatched.size() + " registration(s) under " + AlluxioKeys.authorizedPrefix(cluster)
                            + " match no worker pod and no longer heartbeat (older identities, or workers outside"
                            + " Kubernetes)",
                    unmatched.stream().map(r -> r.keys().get(0) + " (" + r.entry().addressText() + ")").toList(),
                    "clients with alluxio.user.dynamic.consistent.hash.ring.enabled=false still route to them;"
                            + " check them with 'alluxio info nodes' and remove a stale one with 'etcdctl del <key>'"));
        }
        return findings;
    }

    private Finding selectorMatchesNothing(WorkerMatching matching, List<Pod> namespacePods) {
        List<PodIdentity> pods = namespacePods.stream().filter(p -> p.getMetadata() != null
                && namespace.equals(p.getMetadata().getNamespace())).map(PodIdentity::of).toList();
        WorkerMatching inNamespace = matching.withPods(pods);
        List<PodIdentity> atRegisteredAddresses = pods.stream().filter(p -> !inNamespace.of(p.uid()).isEmpty())
                .sorted(java.util.Comparator.comparing(PodIdentity::name)).toList();
        String summary = AlluxioSettings.WORKERS_SELECTOR + "=" + selectorText + " matches no pod in namespace "
                + namespace + ", while " + matching.registrations().size() + " worker(s) are registered ("
                + matching.liveCount() + " heartbeating): no crashed worker can be healed";
        if (atRegisteredAddresses.isEmpty()) {
            return new Finding(Finding.Kind.SELECTOR_MATCHES_NOTHING, AlluxioSettings.WORKERS_NAMESPACE, summary,
                    matching.registrations().stream().map(Registration::toString).toList(),
                    "no pod in namespace " + namespace + " is at a registered address either: set "
                            + AlluxioSettings.WORKERS_NAMESPACE + " to the namespace of the Alluxio worker pods");
        }
        List<String> details = new ArrayList<>();
        Map<String, String> common = null;
        for (PodIdentity pod : atRegisteredAddresses) {
            details.add("pod " + pod.qualifiedName() + " (worker " + inNamespace.of(pod.uid()).stream()
                    .map(Registration::id).collect(Collectors.joining(", ")) + ") has labels "
                    + labelsText(new TreeMap<>(pod.labels())));
            if (common == null) {
                common = new TreeMap<>(pod.labels());
            } else {
                common.entrySet().retainAll(pod.labels().entrySet());
            }
        }
        common.keySet().removeAll(PER_POD_LABELS);
        return new Finding(Finding.Kind.SELECTOR_MATCHES_NOTHING, AlluxioSettings.WORKERS_SELECTOR, summary, details,
                common.isEmpty() ? "the pods at the registered addresses share no label: give the worker pods a label"
                        + " and set " + AlluxioSettings.WORKERS_SELECTOR + " to it"
                        : "set " + AlluxioSettings.WORKERS_SELECTOR + "=" + suggestion(common));
    }

    /** The labels the charts identify worker pods by, when present; else every shared label. */
    static String suggestion(Map<String, String> common) {
        Map<String, String> chosen = new TreeMap<>();
        for (String key : new String[] {"app.kubernetes.io/name", "app.kubernetes.io/instance",
                "app.kubernetes.io/component", "app", "role"}) {
            if (common.containsKey(key)) {
                chosen.put(key, common.get(key));
            }
        }
        return labelsText(chosen.isEmpty() ? common : chosen);
    }

    private Optional<Finding> emptyCluster(WorkerMatching matching, List<AlluxioClusters.Cluster> clusters) {
        List<AlluxioClusters.Cluster> others = clusters == null ? List.of() : clusters.stream()
                .filter(c -> !c.name().equals(cluster)).toList();
        if (matching.pods().isEmpty() && others.isEmpty()) {
            return Optional.empty(); // nothing registered and nothing to heal: Alluxio is not there yet
        }
        String summary = AlluxioSettings.CLUSTER_NAME + "=" + cluster + " has no registration under "
                + AlluxioKeys.authorizedPrefix(cluster) + " nor " + AlluxioKeys.heartbeatPrefix(cluster)
                + (matching.pods().isEmpty() ? "" : ", while " + matching.pods().size() + " worker pod(s) exist:"
                + " worker pods on NotReady nodes are not removed");
        if (others.isEmpty()) {
            return Optional.of(new Finding(Finding.Kind.CLUSTER_EMPTY, AlluxioSettings.CLUSTER_NAME, summary,
                    List.of("no Alluxio cluster has registrations in this etcd"),
                    "check " + EtcdSettings.ENDPOINTS + ": it should be the etcd the Alluxio workers register"
                            + " in (alluxio.etcd.endpoints)"));
        }
        List<String> details = new ArrayList<>();
        AlluxioClusters.Cluster best = null;
        long bestMatches = -1;
        for (AlluxioClusters.Cluster other : others) {
            WorkerMatching m = WorkerMatching.match(matching.pods(), other.authorized(), other.heartbeats());
            long matched = m.registrations().stream().filter(r -> !r.owners().isEmpty()).count();
            details.add("cluster " + other.name() + ": " + m.registrations().size() + " registration(s), "
                    + m.liveCount() + " heartbeating" + (matching.pods().isEmpty() ? ""
                    : ", " + matched + " matching the worker pods"));
            if (matched > bestMatches) {
                best = other;
                bestMatches = matched;
            }
        }
        String fix = "set " + AlluxioSettings.CLUSTER_NAME + "=" + best.name()
                + (others.size() > 1 ? " (the one whose registrations match the worker pods best)" : "")
                + ": the value of alluxio.cluster.name (the Helm chart sets <namespace>-<release>; Alluxio's"
                + " default is DefaultAlluxioCluster)";
        return Optional.of(new Finding(Finding.Kind.CLUSTER_EMPTY, AlluxioSettings.CLUSTER_NAME, summary,
                details, fix));
    }

    private static String labelsText(Map<String, String> labels) {
        return labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
}
