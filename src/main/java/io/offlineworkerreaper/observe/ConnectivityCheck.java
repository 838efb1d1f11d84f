package io.offlineworkerreaper.observe;

import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;

import io.offlineworkerreaper.settings.SecretMasker;
import io.offlineworkerreaper.text.Errors;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness under {@code /observe/health/ready}: DOWN while the Kubernetes API server or etcd cannot be reached
 * with the reaper's own credentials. Each look is one cheap call (a node list of one item, a read of one etcd
 * key), bounded by reaper.kubernetes.timeout and reaper.etcd.timeout, and answers the probes for
 * {@link #REFRESH_EVERY}. With leader election on, a replica that is
 * not ready cannot become leader (Camel's cluster service counts only Ready pods).
 */
public final class ConnectivityCheck extends AbstractHealthCheck {

    /** One probe: returns normally when reachable, throws with the reason otherwise. */
    public interface Probe {
        void run() throws Exception;
    }

    /** How long one look at the API server and etcd answers the probes. */
    public static final Duration REFRESH_EVERY = Duration.ofSeconds(5);

    private final Probe kubernetes;
    private final Probe etcd;
    private final SecretMasker masker;
    private final LongSupplier nanoTime;
    private long checkedAt;
    private boolean checked;
    private String api;
    private String store;

    public ConnectivityCheck(Probe kubernetes, Probe etcd, SecretMasker masker) {
        this(kubernetes, etcd, masker, System::nanoTime);
    }

    ConnectivityCheck(Probe kubernetes, Probe etcd, SecretMasker masker, LongSupplier nanoTime) {
        super("reaper", "connectivity");
        this.kubernetes = kubernetes;
        this.etcd = etcd;
        this.masker = masker;
        this.nanoTime = nanoTime;
    }

    @Override
    public boolean isLiveness() {
        return false; // an unreachable etcd is no reason to restart the reaper
    }

    /**
     * Answers from the last look at the API server and etcd, taken again at most every {@link #REFRESH_EVERY}:
     * however often the management port is probed (the kubelet, a curious client, a flood), it costs the API server
     * and etcd at most one call each per interval. Concurrent probes wait for the one look under way.
     */
    @Override
    protected synchronized void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        long now = nanoTime.getAsLong();
        if (!checked || now - checkedAt >= REFRESH_EVERY.toNanos()) {
            api = attempt(kubernetes);
            store = attempt(etcd);
            checkedAt = nanoTime.getAsLong();
            checked = true;
        }
        builder.detail("kubernetes", api == null ? "reachable" : api);
        builder.detail("etcd", store == null ? "reachable" : store);
        if (api == null && store == null) {
            builder.up();
        } else {
            builder.message((api != null ? "Kubernetes API: " + api : "")
                    + (api != null && store != null ? "; " : "") + (store != null ? "etcd: " + store : ""));
            builder.down();
        }
    }

    private String attempt(Probe probe) {
        try {
            probe.run();
            return null;
        } catch (Exception e) {
            return masker.mask(Errors.rootMessage(e));
        }
    }
}
