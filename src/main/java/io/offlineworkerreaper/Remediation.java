package io.offlineworkerreaper;

import java.util.ArrayList;
import java.util.List;

/**
 * What the reaper decided for one worker pod on a NotReady node.
 *
 * @param pod           the worker pod
 * @param verdict       act or refuse, and why
 * @param workerId      the Alluxio worker id registered for the pod's address, or null when none is
 * @param heartbeatKey  the /ServiceDiscovery key to delete first, or null (absent, or refused)
 * @param authorizedKey the /DHT/.../AUTHORIZED key to delete next, or null (absent, or refused)
 * @param detail        one sentence explaining the verdict
 */
public record Remediation(WorkerPod pod, Verdict verdict, String workerId, String heartbeatKey,
                          String authorizedKey, String detail) {

    public enum Verdict {
        /** Remove the worker's etcd keys, then force-delete the pod. */
        REMOVE,
        /** The worker's /ServiceDiscovery key still exists: its lease is alive, do not act. */
        STILL_HEARTBEATING,
        /** Several workers claim the pod's address: acting could remove the wrong one. */
        AMBIGUOUS
    }

    static Remediation refusal(WorkerPod pod, Verdict verdict, String workerId, String detail) {
        return new Remediation(pod, verdict, workerId, null, null, detail);
    }

    public boolean isRemoval() {
        return verdict == Verdict.REMOVE;
    }

    /** The etcd keys this remediation deletes, in the order it deletes them. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>(2);
        if (heartbeatKey != null) {
            keys.add(heartbeatKey);
        }
        if (authorizedKey != null) {
            keys.add(authorizedKey);
        }
        return keys;
    }

    /** The worker id for messages: the id, or a note that none is registered. */
    public String workerIdText() {
        return workerId == null ? "(no etcd registration)" : workerId;
    }

    /** Identifies this pod's situation for de-duplicating notices across cycles. */
    public String announcementKey() {
        return verdict + ":" + pod.uid() + ":" + workerId;
    }

    @Override
    public String toString() {
        return verdict + " worker " + workerIdText() + " of pod " + pod.qualifiedName() + ": " + detail;
    }
}
