package io.offlineworkerreaper.kubernetes;

import java.time.Duration;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * The Kubernetes client, found the kubectl way (KUBECONFIG, then ~/.kube/config, then the in-cluster service
 * account) and bounded: every request times out after {@code reaper.kubernetes.timeout}, and fabric8's own
 * retries (10 by default, with exponential backoff: over a minute on a persistent 500) are cut to one, since
 * the routes retry calls out themselves.
 */
public final class KubernetesAccess {

    private KubernetesAccess() {
    }

    public static KubernetesClient connect(Duration timeout) {
        return new KubernetesClientBuilder().withConfig(bounded(Config.autoConfigure(null), timeout)).build();
    }

    /** The same configuration with the reaper's bounds, for a client built elsewhere (tests, demo). */
    public static Config bounded(Config base, Duration timeout) {
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        return new ConfigBuilder(base)
                .withRequestTimeout(millis)
                .withConnectionTimeout(millis)
                .withRequestRetryBackoffLimit(1)
                .withRequestRetryBackoffInterval(200)
                .build();
    }
}
