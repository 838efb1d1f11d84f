package io.offlineworkerreaper.demo;

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

    /** The labels the current Alluxio Helm chart puts on worker pods; they match the default reaper.workers.selector. */
    public static final Map<String, String> WORKER_LABELS = Map.of("app.kubernetes.io/name", "alluxio",
            "app.kubernetes.io/instance", "alluxio", "app.kubernetes.io/component", "worker");
    /** The labels of the Alluxio k8s-operator chart and the Alluxio 2.x chart. */
    public static final Map<String, String> OPERATOR_WORKER_LABELS = Map.of("app", "alluxio", "role", "alluxio-worker");

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

    /** A running pod on {@code nodeName} with the given labels and pod IP; its host IP is the node's. */
    public static Pod pod(String namespace, String name, String nodeName, String podIp, Map<String, String> labels) {
        return new PodBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).withLabels(labels)
                .withUid(java.util.UUID.nameUUIDFromBytes((namespace + "/" + name).getBytes()).toString())
                .endMetadata()
                .withNewSpec().withNodeName(nodeName)
                .addNewContainer().withName("main").withImage("registry.example/app:1.0").endContainer()
                .endSpec()
                .withNewStatus().withPhase("Running").withPodIP(podIp).withHostIP(nodeIp(nodeName)).endStatus()
                .build();
    }

    /**
     * An Alluxio worker pod, labelled as the current Helm chart labels it, with the worker's container ports
     * (rpc 29999, web 30000) as the charts declare them.
     */
    public static Pod workerPod(String namespace, String name, String nodeName, String podIp) {
        Pod pod = pod(namespace, name, nodeName, podIp, WORKER_LABELS);
        var container = pod.getSpec().getContainers().get(0);
        container.setName("alluxio-worker");
        container.setPorts(java.util.List.of(
                new io.fabric8.kubernetes.api.model.ContainerPortBuilder().withName("rpc").withContainerPort(29999).build(),
                new io.fabric8.kubernetes.api.model.ContainerPortBuilder().withName("web").withContainerPort(30000).build()));
        return pod;
    }

    /**
     * The InternalIP of a node, as kind numbers them: the seed scenario's nodes alluxio-e2e-worker,
     * -worker2, -worker3 are 172.18.0.3, .4, .5 (the Alluxio 2.x chart form registers worker3 as 172.18.0.5);
     * any other name gets a stable address of its own in 172.18.0.0/16.
     */
    public static String nodeIp(String nodeName) {
        if (nodeName == null) {
            return null;
        }
        return switch (nodeName) {
            case "alluxio-e2e-worker" -> "172.18.0.3";
            case "alluxio-e2e-worker2" -> "172.18.0.4";
            case "alluxio-e2e-worker3" -> "172.18.0.5";
            default -> {
                int h = Math.floorMod(nodeName.hashCode(), 250 * 250);
                yield "172.18." + (1 + h / 250) + "." + (2 + h % 250);
            }
        };
    }
}
