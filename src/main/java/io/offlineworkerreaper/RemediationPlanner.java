package io.offlineworkerreaper;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Matches worker pods on NotReady nodes to their Alluxio registrations and decides, for each, whether it is
 * proven dead. The etcd heartbeat has the last word: Kubernetes may call a node NotReady while the worker on
 * it still renews its lease (an API-server partition, a kubelet crash), and such a worker is left alone.
 */
public final class RemediationPlanner {

    private final boolean requireLeaseExpired;

    public RemediationPlanner(boolean requireLeaseExpired) {
        this.requireLeaseExpired = requireLeaseExpired;
    }

    public List<Remediation> plan(List<WorkerPod> pods, WorkerRegistry authorized, WorkerRegistry heartbeats) {
        List<Remediation> plans = new ArrayList<>();
        for (WorkerPod pod : pods) {
            plans.add(planOne(pod, authorized, heartbeats));
        }
        return plans;
    }

    private Remediation planOne(WorkerPod pod, WorkerRegistry authorized, WorkerRegistry heartbeats) {
        Set<String> ids = new LinkedHashSet<>();
        authorized.withHost(pod.ip()).forEach(e -> ids.add(e.id()));
        heartbeats.withHost(pod.ip()).forEach(e -> ids.add(e.id()));
        if (ids.size() > 1) {
            return Remediation.refusal(pod, Remediation.Verdict.AMBIGUOUS, null,
                    "workers " + String.join(", ", ids) + " all claim address " + pod.ip()
                            + ": not touching any of them");
        }
        String id = ids.isEmpty() ? null : ids.iterator().next();
        String heartbeatKey = id == null ? null : heartbeats.withId(id).map(WorkerEntry::key).orElse(null);
        if (heartbeatKey != null && requireLeaseExpired) {
            return Remediation.refusal(pod, Remediation.Verdict.STILL_HEARTBEATING, id,
                    "worker " + id + " still renews its etcd lease (" + heartbeatKey + " exists) although node "
                            + pod.node().name() + " is NotReady: waiting until the lease expires");
        }
        String authorizedKey = id == null ? null : authorized.withId(id).map(WorkerEntry::key).orElse(null);
        String detail = id == null
                ? "no Alluxio worker is registered for " + pod.ip() + ": only the pod is removed"
                : "worker " + id + " at " + pod.ip() + " is offline";
        return new Remediation(pod, Remediation.Verdict.REMOVE, id, heartbeatKey, authorizedKey, detail);
    }
}
