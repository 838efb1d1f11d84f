package io.offlineworkerreaper.kubernetes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.offlineworkerreaper.settings.Durations;

/**
 * The nodes a cycle looks at, with only what the reaper reads of them: name, uid, resourceVersion, labels,
 * the reaper's own annotations (offline-worker-reaper/...), spec.unschedulable and taints, and the Ready
 * condition. A node as a kubelet reports it is ~13 KB of JSON, mostly its 40-odd cached images; 5,000 of
 * them parsed whole need more heap than the Deployment allowed (measured: OutOfMemoryError in the first
 * cycle, BENCHMARKS.md). So the list's bytes are read with a streaming parser and every other field is
 * skipped, never turned into objects.
 * <p>
 * The list asks for {@code resourceVersion=0}: the API server answers from its watch cache instead of a
 * quorum read of etcd, the cheapest list it can serve; the data is at most a watch delay old, and the reaper
 * confirms everything it acts on (heartbeats in etcd, and a pod DELETE that carries the pod's uid).
 * In watch mode, a cycle takes the nodes from the informer's cache instead, as long as the informer is
 * watching: its view comes from the same watch cache as such a list, as fresh, at no cost. When it is not
 * watching (not yet listed, watch dropped, API unreachable) the cycle lists.
 */
public final class NodeSource {

    private static final String OWN_ANNOTATIONS = "offline-worker-reaper/";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final JsonFactory FACTORY = JSON.getFactory();

    private final KubernetesClient client;
    private final Duration timeout;
    private volatile Supplier<List<Node>> cache;

    /** Every list is bounded by the client's request timeout (reaper.kubernetes.timeout, KubernetesAccess). */
    public NodeSource(KubernetesClient client) {
        this.client = client;
        int millis = client.getConfiguration().getRequestTimeout();
        this.timeout = Duration.ofMillis(millis > 0 ? millis : 10_000);
    }

    /** Watch mode: the informer's nodes, or null when it is not (or no longer) watching. */
    public void useCache(Supplier<List<Node>> watchedNodes) {
        this.cache = watchedNodes;
    }

    /** The nodes for this cycle: the informer's while it watches, listed otherwise. */
    public List<Node> nodes() throws IOException {
        Supplier<List<Node>> watched = cache;
        List<Node> cached = watched == null ? null : watched.get();
        return cached != null ? cached : list();
    }

