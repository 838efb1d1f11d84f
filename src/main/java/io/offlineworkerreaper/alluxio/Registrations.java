package io.offlineworkerreaper.alluxio;

import java.util.List;

import io.etcd.jetcd.kv.GetResponse;
import io.offlineworkerreaper.kubernetes.PodIdentity;

/**
 * The routes' door to the Alluxio registry decisions (bean {@code registrations}): turns what etcd answered into
 * {@link WorkerRegistry}, {@link WorkerMatching} and {@link AlluxioClusters}, so that no route names a Java type.
 */
public final class Registrations {

    /** The registrations under one prefix, read by the call-etcd route. */
    public WorkerRegistry read(GetResponse response, String prefix) {
        return WorkerRegistry.fromEtcd(response, prefix);
    }

    private final WorkerMatching.Memo memo = new WorkerMatching.Memo();

    /** Which worker pod each registration belongs to (worked out again only for what changed since the last cycle). */
    public synchronized WorkerMatching match(List<PodIdentity> pods, WorkerRegistry authorized,
                                             WorkerRegistry heartbeats) {
        return memo.matching(pods, authorized, heartbeats);
    }

}
