package io.offlineworkerreaper;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.offlineworkerreaper.alluxio.KeyDeleter;
import io.offlineworkerreaper.cycle.ControlSettings;
import io.offlineworkerreaper.kubernetes.KubernetesAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What takes longest before the first cycle, started first and on threads of their own while the main thread
 * builds the rest (docs/BENCHMARKS.md, startup): the etcd client (gRPC, Netty), the Kubernetes client (Vert.x,
 * Jackson) and its first request. A warm-up that fails is only logged at debug level: the cycles report the
 * state of etcd and of the API server.
 */
final class Startup {

    private static final Logger LOG = LoggerFactory.getLogger(Startup.class);

    /** A pod as the API server lists it: Jackson builds its Pod deserializers here, not in the first cycle. */
    private static final String WARM_UP_POD = "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"items\":[{\"metadata\":"
            + "{\"name\":\"w\",\"namespace\":\"n\",\"labels\":{\"a\":\"b\"},\"ownerReferences\":[{\"kind\":\"ReplicaSet\","
            + "\"name\":\"r\",\"uid\":\"u\",\"apiVersion\":\"apps/v1\"}]},\"spec\":{\"nodeName\":\"x\",\"containers\":[{\"name\":"
            + "\"c\",\"image\":\"i\",\"ports\":[{\"containerPort\":1}],\"env\":[{\"name\":\"e\",\"value\":\"v\"}],"
            + "\"resources\":{\"limits\":{\"memory\":\"1Gi\"}},\"volumeMounts\":[{\"name\":\"v\",\"mountPath\":\"/v\"}]}],"
            + "\"volumes\":[{\"name\":\"v\",\"emptyDir\":{}}]},\"status\":{\"phase\":\"Running\",\"podIP\":\"10.0.0.1\","
            + "\"hostIP\":\"10.0.0.2\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}]}";

    private Startup() {
    }

    /** The etcd client connects and answers one cheap question, so that the first deletion finds it ready. */
    static void warmUpEtcd(KeyDeleter keys, String prefix) {
        daemon(() -> keys.warmUp(prefix), "etcd-warm-up");
    }

    /** The client given (tests, the demo), or one built from the kubeconfig or the service account. */
    static CompletableFuture<KubernetesClient> connect(KubernetesClient given, Duration timeout) {
        return given != null ? CompletableFuture.completedFuture(given)
                : CompletableFuture.supplyAsync(() -> KubernetesAccess.connect(timeout), r -> daemon(r, "kubernetes-connect"));
    }

    static KubernetesClient await(CompletableFuture<KubernetesClient> connecting) {
        try {
            return connecting.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** The client's first request (the control ConfigMap, which every cycle reads): connection, TLS and JSON ready. */
    static void warmUpKubernetes(KubernetesClient client, ControlSettings control) {
        daemon(() -> {
            try {
                client.configMaps().inNamespace(control.namespace()).withName(control.name()).get();
                client.getKubernetesSerialization().unmarshal(WARM_UP_POD, PodList.class);
            } catch (RuntimeException e) {
                LOG.debug("Kubernetes warm-up: {}", e.getMessage());
            }
        }, "kubernetes-warm-up");
    }

    private static void daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }
}