    /** One list of every node from the API server, its bytes parsed by {@link #parse}. */
    public List<Node> list() throws IOException {
        String url = client.getMasterUrl().toString().replaceAll("/+$", "") + "/api/v1/nodes?resourceVersion=0";
        HttpRequest request = client.getHttpClient().newHttpRequestBuilder().uri(url)
                .header("Accept", "application/json").timeout(timeout.toMillis(), TimeUnit.MILLISECONDS).build();
        HttpResponse<byte[]> response;
        try {
            response = client.getHttpClient().sendAsync(request, byte[].class)
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new KubernetesClientException("Timeout: listing the nodes took longer than "
                    + Durations.humanize(timeout) + " (reaper.kubernetes.timeout)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubernetesClientException("Interrupted while listing the nodes", e);
        } catch (ExecutionException e) {
            throw new KubernetesClientException("Cannot list the nodes: " + e.getCause().getMessage(), e.getCause());
        }
        // The body as bytes, as fabric8 reads its own answers: reading it as a stream and closing the stream
        // left closed connections in the client's shared pool ("Connection was closed" on the next requests).
        byte[] body = response.body() == null ? new byte[0] : response.body();
        if (!response.isSuccessful()) {
            throw failure(response.code(), body);
        }
        return parse(new java.io.ByteArrayInputStream(body));
    }

    private static KubernetesClientException failure(int code, byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 64 * 1024), StandardCharsets.UTF_8);
        Status status = null;
        try {
            status = JSON.readValue(text, Status.class);
        } catch (IOException notAStatus) {
            // keep the raw text below
        }
        String message = status != null && status.getMessage() != null ? status.getMessage() : text;
        return new KubernetesClientException("Failure executing: GET /api/v1/nodes. Message: " + message
                + ". Received status: " + code + ".", code, status);
    }

    /** Reads a NodeList, keeping the fields listed in the class comment and skipping all others. */
    public static List<Node> parse(InputStream json) throws IOException {
        List<Node> nodes = new ArrayList<>();
        try (JsonParser p = FACTORY.createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, "a NodeList object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("items".equals(field) && value == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        nodes.add(node(p));
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        return nodes;
    }

    private static Node node(JsonParser p) throws IOException {
        NodeBuilder node = new NodeBuilder();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (value != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            switch (field) {
                case "metadata" -> metadata(p, node);
                case "spec" -> spec(p, node);
                case "status" -> status(p, node);
                default -> p.skipChildren();
            }
        }
        return node.build();
    }

    private static void metadata(JsonParser p, NodeBuilder node) throws IOException {
        NodeBuilder.MetadataNested<NodeBuilder> meta = node.withNewMetadata();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "name" -> meta.withName(p.getValueAsString());
                case "uid" -> meta.withUid(p.getValueAsString());
                case "resourceVersion" -> meta.withResourceVersion(p.getValueAsString());
                case "labels" -> meta.withLabels(strings(p, value, ""));
                case "annotations" -> meta.withAnnotations(strings(p, value, OWN_ANNOTATIONS));
                default -> p.skipChildren();
            }
        }
        meta.endMetadata();
    }

    private static Map<String, String> strings(JsonParser p, JsonToken value, String keyPrefix) throws IOException {
        Map<String, String> map = new LinkedHashMap<>();
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return map;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            if (key.startsWith(keyPrefix)) {
                map.put(key, p.getValueAsString());
            } else {
                p.skipChildren();
            }
        }
        return map;
    }

    private static void spec(JsonParser p, NodeBuilder node) throws IOException {
        NodeBuilder.SpecNested<NodeBuilder> spec = node.withNewSpec();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if ("unschedulable".equals(field) && value.isBoolean()) {
                spec.withUnschedulable(p.getBooleanValue());
            } else if ("taints".equals(field) && value == JsonToken.START_ARRAY) {
                spec.withTaints(List.of(p.readValueAs(Taint[].class)));
            } else {
                p.skipChildren();
            }
        }
        spec.endSpec();
    }

    private static void status(JsonParser p, NodeBuilder node) throws IOException {
        List<NodeCondition> kept = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if ("conditions".equals(field) && value == JsonToken.START_ARRAY) {
                for (NodeCondition condition : p.readValueAs(NodeCondition[].class)) {
                    if ("Ready".equals(condition.getType())) {
                        kept.add(condition);
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        node.withNewStatus().withConditions(kept).endStatus();
    }

    /** The same readiness-only copy of a node already parsed whole (the informer's cache keeps these). */
    public static Node slim(Node node) {
        Map<String, String> own = new LinkedHashMap<>();
        if (node.getMetadata().getAnnotations() != null) {
            node.getMetadata().getAnnotations().forEach((k, v) -> {
                if (k.startsWith(OWN_ANNOTATIONS)) {
                    own.put(k, v);
                }
            });
        }
        NodeBuilder slim = new NodeBuilder().withNewMetadata()
                .withName(node.getMetadata().getName())
                .withUid(node.getMetadata().getUid())
                .withResourceVersion(node.getMetadata().getResourceVersion())
                .withLabels(node.getMetadata().getLabels())
                .withAnnotations(own)
                .endMetadata();
        if (node.getSpec() != null) {
            slim.withNewSpec().withUnschedulable(node.getSpec().getUnschedulable())
                    .withTaints(node.getSpec().getTaints()).endSpec();
        }
        NodeCondition ready = NodeConditions.ready(node);
        if (ready != null) {
            // the constants themselves: every cycle compares 5,000 of them, and equal references compare at once
            ready = new io.fabric8.kubernetes.api.model.NodeConditionBuilder(ready).withType("Ready")
                    .withStatus(ready.getStatus() == null ? null : ready.getStatus().intern()).build();
        }
        slim.withNewStatus().withConditions(ready == null ? List.of() : List.of(ready)).endStatus();
        return slim.build();
    }

    private static void expect(JsonToken actual, JsonToken expected, String what) throws IOException {
        if (actual != expected) {
            throw new IOException("The API server's node list is not " + what + " (starts with " + actual + ")");
        }
    }
}
