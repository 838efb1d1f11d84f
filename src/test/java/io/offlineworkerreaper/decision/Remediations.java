package io.offlineworkerreaper.decision;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.offlineworkerreaper.alluxio.AlluxioKeys;
import io.offlineworkerreaper.alluxio.WorkerEntry;
import io.offlineworkerreaper.alluxio.WorkerMatching;
import io.offlineworkerreaper.demo.ClusterObjects;
import io.offlineworkerreaper.kubernetes.NotReadyNode;
import io.offlineworkerreaper.kubernetes.PodIdentity;
import io.offlineworkerreaper.kubernetes.WorkerPod;

/** Small named builders of decisions, for the tests of what is done with them (notices, caps, deletes). */
public final class Remediations {

    private Remediations() {
    }

    /** A worker pod with this address on {@code node}, not on hostNetwork. */
    public static WorkerPod aWorkerPod(String name, String uid, String ip, NotReadyNode node) {
        return new WorkerPod(new PodIdentity("default", name, uid, node.name(), ip, ClusterObjects.nodeIp(node.name()),
                false, null, Set.of(29999), Map.of(), "Running"), node);
    }

    /** A registration whose lease expired: only its /DHT key is left. */
    public static WorkerMatching.Registration aDeadWorker(String id, String host) {
        return new WorkerMatching.Registration(id,
                WorkerEntry.of(id, AlluxioKeys.authorizedKey("default-alluxio", id), host, null, 29999), null, List.of());
    }

    /** A registration that still heartbeats. */
    public static WorkerMatching.Registration aLiveWorker(String id, String host) {
        return new WorkerMatching.Registration(id,
                WorkerEntry.of(id, AlluxioKeys.authorizedKey("default-alluxio", id), host, null, 29999),
                WorkerEntry.of(id, AlluxioKeys.heartbeatKey("default-alluxio", id), host, null, 29999), List.of());
    }
}
