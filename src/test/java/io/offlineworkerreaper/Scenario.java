package io.offlineworkerreaper;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.offlineworkerreaper.demo.AlluxioRegistry;
import io.offlineworkerreaper.demo.ClusterObjects;

/** Small named builders so that each test's cluster fits on one screen. */
final class Scenario {

    static final String CLUSTER = "default-alluxio";
    static final String WORKER_3 = "worker-0d950643-73c0-461d-a694-ecc601819336";
    static final String WORKER_2 = "worker-bd310c49-815f-4f7b-8948-1709dadb86f9";
    static final String WORKER_1 = "worker-5b7d4c0e-9a8b-4d5c-8e3f-2a1b3f2c9a1e";

    private Scenario() {
    }

    static Node aReadyNode(String name) {
        return ClusterObjects.node(name, "True", Instant.now().minus(Duration.ofHours(2)));
    }

    static Node aNotReadyNode(String name) {
        return ClusterObjects.node(name, "Unknown", Instant.now().minus(Duration.ofMinutes(5)));
    }

    static Pod aWorkerPod(String name, String node, String ip) {
        return ClusterObjects.workerPod("default", name, node, ip);
    }

    static Pod aPod(String namespace, String name, String node, String ip, Map<String, String> labels) {
        return ClusterObjects.pod(namespace, name, node, ip, labels);
    }

    static void create(KubernetesClient client, Node... nodes) {
        for (Node node : nodes) {
            client.nodes().resource(node).create();
        }
    }

    static void create(KubernetesClient client, Pod... pods) {
        for (Pod pod : pods) {
            client.pods().resource(pod).create();
        }
    }

    static boolean podExists(KubernetesClient client, String namespace, String name) {
        return client.pods().inNamespace(namespace).withName(name).get() != null;
    }

    static String authorizedKey(String cluster, String workerId) {
        return "/DHT/" + cluster + "/AUTHORIZED/" + workerId;
    }

    static String heartbeatKey(String cluster, String workerId) {
        return "/ServiceDiscovery/" + cluster + "/" + workerId;
    }

    /**
     * The seed crash as etcd has it: worker3 registered with its lease already expired (no heartbeat key), the
     * workers of the two live nodes registered and heartbeating.
     */
    static void seedCrash(KubernetesClient client, AlluxioRegistry registry) {
        seedCrash(client);
        registry.authorize(CLUSTER, WORKER_3, "10.244.4.5");
        registry.registerLiveWorker(CLUSTER, WORKER_1, "10.244.3.7", 30);
        registry.registerLiveWorker(CLUSTER, WORKER_2, "10.244.1.14", 30);
    }

    /** The seed cluster: worker pods on three nodes, alluxio-e2e-worker3 dead for five minutes. */
    static void seedCrash(KubernetesClient client) {
        create(client, aReadyNode("alluxio-e2e-worker"), aReadyNode("alluxio-e2e-worker2"),
                aNotReadyNode("alluxio-e2e-worker3"));
        create(client,
                aWorkerPod("alluxio-worker-577545dc9-5vt8k", "alluxio-e2e-worker", "10.244.3.7"),
                aWorkerPod("alluxio-worker-577545dc9-6hjj9", "alluxio-e2e-worker2", "10.244.1.14"),
                aWorkerPod("alluxio-worker-577545dc9-2q7z7", "alluxio-e2e-worker3", "10.244.4.5"));
    }
}
