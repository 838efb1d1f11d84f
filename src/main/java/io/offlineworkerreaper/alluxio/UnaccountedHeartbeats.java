package io.offlineworkerreaper.alluxio;

/**
 * {@code reaper.alluxio.unaccounted-heartbeats}: what to do with worker pods that have no registration while some
 * live heartbeat matches no pod.
 */
public enum UnaccountedHeartbeats {
    /** Remove no such pod until every live heartbeat is accounted for or has expired. */
    REFUSE,
    /** Remove them all the same: for clusters whose workers also run outside Kubernetes. */
    IGNORE
}
