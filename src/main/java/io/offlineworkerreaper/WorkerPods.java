package io.offlineworkerreaper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Pod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks, among the listed worker pods, those scheduled on a NotReady node, with the address Alluxio knows them
 * by. A pod whose address is unknown cannot be matched to an etcd entry and is skipped with a warning.
 */
public final class WorkerPods {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerPods.class);

    private final String namespace;

    public WorkerPods(String namespace) {
        this.namespace = namespace;
    }

    public List<WorkerPod> onNotReadyNodes(List<Pod> pods, List<NotReadyNode> notReadyNodes) {
        Map<String, NotReadyNode> byName = notReadyNodes.stream()
                .collect(Collectors.toMap(NotReadyNode::name, Function.identity()));
        List<WorkerPod> found = new ArrayList<>();
        for (Pod pod : pods == null ? List.<Pod>of() : pods) {
            if (pod.getMetadata() == null || !namespace.equals(pod.getMetadata().getNamespace())) {
                continue; // the API was asked for this namespace only; never act outside it
            }
            String name = pod.getMetadata().getName();
            String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
            NotReadyNode node = nodeName == null ? null : byName.get(nodeName);
            if (node == null) {
                continue;
            }
            if (OptOut.isExcluded(pod)) {
                LOG.info("Worker pod {}/{} on NotReady node {} carries {}=true: leaving it alone", namespace, name,
                        nodeName, OptOut.KEY);
                continue;
            }
            boolean hostNetwork = Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
            String ip = pod.getStatus() == null ? null
                    : hostNetwork ? pod.getStatus().getHostIP() : pod.getStatus().getPodIP();
            String phase = pod.getStatus() == null ? "Unknown" : pod.getStatus().getPhase();
            if (ip == null || ip.isBlank()) {
                LOG.warn("Worker pod {}/{} on NotReady node {} has no {}: cannot match it to an Alluxio worker,"
                        + " skipping it", namespace, name, nodeName, hostNetwork ? "host IP" : "pod IP");
                continue;
            }
            found.add(new WorkerPod(namespace, name, pod.getMetadata().getUid(), ip, phase, node));
        }
        return found;
    }
}
