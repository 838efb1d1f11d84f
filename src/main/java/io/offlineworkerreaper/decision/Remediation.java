package io.offlineworkerreaper.decision;

import java.util.ArrayList;
import java.util.List;

import io.offlineworkerreaper.alluxio.WorkerMatching;
import io.offlineworkerreaper.kubernetes.RemovalRequest;
import io.offlineworkerreaper.kubernetes.WorkerPod;
import io.offlineworkerreaper.text.Untrusted;

/**
 * What the reaper decided for one worker pod on a NotReady node.
 *
 * @param pod     the worker pod
 * @param verdict act or refuse, and why
 * @param workers the Alluxio registrations that belong to the pod (on a removal: those whose keys go)
 * @param detail  one sentence explaining the verdict
 * @param request the operator's removal request it answers ({@code offline-worker-reaper/remove}), or null
 * @param bypassed on a requested removal, the safeguards that would have refused it without the request
 */
public record Remediation(WorkerPod pod, Verdict verdict, List<WorkerMatching.Registration> workers, String detail,
                          RemovalRequest request, List<String> bypassed) {

    public enum Verdict {
        /** Remove the worker's etcd keys (all of those at its address), then force-delete the pod. */
        REMOVE,
        /** A registration of the pod still heartbeats (its /ServiceDiscovery key exists): its lease lives. */
        STILL_HEARTBEATING,
        /** A registration of the pod also belongs to a pod that is not being removed: cannot tell whose it is. */
        AMBIGUOUS,
        /** No registration matches the pod while some live heartbeat matches no pod: it may be this one's. */
        UNACCOUNTED_HEARTBEATS,
        /** The configured cluster has no registration at all while worker pods exist: a misconfiguration. */
        EMPTY_REGISTRY,
        /** Proven dead, but reaper.safety.max-removals-per-hour is spent: removed once the window allows. */
        BUDGET_SPENT,
        /** An operator asked to remove a worker whose pod does not qualify (its node is Ready, it is opted out). */
        REQUEST_REFUSED
    }

    public Remediation(WorkerPod pod, Verdict verdict, List<WorkerMatching.Registration> workers, String detail) {
        this(pod, verdict, workers, detail, null, List.of());
    }

    public Remediation {
        bypassed = List.copyOf(bypassed);
        workers = List.copyOf(workers);
        detail = Untrusted.line(detail, 4_096); // it quotes etcd values: one line, bounded, wherever it is shown
    }

    public static Remediation refusal(WorkerPod pod, Verdict verdict, List<WorkerMatching.Registration> workers,
                               String detail) {
        return new Remediation(pod, verdict, workers, detail);
    }

    public boolean isRemoval() {
        return verdict == Verdict.REMOVE;
    }

    /**
     * The etcd keys this remediation deletes, in the order it deletes them: every /ServiceDiscovery key first
     * (clients stop routing to the worker), then every /DHT key. Empty for a refusal.
     */
    public List<String> keys() {
        if (!isRemoval()) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        workers.stream().filter(WorkerMatching.Registration::live).forEach(w -> keys.add(w.heartbeat().key()));
        workers.stream().filter(w -> w.authorized() != null).forEach(w -> keys.add(w.authorized().key()));
        return keys;
    }

    /** The worker ids, for the audit log and Events; empty when none is registered for the pod. */
    public List<String> workerIds() {
        return workers.stream().map(WorkerMatching.Registration::id).toList();
    }

    /** The worker id (ids, comma-separated) for the audit log, or null when none is registered. */
    public String workerId() {
        return workers.isEmpty() ? null : String.join(", ", workerIds());
    }

    /** The worker id for messages: the id (ids), or a note that none is registered. */
    public String workerIdText() {
        return workers.isEmpty() ? "(no etcd registration)" : String.join(", ", workerIds());
    }

    /** Identifies this pod's situation for de-duplicating notices across cycles. */
    public String announcementKey() {
        return verdict + ":" + pod.uid() + ":" + String.join(",", workerIds());
    }

    @Override
    public String toString() {
        return verdict + " worker " + workerIdText() + " of pod " + pod.qualifiedName() + ": " + detail;
    }
}
