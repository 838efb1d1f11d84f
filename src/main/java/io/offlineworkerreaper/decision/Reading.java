package io.offlineworkerreaper.decision;

import java.util.List;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.Pod;
import io.offlineworkerreaper.alluxio.WorkerRegistry;

/**
 * What one cycle read of the workers: their pods from the API server (or the pod watch), and both etcd prefixes of
 * the Alluxio cluster (or the registry watch).
 *
 * @param workerPods the pods matching reaper.workers.selector in reaper.workers.namespace
 * @param authorized the registrations under /DHT/&lt;cluster&gt;/AUTHORIZED/
 * @param heartbeats the live heartbeats under /ServiceDiscovery/&lt;cluster&gt;/
 */
public record Reading(List<Pod> workerPods, WorkerRegistry authorized, WorkerRegistry heartbeats) {

    public Reading {
        // a watch that stopped between "is it watching" and "what does it hold": the next cycle lists and reads
        Objects.requireNonNull(workerPods, "the worker pods were not read (their watch stopped during the cycle)");
        Objects.requireNonNull(authorized, "the registrations were not read (their watch stopped during the cycle)");
        Objects.requireNonNull(heartbeats, "the heartbeats were not read (their watch stopped during the cycle)");
    }

    @Override
    public String toString() { // 5,000 pods are not a log line
        return workerPods.size() + " worker pod(s), " + authorized.entries().size() + " registration(s), "
                + heartbeats.entries().size() + " heartbeat(s)";
    }
}
