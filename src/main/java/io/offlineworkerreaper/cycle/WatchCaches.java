package io.offlineworkerreaper.cycle;

import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.offlineworkerreaper.alluxio.WorkerRegistry;

/**
 * What a cycle may take from memory instead of asking the API server and etcd (bean {@code caches}): in watch
 * mode, the worker pods ({@link WorkerPodWatch}) and the registry ({@link RegistryWatch}) while they are watched;
 * null otherwise, and always in poll mode: the cycle then lists and reads, as it always did.
 */
public final class WatchCaches {

    private final WorkerPodWatch pods;
    private final RegistryWatch registry;

    /** Poll mode: nothing cached. */
    public WatchCaches() {
        this(null, null);
    }

    public WatchCaches(WorkerPodWatch pods, RegistryWatch registry) {
        this.pods = pods;
        this.registry = registry;
    }

    /** The worker pods, slim, or null when the cycle must list them. */
    public List<Pod> workerPods() {
        return pods == null ? null : pods.cached();
    }

    /** /DHT/&lt;cluster&gt;/AUTHORIZED/, or null when the cycle must read it. */
    public WorkerRegistry authorized() {
        return registry == null ? null : registry.authorized();
    }

    /** /ServiceDiscovery/&lt;cluster&gt;/, or null when the cycle must read it. */
    public WorkerRegistry heartbeats() {
        return registry == null ? null : registry.heartbeats();
    }
}
