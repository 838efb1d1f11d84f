package io.offlineworkerreaper;

import java.time.Instant;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

/** Kubernetes objects as a kubelet and a scheduler would report them, for the demo cluster and the tests. */
public final class ClusterObjects {

    /** The labels Alluxio's Helm chart puts on worker pods; they match the default reaper.workers.selector. */
    public static final Map<String, String> WORKER_LABELS = Map.of("app", "alluxio", "role", "alluxio-worker");

    private ClusterObjects() {
    }

    /** A node whose Ready condition has had {@code status} (True, False, Unknown) since {@code since}. */
    public static Node node(String name, String status, Instant since) {
        return new NodeBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewStatus().withConditions(readyCondition(status, since)).endStatus()
                .build();
    }

    public static NodeCondition readyCondition(String status, Instant since) {
        String reason = switch (status) {
            case "True" -> "KubeletReady";
            case "Unknown" -> "NodeStatusUnknown";
            default -> "KubeletNotReady";
        };
        return new NodeConditionBuilder().withType("Ready").withStatus(status).withReason(reason)
                .withLastTransitionTime(since.toString()).withLastHeartbeatTime(since.toString()).build();
    }

    /** A running pod on {@code nodeName} with the given labels and pod IP. */
    public static Pod pod(String namespace, String name, String nodeName, String podIp, Map<String, String> labels) {
        return new PodBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).withLabels(labels)
                .withUid(java.util.UUID.nameUUIDFromBytes((namespace + "/" + name).getBytes()).toString())
                .endMetadata()
                .withNewSpec().withNodeName(nodeName)
                .addNewContainer().withName("main").withImage("registry.example/app:1.0").endContainer()
                .endSpec()
                .withNewStatus().withPhase("Running").withPodIP(podIp).withHostIP("172.18.0.10").endStatus()
                .build();
    }

    /** An Alluxio worker pod, labelled as the Helm chart labels it. */
    public static Pod workerPod(String namespace, String name, String nodeName, String podIp) {
        return pod(namespace, name, nodeName, podIp, WORKER_LABELS);
    }
}
