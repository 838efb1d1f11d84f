package io.offlineworkerreaper.kubernetes;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeListBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.offlineworkerreaper.BenchCluster;
import io.offlineworkerreaper.decision.NodeReadiness;
import io.offlineworkerreaper.demo.ClusterObjects;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The streamed, readiness-only node list: what it keeps, what it drops, and how it fails. */
@EnableKubernetesMockClient
class NodeSourceTest {

    KubernetesMockServer server;
    KubernetesClient client;

    private static final Instant SINCE = Instant.parse("2026-11-22T10:00:00Z");

    private static Node realisticNode() {
        return new NodeBuilder(BenchCluster.node("ip-10-0-4-7.ec2.internal", 4, "Unknown", SINCE))
                .editMetadata()
                .addToAnnotations("offline-worker-reaper/node-action", "cordon")
                .addToAnnotations("offline-worker-reaper/exclude", "true")
                .endMetadata()
                .editSpec().withUnschedulable(true)
                .addToTaints(new TaintBuilder().withKey("node.kubernetes.io/unreachable").withEffect("NoExecute")
                        .build())
                .endSpec().build();
    }

    @Test
    void keeps_what_the_reaper_reads_and_drops_the_rest() throws IOException {
        Node full = realisticNode();
        String json = Serialization.asJson(new NodeListBuilder().withNewMetadata().withResourceVersion("42")
                .endMetadata().addToItems(full).build());

        List<Node> nodes = NodeSource.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));

        assertThat(nodes).hasSize(1);
        Node node = nodes.get(0);
        assertThat(node.getMetadata().getName()).isEqualTo("ip-10-0-4-7.ec2.internal");
        assertThat(node.getMetadata().getLabels()).isEqualTo(full.getMetadata().getLabels());
        assertThat(node.getMetadata().getAnnotations()).containsOnlyKeys("offline-worker-reaper/node-action",
                "offline-worker-reaper/exclude");
        assertThat(node.getSpec().getUnschedulable()).isTrue();
        assertThat(node.getSpec().getTaints()).extracting("key").containsExactly("node.kubernetes.io/unreachable");
        assertThat(node.getStatus().getConditions()).singleElement()
                .satisfies(c -> assertThat(c.getStatus()).isEqualTo("Unknown"));
        assertThat(node.getStatus().getImages()).isEmpty();
        assertThat(Serialization.asJson(node).length()).as("bytes kept of " + json.length())
                .isLessThan(json.length() / 5);
        // the informer's copy of a node is the same as the streamed one
        assertThat(NodeSource.slim(full)).isEqualTo(node);
        // and readiness decisions are the same on either
        NodeReadiness readiness = new NodeReadiness(Duration.ofSeconds(30), LabelSelector.parse(""),
                java.time.Clock.fixed(SINCE.plusSeconds(300), java.time.ZoneOffset.UTC));
        assertThat(readiness.notReady(nodes)).isEqualTo(readiness.notReady(List.of(full)));
    }

    @Test
    void lists_from_the_api_servers_cache_and_fails_with_the_servers_reason() throws IOException {
        server.expect().get().withPath("/api/v1/namespaces/default/pods")
                .andReturn(200, new io.fabric8.kubernetes.api.model.PodListBuilder().build()).once();
        server.expect().get().withPath("/api/v1/nodes?resourceVersion=0")
                .andReturn(200, new NodeListBuilder().addToItems(realisticNode()).build()).once();
        server.expect().get().withPath("/api/v1/nodes?resourceVersion=0")
                .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden").withMessage(
                        "nodes is forbidden: User \"system:serviceaccount:x:y\" cannot list resource \"nodes\"")
                        .build()).once();
        NodeSource source = new NodeSource(client);

        assertThat(source.list()).extracting(n -> n.getMetadata().getName())
                .containsExactly("ip-10-0-4-7.ec2.internal");
        // the same client again: its connection pool must be intact after the first list
        assertThatThrownBy(source::list).isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("cannot list resource \"nodes\"")
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(403));
        assertThat(client.pods().inNamespace("default").list().getItems()).isEmpty();
    }

    @Test
    void sends_the_clients_credentials_like_any_fabric8_request() throws Exception {
        server.expect().get().withPath("/api/v1/nodes?resourceVersion=0")
                .andReturn(200, new NodeListBuilder().build()).once();
        try (KubernetesClient withToken = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder(client.getConfiguration()).withOauthToken("t0ken")
                        .build()).build()) {
            assertThat(new NodeSource(withToken).list()).isEmpty();
        }
        assertThat(server.takeRequest().getHeader("Authorization")).isEqualTo("Bearer t0ken");
    }

    @Test
    void rejects_an_answer_that_is_no_node_list() {
        assertThatThrownBy(() -> NodeSource.parse(new ByteArrayInputStream("[1,2]".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(IOException.class).hasMessageContaining("not a NodeList object");
    }

    @Test
    void serves_the_watch_cache_while_the_informer_watches_and_lists_otherwise() throws IOException {
        server.expect().get().withPath("/api/v1/nodes?resourceVersion=0")
                .andReturn(200, new NodeListBuilder().addToItems(realisticNode()).build()).always();
        NodeSource source = new NodeSource(client);
        Node ready = NodeSource.slim(ClusterObjects.node("a", "True", SINCE));
        Node notReady = NodeSource.slim(ClusterObjects.node("b", "False", SINCE));

        source.useCache(() -> List.of(ready, notReady));
        assertThat(source.nodes()).containsExactly(ready, notReady);
        assertThat(server.getRequestCount()).isZero();
        source.useCache(() -> null); // not watching
        assertThat(source.nodes()).extracting(n -> n.getMetadata().getName()).containsExactly("ip-10-0-4-7.ec2.internal");
    }
}
