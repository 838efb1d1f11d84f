package io.offlineworkerreaper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.offlineworkerreaper.demo.ClusterObjects;

/**
 * The benchmark's Kubernetes API: the fabric8 CRUD emulator, loaded directly (not through 130,000 create
 * requests) with realistic nodes and pods, counting every request the reaper makes and every byte it
 * receives, and timing each pod DELETE as the emulator answers it.
 */
public final class BenchCluster implements AutoCloseable {

    static final String WORKERS_NAMESPACE = "alluxio";
    private static final String[] NAMESPACES = {"kube-system", "monitoring", "logging", "ingress", "spark",
        "trino", "airflow", "default"};

    final Counting api = new Counting();
    private final KubernetesMockServer server;
    final NamespacedKubernetesClient client;

    BenchCluster() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), api, false);
        server.init();
        // the emulator's patch of one node among 15,000 takes seconds: the benchmark's own client waits for it
        NamespacedKubernetesClient mock = server.createClient();
        client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder(mock.getConfiguration()).withRequestTimeout(120_000)
                        .build()).build().adapt(NamespacedKubernetesClient.class);
    }

    /** {@code nodes} Ready nodes, each with one Alluxio worker and {@code otherPods} other pods. */
    void load(int nodes, int otherPods) {
        // nodes and workers, which the benchmark patches and the reaper deletes, through the API (stored directly,
        // the emulator's patch of them hung at 15,000 nodes); the other pods, which are only ever listed, straight
        // into the store
        Instant booted = Instant.now().minus(Duration.ofDays(12));
        for (int n = 0; n < nodes; n++) {
            client.nodes().resource(node(nodeName(n), n, "True", booted)).create();
            client.pods().resource(ClusterObjects.workerPod(WORKERS_NAMESPACE, workerPod(n), nodeName(n),
                    podIp(n, 0))).create();
        }
        for (int n = 0; n < nodes; n++) {
            for (int p = 1; p <= otherPods; p++) {
                put(otherPod(NAMESPACES[p % NAMESPACES.length], nodeName(n), n, p));
            }
        }
    }

    static String nodeName(int n) {
        return "ip-10-" + (n / 250) + "-" + (n % 250) + "-7.ec2.internal";
    }

    static String workerPod(int n) {
        return "alluxio-worker-" + Integer.toString(1_000_000 + n, 36) + "-x7k2p";
    }

    static String podIp(int n, int p) {
        return "10." + (100 + n / 250) + "." + (n % 250) + "." + (p + 2);
    }

    /**
     * Stores the object as the emulator's create handler does (same key, same event), minus its scan for a
     * duplicate name, which made loading 130,000 objects quadratic.
     */
    private void put(HasMetadata object) {
        ObjectMeta meta = object.getMetadata();
        meta.setUid(UUID.randomUUID().toString());
        String path = "/api/v1/namespaces/" + meta.getNamespace() + "/pods";
        Store store = api.store(path);
        meta.setResourceVersion(String.valueOf(store.requestResourceVersion()));
        if (meta.getCreationTimestamp() == null) {
            meta.setCreationTimestamp(Instant.now().minus(Duration.ofDays(3)).toString());
        }
        String json = Serialization.asJson(object);
        AttributeSet key = store.getKey(path).add(new Attribute("name", meta.getName()));
        store.processEvent(path, key, null, Serialization.unmarshal(json, GenericKubernetesResource.class), json);
    }

    /** A node as a cloud provider's kubelet reports it: labels, addresses, capacity, 40 images. */
    public static Node node(String name, int n, String ready, Instant since) {
        String zone = "us-east-1" + "abc".charAt(n % 3);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("beta.kubernetes.io/arch", "amd64");
        labels.put("beta.kubernetes.io/instance-type", "r6id.4xlarge");
        labels.put("beta.kubernetes.io/os", "linux");
        labels.put("eks.amazonaws.com/capacityType", "ON_DEMAND");
        labels.put("eks.amazonaws.com/nodegroup", "alluxio-workers-" + (n % 4));
        labels.put("eks.amazonaws.com/nodegroup-image", "ami-0c2b8ca1dad447f8a");
        labels.put("failure-domain.beta.kubernetes.io/region", "us-east-1");
        labels.put("failure-domain.beta.kubernetes.io/zone", zone);
        labels.put("k8s.io/cloud-provider-aws", "a94967527effcefb5f5829f529c0a1b9");
        labels.put("kubernetes.io/arch", "amd64");
        labels.put("kubernetes.io/hostname", name);
        labels.put("kubernetes.io/os", "linux");
        labels.put("node.kubernetes.io/instance-type", "r6id.4xlarge");
        labels.put("topology.ebs.csi.aws.com/zone", zone);
        labels.put("topology.kubernetes.io/region", "us-east-1");
        labels.put("topology.kubernetes.io/zone", zone);
        List<io.fabric8.kubernetes.api.model.ContainerImage> images = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/team-" + i % 7 + "/service-" + i;
            images.add(new io.fabric8.kubernetes.api.model.ContainerImage(
                    List.of(image + "@sha256:" + sha(i), image + ":v2.14." + i), 30_000_000L + 1_000_000L * i));
        }
        return new NodeBuilder()
                .withNewMetadata().withName(name).withLabels(labels)
                .addToAnnotations("alpha.kubernetes.io/provided-node-ip", "10.0." + n % 250 + ".7")
                .addToAnnotations("csi.volume.kubernetes.io/nodeid",
                        "{\"ebs.csi.aws.com\":\"i-0" + Long.toHexString(0x1234567890L + n) + "\"}")
                .addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
                .addToAnnotations("volumes.kubernetes.io/controller-managed-attach-detach", "true")
                .withCreationTimestamp(since.toString())
                .endMetadata()
                .withNewSpec().withPodCIDR("10." + (100 + n / 250) + "." + n % 250 + ".0/24")
                .withPodCIDRs("10." + (100 + n / 250) + "." + n % 250 + ".0/24")
                .withProviderID("aws:///" + zone + "/i-0" + Long.toHexString(0x1234567890L + n)).endSpec()
                .withNewStatus()
                .addNewAddress().withType("InternalIP").withAddress("10.0." + n % 250 + ".7").endAddress()
                .addNewAddress().withType("InternalDNS").withAddress(name).endAddress()
                .addNewAddress().withType("Hostname").withAddress(name).endAddress()
                .addToCapacity(resources("16", "130451708Ki", "915000Mi", "234"))
                .addToAllocatable(resources("15890m", "127323900Ki", "843000Mi", "234"))
                .addNewCondition().withType("MemoryPressure").withStatus("False").withReason("KubeletHasSufficientMemory")
                .withMessage("kubelet has sufficient memory available").withLastHeartbeatTime(since.toString())
                .withLastTransitionTime(since.toString()).endCondition()
                .addNewCondition().withType("DiskPressure").withStatus("False").withReason("KubeletHasNoDiskPressure")
                .withMessage("kubelet has no disk pressure").withLastHeartbeatTime(since.toString())
                .withLastTransitionTime(since.toString()).endCondition()
                .addNewCondition().withType("PIDPressure").withStatus("False").withReason("KubeletHasSufficientPID")
                .withMessage("kubelet has sufficient PID available").withLastHeartbeatTime(since.toString())
                .withLastTransitionTime(since.toString()).endCondition()
                .addToConditions(ClusterObjects.readyCondition(ready, since))
                .withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(10250).endKubeletEndpoint()
                .endDaemonEndpoints()
                .withNewNodeInfo().withArchitecture("amd64").withBootID(UUID.randomUUID().toString())
                .withContainerRuntimeVersion("containerd://1.7.22").withKernelVersion("5.10.226-214.880.amzn2.x86_64")
                .withKubeProxyVersion("v1.30.4-eks-a737599").withKubeletVersion("v1.30.4-eks-a737599")
                .withMachineID("ec2" + Long.toHexString(0xabcdef12345L + n)).withOperatingSystem("linux")
                .withOsImage("Amazon Linux 2").withSystemUUID("ec2" + Long.toHexString(0x5555L + n)).endNodeInfo()
                .withImages(images)
                .endStatus().build();
    }

    private static Map<String, Quantity> resources(String cpu, String memory, String storage, String pods) {
        Map<String, Quantity> r = new LinkedHashMap<>();
        r.put("cpu", new Quantity(cpu));
        r.put("ephemeral-storage", new Quantity(storage));
        r.put("hugepages-1Gi", new Quantity("0"));
        r.put("hugepages-2Mi", new Quantity("0"));
        r.put("memory", new Quantity(memory));
        r.put("pods", new Quantity(pods));
        return r;
    }

    private static String sha(int i) {
        return String.format("%064x", new java.math.BigInteger(1, ("image-" + i).repeat(3).getBytes()));
    }

    /** An ordinary workload pod: owner, one container with env, resources and probes, a running status. */
    static Pod otherPod(String namespace, String node, int n, int p) {
        String app = "svc-" + p % 9;
        String name = app + "-" + Integer.toString(7_000_000 + n * 31 + p, 36) + "-" + Integer.toString(n + p, 36);
        return new PodBuilder(ClusterObjects.pod(namespace, name, node, podIp(n, p),
                Map.of("app.kubernetes.io/name", app, "pod-template-hash", "7d9f8b6c5")))
                .editMetadata().addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet")
                .withName(app + "-7d9f8b6c5").withUid(UUID.randomUUID().toString()).withController(true)
                .endOwnerReference().endMetadata()
                .editSpec().withServiceAccountName(app).withContainers(new ContainerBuilder().withName(app)
                        .withImage("123456789012.dkr.ecr.us-east-1.amazonaws.com/team-1/" + app + ":v2.14.3")
                        .addNewPort().withContainerPort(8080).withName("http").endPort()
                        .addNewEnv().withName("JAVA_TOOL_OPTIONS").withValue("-XX:MaxRAMPercentage=75").endEnv()
                        .addNewEnv().withName("OTEL_EXPORTER_OTLP_ENDPOINT").withValue("http://otel.monitoring:4317")
                        .endEnv()
                        .withNewResources().addToRequests("cpu", new Quantity("250m"))
                        .addToRequests("memory", new Quantity("512Mi")).addToLimits("memory", new Quantity("1Gi"))
                        .endResources()
                        .withNewReadinessProbe().withNewHttpGet().withPath("/ready").withNewPort(8080).endHttpGet()
                        .withPeriodSeconds(10).endReadinessProbe()
                        .addNewVolumeMount().withName("kube-api-access").withMountPath(
                                "/var/run/secrets/kubernetes.io/serviceaccount").withReadOnly(true).endVolumeMount()
                        .build())
                .addNewVolume().withName("kube-api-access").withNewProjected().addNewSource()
                .withNewServiceAccountToken().withPath("token").withExpirationSeconds(3607L).endServiceAccountToken()
                .endSource().endProjected().endVolume()
                .endSpec().build();
    }

    /** Sets a node's Ready condition as the node controller would (Unknown: kubelet silent), other conditions kept. */
    void setReady(String node, String status, Instant since) {
        client.nodes().withName(node).edit(n -> {
            n.getStatus().getConditions().removeIf(c -> "Ready".equals(c.getType()));
            n.getStatus().getConditions().add(ClusterObjects.readyCondition(status, since));
            return n;
        });
    }

    /** Kubeconfig pointing at the emulator, for the reaper's jar. */
    Path kubeconfig(Path dir) throws IOException {
        return kubeconfig(dir, client.getMasterUrl().toString());
    }

    /** A kubeconfig in {@code dir} for the API server at {@code url}, with a token. */
    static Path kubeconfig(Path dir, String url) throws IOException {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: bench
                    cluster:
                      server: %s
                contexts:
                  - name: bench
                    context:
                      cluster: bench
                      user: bench
                current-context: bench
                users:
                  - name: bench
                    user:
                      token: bench
                """.formatted(url));
        return file;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }

    /**
     * The emulator, counting requests and response bytes, and timing pod deletions. Its objects are kept in one
     * fabric8 CRUD store per kind and namespace (nodes; the pods of each namespace; the rest): the CRUD store
     * finds an object by comparing it with every object it holds, so one store of 135,000 objects took 100 ms to
     * answer a GET of one ConfigMap and 260 ms to DELETE one pod, which the latency figures then measured instead
     * of the reaper. An API server finds an object by its key. Cluster-wide pod requests (across namespaces) are
     * refused with 501: no benchmark phase makes them, and a sharded store cannot answer them.
     */
    static final class Counting extends io.fabric8.mockwebserver.http.Dispatcher {
        private static final java.util.regex.Pattern NAMESPACED_PODS =
                java.util.regex.Pattern.compile("^/api/v1/namespaces/([^/?]+)/pods(?:[/?]|$)");

        final AtomicLong requests = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong serverNanos = new AtomicLong();
        final Map<String, Instant> podDeleted = new ConcurrentHashMap<>();
        final Queue<String> log = new ConcurrentLinkedQueue<>();
        private final Map<String, Store> stores = new ConcurrentHashMap<>();

        /** The store that holds what {@code path} names. */
        Store store(String path) {
            String key;
            java.util.regex.Matcher pods = NAMESPACED_PODS.matcher(path);
            if (path.startsWith("/api/v1/nodes")) {
                key = "nodes";
            } else if (pods.find()) {
                key = "pods/" + pods.group(1);
            } else if (path.startsWith("/api/v1/pods")) {
                return null;
            } else {
                key = "rest";
            }
            return stores.computeIfAbsent(key, k -> new Store());
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            long start = System.nanoTime();
            String path = request.getPath();
            Store store = store(path);
            MockResponse response = store == null
                    ? new MockResponse().setResponseCode(501).setBody("the benchmark's emulator keeps pods by namespace")
                    : store.paged(request);
            if (response == null) {
                response = store.dispatch(request);
            }
            serverNanos.addAndGet(System.nanoTime() - start);
            requests.incrementAndGet();
            if (response.getBody() != null) {
                bytes.addAndGet(response.getBody().size());
            }
            if ("DELETE".equals(request.getMethod()) && path.contains("/pods/") && response.code() < 300) {
                podDeleted.put(path.substring(path.lastIndexOf('/') + 1).replaceAll("\\?.*", ""), Instant.now());
            }
            log.add(request.getMethod() + " " + path.replaceAll("(resourceVersion|timeoutSeconds)=[0-9]+", "$1=N"));
            return response;
        }

        /** Requests since the last call, grouped by method and path, most frequent first. */
        List<String> drainRequests() {
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (String r; (r = log.poll()) != null; ) {
                counts.merge(r.length() > 140 ? r.substring(0, 140) : r, 1, Integer::sum);
            }
            List<String> lines = new ArrayList<>();
            counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .forEach(e -> lines.add(e.getValue() + " x " + e.getKey()));
            return lines;
        }
    }

    /** One CRUD store, paging its lists as an API server does. */
    static final class Store extends KubernetesCrudDispatcher {

        /** The list being paged, per path (nodes, worker pods): informers page both at once. */
        private final Map<String, com.fasterxml.jackson.databind.node.ObjectNode> pagedLists = new HashMap<>();

        /**
         * limit/continue paging of node and worker pod lists, as the API server does it (the CRUD emulator ignores limit and
         * would answer the informer's pages of 500 with all 5,000 nodes). The list is taken once when the
         * first page is asked for, and the next pages are cut from that same list, as a continue token does.
         */
        synchronized MockResponse paged(RecordedRequest request) {
            String path = request.getPath();
            java.util.regex.Matcher limit = java.util.regex.Pattern.compile("[?&]limit=(\\d+)").matcher(path);
            if (!"GET".equals(request.getMethod()) || path.contains("watch=true") || !limit.find()
                    || !(path.startsWith("/api/v1/nodes?") || path.startsWith("/api/v1/namespaces/" + WORKERS_NAMESPACE
                    + "/pods?"))) {
                return null;
            }
            String base = path.substring(0, path.indexOf('?'));
            java.util.regex.Matcher token = java.util.regex.Pattern.compile("[?&]continue=(\\d+)").matcher(path);
            int from = token.find() ? Integer.parseInt(token.group(1)) : 0;
            try {
                com.fasterxml.jackson.databind.node.ObjectNode pagedList = pagedLists.get(base);
                if (from == 0 || pagedList == null) {
                    // the same list without limit and continue (a label selector stays)
                    String query = path.substring(path.indexOf('?') + 1).replaceAll("(^|&)(limit|continue)=[^&]*", "")
                            .replaceAll("^&", "");
                    pagedList = (com.fasterxml.jackson.databind.node.ObjectNode) Serialization.jsonMapper()
                            .readTree(super.handleGet(query.isEmpty() ? base : base + "?" + query).getBody().readUtf8());
                    pagedLists.put(base, pagedList);
                }
                com.fasterxml.jackson.databind.node.ArrayNode items =
                        (com.fasterxml.jackson.databind.node.ArrayNode) pagedList.get("items");
                int to = Math.min(items.size(), from + Integer.parseInt(limit.group(1)));
                com.fasterxml.jackson.databind.node.ObjectNode page = Serialization.jsonMapper().createObjectNode();
                page.set("kind", pagedList.get("kind"));
                page.set("apiVersion", pagedList.get("apiVersion"));
                page.set("metadata", pagedList.get("metadata").deepCopy());
                com.fasterxml.jackson.databind.node.ArrayNode pageItems = page.putArray("items");
                for (int i = from; i < to; i++) {
                    pageItems.add(items.get(i));
                }
                com.fasterxml.jackson.databind.node.ObjectNode meta = page.with("metadata");
                if (to < items.size()) {
                    meta.put("continue", String.valueOf(to));
                } else {
                    meta.remove("continue");
                }
                return new MockResponse().setResponseCode(200).setBody(page.toString());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
