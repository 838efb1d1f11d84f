package io.offlineworkerreaper.decision;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.offlineworkerreaper.alluxio.AlluxioSettings;
import io.offlineworkerreaper.alluxio.UnaccountedHeartbeats;
import io.offlineworkerreaper.alluxio.WorkerMatching.Registration;
import io.offlineworkerreaper.alluxio.WorkerMatching;
import io.offlineworkerreaper.kubernetes.RemovalRequest;
import io.offlineworkerreaper.kubernetes.WorkerPod;

/**
 * Decides, for each worker pod on a NotReady node, whether it is proven dead. The etcd heartbeat has the last
 * word: Kubernetes may call a node NotReady while the worker on it still renews its lease (an API-server
 * partition, a kubelet crash), and such a worker is left alone. A pod with no registration is removed alone
 * only when every live heartbeat is accounted for by some worker pod: otherwise its worker may be alive under
 * a registration the reaper could not match, and the pod is refused.
 */
public final class RemediationPlanner {

    /**
     * Where a removal's progress is kept between its two deletes ("keys removed, pod pending"), so that whichever
     * replica runs the next cycle, after a crash or a change of leader, finishes it whatever the registry holds then
     * (the proof was made when the keys were deleted). The control object holds it ({@code cycle.Control}).
     */
    public interface Progress {
        boolean keysRemoved(String podUid);

        void keysRemoved(WorkerPod pod);

        void finished(String podUid);

        /** In this process's memory only (tests, and a control object that does not exist). */
        static Progress inMemory() {
            Set<String> uids = java.util.concurrent.ConcurrentHashMap.newKeySet();
            return new Progress() {
                @Override
                public boolean keysRemoved(String podUid) {
                    return uids.contains(podUid);
                }

                @Override
                public void keysRemoved(WorkerPod pod) {
                    uids.add(pod.uid());
                }

                @Override
                public void finished(String podUid) {
                    uids.remove(podUid);
                }
            };
        }
    }

    private final boolean requireLeaseExpired;
    private final UnaccountedHeartbeats unaccounted;
    private final Progress progress;

    public RemediationPlanner(boolean requireLeaseExpired, UnaccountedHeartbeats unaccounted) {
        this(requireLeaseExpired, unaccounted, Progress.inMemory());
    }

    public RemediationPlanner(boolean requireLeaseExpired, UnaccountedHeartbeats unaccounted, Progress progress) {
        this.requireLeaseExpired = requireLeaseExpired;
        this.unaccounted = unaccounted;
        this.progress = progress;
    }

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

    /** The keys of this removal are gone, its pod is next: kept in the cluster until the pod is gone too. */
    public void keysRemoved(Remediation removal) {
        progress.keysRemoved(removal.pod());
    }

    /** The removal's pod is gone (deleted, already gone, or replaced): nothing is left to finish. */
    public void removalFinished(Remediation removal) {
        progress.finished(removal.pod().uid());
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
        if (progress.keysRemoved(pod.uid())) {
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

    /**
     * An operator's request to remove {@code pod} ({@link RemovalRequest}), through the safeguards: never while a
     * registration of the pod still heartbeats (its lease is alive), never when its node is Ready or it is opted
     * out, never when a registration also belongs to another pod; otherwise a removal that names what it bypasses
     * ({@code bypassed}: what this cycle would have refused it for, the pipeline's; and the plan's own refusal).
     */
    public Remediation requested(WorkerPod pod, WorkerMatching matching, Set<String> candidates, List<String> bypassed,
                                 boolean optedOut) {
        RemovalRequest request = pod.request();
        String asked = "removal asked by " + request.requestedBy() + " (" + RemovalRequest.ANNOTATION + "="
                + request.reason() + ")";
        List<Registration> workers = matching.of(pod.uid());
        if ("True".equals(pod.node().readyStatus()) || optedOut) {
            return new Remediation(pod, Remediation.Verdict.REQUEST_REFUSED, workers, asked + " refused: "
                    + (optedOut ? "the pod or its node carries " + OptOut.KEY + "=true"
                    : "node " + pod.node().name() + " is Ready, and a worker is removed only from a node that is not")
                    + "; withdraw it with: " + RemovalRequest.withdraw(pod.identity()), request, List.of());
        }
        List<Registration> live = workers.stream().filter(Registration::live).toList();
        if (!live.isEmpty()) {
            return new Remediation(pod, Remediation.Verdict.STILL_HEARTBEATING, workers, asked + " waits: worker "
                    + ids(live) + " still renews its etcd lease (" + live.get(0).heartbeat().key() + " exists); a"
                    + " worker whose lease lives is never removed", request, List.of());
        }
        List<Registration> shared = workers.stream()
                .filter(w -> w.owners().stream().anyMatch(uid -> !candidates.contains(uid))).toList();
        if (!shared.isEmpty()) {
            return new Remediation(pod, Remediation.Verdict.AMBIGUOUS, workers, asked + " refused: worker "
                    + ids(shared) + " also matches a worker pod that is not being removed: cannot tell whose it is",
                    request, List.of());
        }
        List<String> skipped = new ArrayList<>(bypassed);
        Remediation plain = planOne(pod, matching, candidates);
        if (!plain.isRemoval()) {
            skipped.add(plain.verdict() + " (" + plain.detail() + ")");
        }
        return new Remediation(pod, Remediation.Verdict.REMOVE, workers, asked + (workers.isEmpty()
                ? ": no registration is left at its address, the pod alone is removed"
                : ": worker " + ids(workers) + " no longer heartbeats") + (skipped.isEmpty() ? ""
                : "; bypassing " + String.join("; ", skipped)), request, skipped);
    }

    private static String ids(List<Registration> workers) {
        return workers.stream().map(Registration::id).collect(Collectors.joining(", "));
    }
}
