package io.offlineworkerreaper.observe;

import java.util.Map;

import io.offlineworkerreaper.notify.Notices;
import io.offlineworkerreaper.settings.SecretMasker;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness under {@code /observe/health/ready}: DOWN while the Kubernetes API server or etcd cannot be reached
 * with the reaper's own credentials. Each probe is one cheap call (a node list of one item, a read of one etcd
 * key), bounded by reaper.kubernetes.timeout and reaper.etcd.timeout. With leader election on, a replica that is
 * not ready cannot become leader (Camel's cluster service counts only Ready pods).
 */
public final class ConnectivityCheck extends AbstractHealthCheck {

    /** One probe: returns normally when reachable, throws with the reason otherwise. */
    public interface Probe {
        void run() throws Exception;
    }

    private final Probe kubernetes;
    private final Probe etcd;
    private final SecretMasker masker;

    public ConnectivityCheck(Probe kubernetes, Probe etcd, SecretMasker masker) {
        super("reaper", "connectivity");
        this.kubernetes = kubernetes;
        this.etcd = etcd;
        this.masker = masker;
    }

    @Override
    public boolean isLiveness() {
        return false; // an unreachable etcd is no reason to restart the reaper
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String api = attempt(kubernetes);
        String store = attempt(etcd);
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
            return masker.mask(Notices.rootMessage(e));
        }
    }
}
