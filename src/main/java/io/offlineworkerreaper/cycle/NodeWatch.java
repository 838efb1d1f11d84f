package io.offlineworkerreaper.cycle;

import java.util.List;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.offlineworkerreaper.decision.NodeReadiness;
import io.offlineworkerreaper.kubernetes.NodeConditions;
import io.offlineworkerreaper.kubernetes.NodeSource;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watch mode, Kubernetes side: a fabric8 informer on the nodes that starts a cycle as soon as a node turns
 * NotReady (once it has been for reaper.nodes.not-ready-for) or Ready again. The informer lists, then
 * watches; after a dropped watch it watches again, and after 410 Gone (its resourceVersion too old) it
 * lists again, so no change is lost. Camel's kubernetes-nodes consumer gives up after a watch error, hence
 * this class. The informer keeps only what the reaper reads of a node ({@link NodeSource#slim}), not whole
 * nodes: 5,000 nodes' images and capacities would otherwise stay in the heap. While it watches, cycles take
 * their nodes from this cache ({@link NodeSource}): a healthy cycle then costs no API request.
 */
public final class NodeWatch extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(NodeWatch.class);

    static final long LIST_PAGE = 500;

    private final KubernetesClient client;
    private final NodeReadiness readiness;
    private final CycleScheduler cycles;
    private volatile SharedIndexInformer<Node> informer;
    private final StuckWatch stuck = new StuckWatch("Node watch", java.time.Clock.systemUTC(),
            StuckWatch.LIMIT);

    public NodeWatch(KubernetesClient client, NodeReadiness readiness, CycleScheduler cycles) {
        this.client = client;
        this.readiness = readiness;
        this.cycles = cycles;
    }

    @Override
    protected void doStart() {
        startInformer();
        stuck.start(this::isWatching, this::restart);
    }

    private void startInformer() {
        // lists in pages of 500: 5,000 whole nodes in one answer (64 MB) do not fit the Deployment's heap
        informer = client.nodes().withLimit(LIST_PAGE).runnableInformer(0);
        informer.itemStore(new SlimStore<>(node -> node.getMetadata().getName(), NodeSource::slim));
        informer.exceptionHandler((started, error) -> {
            LOG.warn("Node watch: {} ({}); the informer retries, and cycles still run every check-interval",
                    error.getMessage(), started ? "watching" : "listing");
            return true;
        });
        informer.addEventHandler(new ResourceEventHandler<Node>() {
            @Override
            public void onAdd(Node node) {
                changed(null, node);
            }

            @Override
            public void onUpdate(Node before, Node after) {
                changed(before, after);
            }

            @Override
            public void onDelete(Node node, boolean finalStateUnknown) {
                // a deleted node takes its pods with it; the next cycle sees the rest
            }
        });
        informer.start().whenComplete((ok, error) -> {
            if (error == null) {
                LOG.info("Node watch: listing done, watching {} nodes", informer.getStore().list().size());
            }
        });
    }

    /** True once the informer has listed the nodes and is watching them. */
    public boolean isWatching() {
        SharedIndexInformer<Node> current = informer;
        return current != null && current.hasSynced() && current.isWatching();
    }

    /** The informer's readiness-only nodes while it is watching; null otherwise (the cycle then lists). */
    public List<Node> cached() {
        if (isWatching()) {
            return informer.getStore().list();
        }
        return null;
    }

    void changed(Node before, Node after) {
        String name = after.getMetadata() == null ? null : after.getMetadata().getName();
        if (name == null || Objects.equals(readyState(before), readyState(after))) {
            return;
        }
        readiness.dueIn(after).ifPresentOrElse(
                due -> cycles.triggerAfter(due, "node " + name + " is NotReady for reaper.nodes.not-ready-for"),
                () -> {
                    if (before != null && NodeConditions.isReady(after)) {
                        cycles.trigger("node " + name + " is Ready again");
                    }
                });
    }

    private static List<String> readyState(Node node) {
        NodeCondition ready = node == null ? null : NodeConditions.ready(node);
        return ready == null ? null : java.util.Arrays.asList(ready.getStatus(), ready.getLastTransitionTime());
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
