package io.offlineworkerreaper.kubernetes;

import java.util.Map;

import io.fabric8.kubernetes.client.KubernetesClient;

/** What this package gives the routes and the other packages once the client is connected. */
public record KubernetesBeans(KubernetesClient client, NodeSource nodeSource, PodReaper podReaper, LeaseGuard lease) {

    /** {@code lease}: confirmed before every delete (leader election), or {@link LeaseGuard#STANDALONE}. */
    public static KubernetesBeans create(KubernetesClient client, LeaseGuard lease) {
        return new KubernetesBeans(client, new NodeSource(client), new PodReaper(client, lease), lease);
    }

    /** The beans the routes name. */
    public Map<String, Object> named() {
        return Map.of("nodeSource", nodeSource, "podReaper", podReaper);
    }
}
