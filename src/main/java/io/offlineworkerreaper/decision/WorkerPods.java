package io.offlineworkerreaper.decision;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Pod;
import io.offlineworkerreaper.kubernetes.NotReadyNode;
import io.offlineworkerreaper.kubernetes.PodIdentity;
import io.offlineworkerreaper.kubernetes.RemovalRequest;
import io.offlineworkerreaper.kubernetes.WorkerPod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listed worker pods: all of them as identities (every live heartbeat must belong to one of them, on any
 * node), and those scheduled on a NotReady node as candidates for removal. A candidate whose address is unknown
 * has never run a worker that could register, and is skipped with a warning.
 */
public final class WorkerPods {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerPods.class);

    private final String namespace;

    public WorkerPods(String namespace) {
        this.namespace = namespace;
    }

    /**
     * The identities of the last call, by pod uid and resourceVersion (a pod's identity changes only with a new
     * version of it), so that each is worked out once per change, not once per pod and cycle (5,000 pods). Keyed
     * by strings, not by the pods: in poll mode holding the last cycle's whole pods would double them in memory.
     */
    private Map<String, PodIdentity> lastIdentities = new HashMap<>();

    /** The last {@link #identities}, and the pods of the namespace by node name: each for the list it came from. */
    private final KeptFor<List<PodIdentity>> lastIdentityList = new KeptFor<>();
    private final KeptFor<Map<String, List<Integer>>> byNode = new KeptFor<>();
    /** Where in a list the pods of the namespace that carry a removal request are: most lists have none. */
    private final KeptFor<List<Integer>> askedAt = new KeptFor<>();

    /**
     * What was worked out of one list of pods, for as long as the same list object is passed again: the watch's
     * cache hands out the same list while no worker pod changed, and then nothing is worked out again. The list is
     * held weakly: one that is not the cache's (poll mode lists whole pods every cycle) is gone with its cycle.
     */
    private static final class KeptFor<R> {
        private java.lang.ref.WeakReference<List<Pod>> list = new java.lang.ref.WeakReference<>(null);
        private R result;

        /** What was kept for this very list, or null. */
        R of(List<Pod> pods) {
            return pods != null && pods == list.get() ? result : null;
        }

        R keep(List<Pod> pods, R worked) {
            list = new java.lang.ref.WeakReference<>(pods);
            result = worked;
            return worked;
        }
    }

    /** Every listed worker pod of the namespace, opted-out ones included: they too account for heartbeats. */
    public synchronized List<PodIdentity> identities(List<Pod> pods) {
        List<PodIdentity> kept = lastIdentityList.of(pods);
        if (kept != null) {
            return kept;
        }
        Map<String, PodIdentity> known = lastIdentities;
        Map<String, PodIdentity> now = new HashMap<>();
        List<PodIdentity> identities = new ArrayList<>();
        for (Pod pod : inNamespace(pods)) {
            String version = pod.getMetadata().getUid() == null || pod.getMetadata().getResourceVersion() == null
                    ? null : pod.getMetadata().getUid() + "/" + pod.getMetadata().getResourceVersion();
            PodIdentity identity = version == null ? null : known.get(version);
            if (identity == null) {
                identity = PodIdentity.of(pod);
            }
            if (version != null) {
                now.put(version, identity);
            }
            identities.add(identity);
        }
        lastIdentities = now;
        return lastIdentityList.keep(pods, List.copyOf(identities));
    }

    /** The worker pods on these nodes, in the listed order, that can be matched and may be acted on. */
    public List<WorkerPod> onNotReadyNodes(List<Pod> pods, List<NotReadyNode> notReadyNodes) {
        if (pods == null) {
            return List.of();
        }
        Map<String, List<Integer>> index = podsByNode(pods);
        java.util.TreeSet<Integer> positions = new java.util.TreeSet<>(); // the listed order, as before
        notReadyNodes.forEach(n -> positions.addAll(index.getOrDefault(n.name(), List.of())));
        List<Pod> onThem = positions.stream().map(pods::get).toList();
        Map<String, NotReadyNode> byName = notReadyNodes.stream()
                .collect(Collectors.toMap(NotReadyNode::name, Function.identity()));
        List<WorkerPod> found = new ArrayList<>();
        for (Pod pod : onThem) {
            String name = pod.getMetadata().getName();
            String nodeName = pod.getSpec().getNodeName();
            NotReadyNode node = byName.get(nodeName);
            if (OptOut.isExcluded(pod)) {
                LOG.info("Worker pod {}/{} on NotReady node {} carries {}=true: leaving it alone", namespace, name,
                        nodeName, OptOut.KEY);
                continue;
            }
            PodIdentity identity = PodIdentity.of(pod);
            if (pod.getStatus() == null || identity.primaryAddress() == null) {
                LOG.warn("Worker pod {}/{} on NotReady node {} has no {}: cannot match it to an Alluxio worker,"
                        + " skipping it", namespace, name, nodeName, identity.hostNetwork() ? "host IP" : "pod IP");
                continue;
            }
            found.add(new WorkerPod(identity, node, RemovalRequest.of(pod)));
        }
        return found;
    }

    /**
     * The worker pods of the namespace an operator asked to remove ({@link RemovalRequest#ANNOTATION}), in the
     * listed order, each with its node as {@code down} has it, or as Ready when its node is not there (Ready, or not
     * considered). A pod without an address cannot be matched: it is skipped, as on a NotReady node.
     */
    public List<Requested> requested(List<Pod> pods, List<NotReadyNode> down) {
        Map<String, NotReadyNode> byName = down.stream().collect(Collectors.toMap(NotReadyNode::name,
                Function.identity()));
        List<Requested> found = new ArrayList<>();
        for (int position : askedAt(pods)) {
            Pod pod = pods.get(position);
            RemovalRequest request = RemovalRequest.of(pod);
            PodIdentity identity = PodIdentity.of(pod);
            if (identity.primaryAddress() == null) {
                LOG.warn("Removal asked for worker pod {} ({}), which has no address: cannot match it to an Alluxio"
                        + " worker, skipping it", identity.qualifiedName(), RemovalRequest.ANNOTATION);
                continue;
            }
            String nodeName = String.valueOf(identity.nodeName());
            NotReadyNode node = byName.getOrDefault(nodeName,
                    new NotReadyNode(nodeName, "True", java.time.Instant.EPOCH, java.time.Duration.ZERO));
            found.add(new Requested(new WorkerPod(identity, node, request), OptOut.isExcluded(pod)));
        }
        return found;
    }

    /** The positions of the pods of the namespace that carry a removal request; kept while the same list is passed. */
    private synchronized List<Integer> askedAt(List<Pod> pods) {
        List<Integer> kept = askedAt.of(pods);
        if (kept != null) {
            return kept;
        }
        List<Integer> positions = new ArrayList<>(0);
        for (int i = 0; pods != null && i < pods.size(); i++) { // every cycle's list: no stream
            Pod pod = pods.get(i);
            if (ofNamespace(pod) && pod.getMetadata().getAnnotations() != null
                    && pod.getMetadata().getAnnotations().containsKey(RemovalRequest.ANNOTATION)) {
                positions.add(i);
            }
        }
        return askedAt.keep(pods, List.copyOf(positions));
    }

    /** A worker pod an operator asked to remove; {@code optedOut}: it carries the opt-out too. */
    public record Requested(WorkerPod pod, boolean optedOut) {
    }

    /**
     * What the reaper reads of a worker pod, and nothing else, for the watch mode's cache: its identity
     * ({@link io.offlineworkerreaper.kubernetes.PodIdentity#of}: names, uid, node, addresses, hostNetwork, hostname,
     * container ports, labels, phase), the opt-out annotation, a removal request and who set it, its
     * resourceVersion and deletion state. Env,
     * volumes, probes and the rest of the spec are dropped: 15,000 whole worker pods would sit in the heap.
     */
    public static Pod slim(Pod pod) {
        var meta = pod.getMetadata();
        var spec = pod.getSpec();
        var status = pod.getStatus();
        java.util.Map<String, String> annotations = meta.getAnnotations() == null ? null
                : meta.getAnnotations().entrySet().stream()
                        .filter(e -> e.getKey().equals(OptOut.KEY) || e.getKey().equals(RemovalRequest.ANNOTATION))
                        .collect(Collectors.toMap(java.util.Map.Entry::getKey, java.util.Map.Entry::getValue));
        // who asked for a removal: the managedFields entry of the annotation, nothing else of them
        List<io.fabric8.kubernetes.api.model.ManagedFieldsEntry> managed = annotations == null
                || !annotations.containsKey(RemovalRequest.ANNOTATION) || meta.getManagedFields() == null ? null
                : meta.getManagedFields().stream().filter(RemovalRequest::holdsTheAnnotation).toList();
        var slim = new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata()
                .withNamespace(meta.getNamespace()).withName(meta.getName()).withUid(meta.getUid())
                .withResourceVersion(meta.getResourceVersion()).withDeletionTimestamp(meta.getDeletionTimestamp())
                .withLabels(meta.getLabels()).withAnnotations(annotations).withManagedFields(managed).endMetadata();
        if (spec != null) {
            List<io.fabric8.kubernetes.api.model.Container> containers = spec.getContainers() == null ? List.of()
                    : spec.getContainers().stream().map(c -> new io.fabric8.kubernetes.api.model.ContainerBuilder()
                            .withName(c.getName()).withPorts(c.getPorts() == null ? List.of() : c.getPorts().stream()
                                    .map(port -> new io.fabric8.kubernetes.api.model.ContainerPortBuilder()
                                            .withContainerPort(port.getContainerPort()).build()).toList())
                            .build()).toList();
            slim = slim.withNewSpec().withNodeName(spec.getNodeName()).withHostNetwork(spec.getHostNetwork())
                    .withHostname(spec.getHostname()).withContainers(containers).endSpec();
        }
        if (status != null) {
            slim = slim.withNewStatus().withPodIP(status.getPodIP()).withHostIP(status.getHostIP())
                    .withPhase(status.getPhase()).endStatus();
        }
        return slim.build();
    }

    /**
     * Where in {@code pods} the pods of the namespace are, by the name of their node; kept while the same list is
     * passed (positions, not pods: nothing of a poll-mode list outlives its cycle).
     */
    private synchronized Map<String, List<Integer>> podsByNode(List<Pod> pods) {
        Map<String, List<Integer>> kept = byNode.of(pods);
        if (kept != null) {
            return kept;
        }
        Map<String, List<Integer>> index = new HashMap<>();
        for (int i = 0; i < pods.size(); i++) {
            Pod pod = pods.get(i);
            String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
            if (nodeName != null && ofNamespace(pod)) {
                index.computeIfAbsent(nodeName, n -> new ArrayList<>(1)).add(i);
            }
        }
        return byNode.keep(pods, index);
    }

    private List<Pod> inNamespace(List<Pod> pods) {
        return (pods == null ? List.<Pod>of() : pods).stream().filter(this::ofNamespace).toList();
    }

    /** The API was asked for this namespace only; never act outside it. */
    private boolean ofNamespace(Pod pod) {
        return pod.getMetadata() != null && namespace.equals(pod.getMetadata().getNamespace());
    }
}
