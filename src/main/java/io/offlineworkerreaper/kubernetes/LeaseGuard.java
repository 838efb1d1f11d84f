package io.offlineworkerreaper.kubernetes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last check before every destructive call (an etcd delete, a pod delete, a node action) with leader election
 * on: this replica must still hold the Lease, renewed within the renew deadline. Camel's leader election stops the
 * cycle route when it notices a lost Lease, but only at its next renewal attempt: a replica paused by a long GC, a
 * frozen VM or a partition can wake up mid-cycle after another replica took over, and must not act on what it read
 * before. It reads the Lease from the API server (one GET per destructive call, never from a cache) and refuses,
 * with the reason, when it is not the holder or its last renewal is older than the renew deadline. Standalone
 * (leader election off): no check.
 */
public final class LeaseGuard {

    /** What a replica that is not (or may no longer be) the leader throws instead of acting. */
    public static final class NotLeaderException extends IllegalStateException {
        public NotLeaderException(String message) {
            super(message);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(LeaseGuard.class);

    /** Leader election off: this process is the only one that acts. */
    public static final LeaseGuard STANDALONE = new LeaseGuard(null, null, null, null, null, null);

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final String holder;
    private final Duration renewDeadline;
    private final Clock clock;

    public LeaseGuard(KubernetesClient client, String namespace, String name, String holder, Duration renewDeadline,
                      Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.holder = holder;
        this.renewDeadline = renewDeadline;
        this.clock = clock;
    }

    /** Returns when this replica may act; throws {@link NotLeaderException}, saying why, when it may not. */
    public void confirm(String action) {
        if (client == null) {
            return;
        }
        String why = whyNot(client.leases().inNamespace(namespace).withName(name).get(), clock.instant());
        if (why != null) {
            LOG.error("Not going to {}: {}", action, why);
            throw new NotLeaderException("not going to " + action + ": " + why);
        }
    }

    /** Why this replica may not act on this Lease now, or null when it may. */
    String whyNot(Lease lease, Instant now) {
        LeaseSpec spec = lease == null ? null : lease.getSpec();
        if (spec == null) {
            return "the Lease " + namespace + "/" + name + " is gone: this replica is not the leader";
        }
        if (!holder.equals(spec.getHolderIdentity())) {
            return "this replica (" + holder + ") no longer holds the Lease " + namespace + "/" + name
                    + " (holder: " + spec.getHolderIdentity() + ")";
        }
        if (spec.getRenewTime() == null) {
            return "the Lease " + namespace + "/" + name + " has no renewTime: cannot tell that it is still held";
        }
        Instant renewed = spec.getRenewTime().toInstant();
        if (renewed.plus(renewDeadline).isBefore(now)) {
            return "this replica last renewed the Lease " + namespace + "/" + name + " at " + renewed
                    + ", longer ago than the renew deadline (" + renewDeadline + "): another replica may lead now";
        }
        return null;
    }
}
