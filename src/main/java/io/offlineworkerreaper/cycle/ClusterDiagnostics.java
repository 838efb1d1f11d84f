package io.offlineworkerreaper.cycle;

import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.offlineworkerreaper.alluxio.AlluxioClusters;
import io.offlineworkerreaper.alluxio.RegistryReader;
import io.offlineworkerreaper.decision.Inspection;

/** The reads a finding needs to suggest its fix, from the API server and etcd (bean {@code diagnostics}). */
public final class ClusterDiagnostics implements Inspection.Diagnostics {

    private final KubernetesClient client;
    private final String namespace;
    private final RegistryReader registry;

    public ClusterDiagnostics(KubernetesClient client, String namespace, RegistryReader registry) {
        this.client = client;
        this.namespace = namespace;
        this.registry = registry;
    }

    @Override
    public List<Pod> namespacePods() {
        return client.pods().inNamespace(namespace).list().getItems();
    }

    @Override
    public List<AlluxioClusters.Cluster> clusters() {
        return registry.clusters();
    }
}
