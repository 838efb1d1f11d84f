package io.offlineworkerreaper.cycle;

import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.offlineworkerreaper.alluxio.WorkerRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a cycle may take from memory instead of asking the API server and etcd (bean {@code caches}): in watch
 * mode, the worker pods ({@link WorkerPodWatch}) and the registry ({@link RegistryWatch}) while they are watched;
 * null otherwise, and always in poll mode: the cycle then lists and reads, as it always did.
 */
public final class WatchCaches {

    private static final Logger LOG = LoggerFactory.getLogger(WatchCaches.class);

    /**
     * How long a cycle waits for a watch that has not listed yet (the first cycles after startup) before it lists
     * itself: listing while the informer lists holds the same objects twice (15,000 pods: OutOfMemoryError).
     */
    static final java.time.Duration SYNC_WAIT = java.time.Duration.ofSeconds(20);

    private final WorkerPodWatch pods;
    private final RegistryWatch registry;
    private final NodeWatch nodes;
    private volatile boolean synced;

    /** Poll mode: nothing cached. */
    public WatchCaches() {
        this(null, null, null);
    }

    public WatchCaches(WorkerPodWatch pods, RegistryWatch registry, NodeWatch nodes) {
        this.pods = pods;
        this.registry = registry;
        this.nodes = nodes;
    }

    /** The nodes, readiness-only, or null when the cycle must list them ({@code NodeSource}). */
    public List<io.fabric8.kubernetes.api.model.Node> nodes() {
        awaitFirstSync();
        return nodes == null ? null : nodes.cached();
    }

    /** The worker pods, slim, or null when the cycle must list them. */
    public List<Pod> workerPods() {
        awaitFirstSync();
        return pods == null ? null : pods.cached();
    }

    /** Once, for the first cycles: waits up to {@link #SYNC_WAIT} for the three watches to have listed. */
    private void awaitFirstSync() {
        if (synced || pods == null) {
            return;
        }
        long until = System.nanoTime() + SYNC_WAIT.toNanos();
        while (!(pods.isWatching() && registry.isWatching() && nodes.isWatching()) && System.nanoTime() < until) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        synced = true; // later, a watch that is down makes the cycle list at once
        if (nodes.isWatching() && nodes.cached().size() >= RETURN_HEAP_FROM_NODES) {
            returnListingMemory();
        }
    }

    /**
     * From this many nodes the initial lists grew the heap by more than it keeps (at 5,000 nodes 207 MiB committed
     * for 57 in use); below it there is little to give back, and four full collections would only pause the JVM.
     */
    static final int RETURN_HEAP_FROM_NODES = 500;

    /** Once per process: in the tests many reapers share one JVM, and its heap is theirs together. */
    private static final java.util.concurrent.atomic.AtomicBoolean HEAP_RETURNED = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Once, when the watches have listed: the heap the initial lists grew (pages of whole nodes and pods, the
     * registry's answer) is given back to the system. SerialGC resizes the heap only after a full collection, a
     * watch-mode reaper allocates too little afterwards to have one, and it shrinks in steps (0, 10, 40 then
     * 100 % of the excess over four collections); so the free-ratio bounds (manageable flags) are lowered for this
     * process and four collections run. Poll mode keeps the JVM's defaults: it lists 64 MB every cycle at 5,000
     * nodes and would shrink and grow again. Measured at 5,000 nodes: docs/BENCHMARKS.md.
     */
    private static void returnListingMemory() {
        if (HEAP_RETURNED.getAndSet(true)) {
            return;
        }
        Runtime runtime = Runtime.getRuntime();
        long before = runtime.totalMemory();
        try {
            com.sun.management.HotSpotDiagnosticMXBean vm = java.lang.management.ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            vm.setVMOption("MinHeapFreeRatio", "10");
            vm.setVMOption("MaxHeapFreeRatio", "20");
        } catch (RuntimeException e) {
            LOG.info("Heap bounds left as they are: {}", e.getMessage());
        }
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        LOG.info("Watches listed: heap {} MiB committed before, {} MiB after the collections ({} MiB in use)",
                before >> 20, runtime.totalMemory() >> 20, (runtime.totalMemory() - runtime.freeMemory()) >> 20);
    }

    /** Whether the cycle takes the worker pods from the pod watch (watch mode, while it watches). */
    public boolean workerPodsWatched() {
        awaitFirstSync();
        return pods != null && pods.isWatching();
    }

    /** Whether the cycle takes the registry from the registry watch (watch mode, while it watches). */
    public boolean registryWatched() {
        awaitFirstSync();
        return registry != null && registry.isWatching();
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
