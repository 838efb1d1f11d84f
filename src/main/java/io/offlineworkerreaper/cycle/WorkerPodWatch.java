package io.offlineworkerreaper.cycle;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.offlineworkerreaper.decision.WorkerPods;
import io.offlineworkerreaper.kubernetes.RemovalRequest;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watch mode: the worker pods (reaper.workers.namespace, reaper.workers.selector) kept by a fabric8 informer, so
 * that a cycle started by a watch lists nothing: it takes the pods from here while the informer watches, as it
 * takes the nodes from {@link NodeWatch}. The informer keeps only what the reaper reads of a pod
 * ({@link WorkerPods#slim}). It lists, then watches; after a dropped watch it watches again, after 410 Gone it
 * lists again. Whatever a cycle decides from this cache is confirmed before anything is deleted: the pod is
 * re-read (uid, node) and the keys go in a transaction guarded by the heartbeat's absence.
 */
public final class WorkerPodWatch extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerPodWatch.class);

    private final KubernetesClient client;
    private final String namespace;
    private final Map<String, String> selector;
    private final CycleScheduler cycles;
    private volatile SharedIndexInformer<Pod> informer;
    private final StuckWatch stuck = new StuckWatch("Worker pod watch", java.time.Clock.systemUTC(),
            StuckWatch.LIMIT);
    private SlimStore<Pod> store;

    public WorkerPodWatch(KubernetesClient client, String namespace, Map<String, String> selector) {
        this(client, namespace, selector, null);
    }

    /** {@code cycles}: started at once when an operator asks for a worker's removal (null: not). */
    public WorkerPodWatch(KubernetesClient client, String namespace, Map<String, String> selector,
                          CycleScheduler cycles) {
        this.client = client;
        this.namespace = namespace;
        this.selector = Map.copyOf(selector);
        this.cycles = cycles;
    }

    /** A removal asked for, or its reason changed: the next cycle answers it now, not at the next interval. */
    void changed(Pod before, Pod after) {
        RemovalRequest asked = RemovalRequest.of(after);
        RemovalRequest was = before == null ? null : RemovalRequest.of(before);
        if (cycles != null && asked != null && (was == null || !was.reason().equals(asked.reason()))) {
            cycles.trigger("removal asked for pod " + after.getMetadata().getNamespace() + "/"
                    + after.getMetadata().getName() + " (" + RemovalRequest.ANNOTATION + ")");
        }
    }

    @Override
    protected void doStart() {
        startInformer();
        stuck.start(this::isWatching, this::restart);
    }

    private void startInformer() {
        informer = client.pods().inNamespace(namespace).withLabels(selector).withLimit(NodeWatch.LIST_PAGE)
                .runnableInformer(0);
        store = new SlimStore<>(pod -> pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(),
                WorkerPods::slim);
        informer.itemStore(store);
        informer.exceptionHandler((started, error) -> {
            LOG.warn("Worker pod watch: {} ({}); the informer retries, and cycles list the pods meanwhile",
                    error.getMessage(), started ? "watching" : "listing");
            return true;
        });
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                changed(null, pod);
            }

            @Override
            public void onUpdate(Pod before, Pod after) {
                changed(before, after);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
            }
        });
        informer.start().whenComplete((ok, error) -> {
            if (error == null) {
                LOG.info("Worker pod watch: listing done, watching {} pods in {}", informer.getStore().list().size(),
                        namespace);
            }
        });
    }

    /** True once the informer has listed the worker pods and is watching them. */
    public boolean isWatching() {
        SharedIndexInformer<Pod> current = informer;
        return current != null && current.hasSynced() && current.isWatching();
    }

    /** The informer's slim worker pods while it is watching; null otherwise (the cycle then lists them). */
    public List<Pod> cached() {
        if (isWatching()) {
            return store.snapshot();
        }
        return null;
    }

    /** A new informer in place of one that has not watched for {@link StuckWatch#LIMIT}. */
    private synchronized void restart() {
        if (isStarted()) {
            informer.stop();
            startInformer();
        }
    }

    @Override
    protected void doStop() {
        stuck.stop();
        if (informer != null) {
            informer.stop();
        }
    }
}
