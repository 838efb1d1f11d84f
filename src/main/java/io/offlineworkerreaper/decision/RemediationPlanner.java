package io.offlineworkerreaper.decision;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import io.offlineworkerreaper.kubernetes.WorkerPod;
import io.offlineworkerreaper.alluxio.UnaccountedHeartbeats;

import io.offlineworkerreaper.alluxio.AlluxioSettings;
import io.offlineworkerreaper.alluxio.WorkerMatching.Registration;
import io.offlineworkerreaper.alluxio.WorkerMatching;

/**
 * Decides, for each worker pod on a NotReady node, whether it is proven dead. The etcd heartbeat has the last
 * word: Kubernetes may call a node NotReady while the worker on it still renews its lease (an API-server
 * partition, a kubelet crash), and such a worker is left alone. A pod with no registration is removed alone
 * only when every live heartbeat is accounted for by some worker pod: otherwise its worker may be alive under
 * a registration the reaper could not match, and the pod is refused.
 */
public final class RemediationPlanner {

    /** Pods whose keys were deleted but not the pod itself, remembered for this many at most. */
    private static final int REMEMBERED = 1_000;

    private final boolean requireLeaseExpired;
    private final UnaccountedHeartbeats unaccounted;
    /** uids of pods whose worker keys this process deleted: proven dead, their removal only needs finishing. */
    private final Set<String> keysRemoved = java.util.Collections.newSetFromMap(
            java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > REMEMBERED;
                }
            }));

    public RemediationPlanner(boolean requireLeaseExpired, UnaccountedHeartbeats unaccounted) {
        this.requireLeaseExpired = requireLeaseExpired;
        this.unaccounted = unaccounted;
    }

    /**
     * The keys of this removal are gone: if its pod deletion fails, the next cycles finish it although the pod
     * no longer has a registration to prove it dead (the proof was made when its keys were deleted).
     */
    /**
     * A removal whose worker came back between the cycle's read and the guarded delete: a refusal, the worker
     * heartbeating again (nothing of it was deleted, and its pod is kept).
     */
    public Remediation cameBack(Remediation removal, io.offlineworkerreaper.alluxio.KeyDeleter.Deletion deletion) {
        return Remediation.refusal(removal.pod(), Remediation.Verdict.STILL_HEARTBEATING, removal.workers(),
                "worker " + String.join(", ", deletion.cameBack()) + " came back (its heartbeat key exists again)"
                        + " between the cycle's read and the delete: its keys and its pod are kept"
                        + (deletion.deleted().isEmpty() ? "" : "; deleted before: " + deletion.deleted()));
    }

    public void keysRemoved(Remediation removal) {
        keysRemoved.add(removal.pod().uid());
    }

    public List<Remediation> plan(List<WorkerPod> pods, WorkerMatching matching) {
        Set<String> candidates = pods.stream().map(WorkerPod::uid).collect(Collectors.toSet());
        List<Remediation> plans = new ArrayList<>();
        for (WorkerPod pod : pods) {
            plans.add(planOne(pod, matching, candidates));
        }
        return plans;
    }

    private Remediation planOne(WorkerPod pod, WorkerMatching matching, Set<String> candidates) {
        List<Registration> workers = matching.of(pod.uid());
        List<Registration> live = workers.stream().filter(Registration::live).toList();
        if (!live.isEmpty() && requireLeaseExpired) {
            return Remediation.refusal(pod, Remediation.Verdict.STILL_HEARTBEATING, workers,
                    "worker " + ids(live) + " still renews its etcd lease (" + live.get(0).heartbeat().key()
                            + " exists) although node " + pod.node().name() + " is NotReady: waiting until the"
                            + " lease expires" + (workers.size() > 1 ? " (" + workers.size()
                            + " registrations claim the pod's address)" : ""));
        }
        List<Registration> shared = workers.stream()
                .filter(w -> w.owners().stream().anyMatch(uid -> !candidates.contains(uid))).toList();
        if (!shared.isEmpty()) {
            return Remediation.refusal(pod, Remediation.Verdict.AMBIGUOUS, workers,
                    "worker " + ids(shared) + " also matches a worker pod that is not on a NotReady node:"
                            + " cannot tell whose it is, not touching it");
        }
        if (!workers.isEmpty()) {
            return new Remediation(pod, Remediation.Verdict.REMOVE, workers, workers.size() == 1
                    ? "worker " + workers.get(0) + " is offline"
                    : workers.size() + " registrations claim the pod's address and none heartbeats: all are dead ("
                            + ids(workers) + ")");
        }
        if (keysRemoved.contains(pod.uid())) {
            return new Remediation(pod, Remediation.Verdict.REMOVE, workers, "its worker's etcd keys were deleted in"
                    + " an earlier cycle, once it was proven dead: finishing the removal of the pod");
        }
        if (matching.registryEmpty()) {
            return Remediation.refusal(pod, Remediation.Verdict.EMPTY_REGISTRY, workers,
                    "the configured Alluxio cluster has no registration at all although worker pods exist: the"
                            + " reaper cannot prove this worker dead (check " + AlluxioSettings.CLUSTER_NAME + ")");
        }
        List<Registration> unaccountedHeartbeats = matching.unaccountedHeartbeats();
        if (!unaccountedHeartbeats.isEmpty() && unaccounted == UnaccountedHeartbeats.REFUSE) {
            return Remediation.refusal(pod, Remediation.Verdict.UNACCOUNTED_HEARTBEATS, workers,
                    "no registration matches the pod (" + pod.identity().ownAddresses() + ") and "
                            + unaccountedHeartbeats.size() + " live heartbeat(s) match no worker pod ("
                            + unaccountedHeartbeats.stream().map(Registration::toString)
                            .collect(Collectors.joining("; ")) + "): one may be this pod's worker, so it is not"
                            + " removed (" + AlluxioSettings.UNACCOUNTED_HEARTBEATS + "=refuse)");
        }
        return new Remediation(pod, Remediation.Verdict.REMOVE, workers, "no Alluxio worker is registered for "
                + pod.ip() + " and every live heartbeat belongs to another pod: only the pod is removed");
    }

    private static String ids(List<Registration> workers) {
        return workers.stream().map(Registration::id).collect(Collectors.joining(", "));
    }
}
