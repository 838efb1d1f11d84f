package io.offlineworkerreaper;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.offlineworkerreaper.kubernetes.KubernetesAccess;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.Scenario.CLUSTER;
import static io.offlineworkerreaper.Scenario.WORKER_3;
import static io.offlineworkerreaper.Scenario.authorizedKey;
import static io.offlineworkerreaper.Scenario.podExists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Kubernetes API fails (500, 429) or hangs: no crash, no wrong deletion, one alert, done once it is back. */
class KubernetesFailureTest extends ReaperWorld {

    private static final String POD_3 = "alluxio-worker-577545dc9-2q7z7";
    private static final String STATUS_500 =
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"etcdserver: leader changed\",\"code\":500}";
    private static final String STATUS_429 =
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"Too many requests\",\"reason\":\"TooManyRequests\",\"code\":429}";

    KubernetesMockServer server;

    /** The test's client with the reaper's own bounds (timeout, one fabric8 retry), as production builds it. */
    private KubernetesClient bounded(KubernetesClient base, Duration timeout) {
        return new KubernetesClientBuilder()
                .withConfig(KubernetesAccess.bounded(base.getConfiguration(), timeout)).build();
    }

    @Test
    void should_survive_api_errors_on_listing_nodes_and_remediate_once_the_api_answers() throws Exception {
        // given the seed crash, and an API server answering 500 to the next dozen node lists
        Scenario.seedCrash(client, registry);
        server.expect().get().withPath("/api/v1/nodes?resourceVersion=0").andReturn(500, STATUS_500).times(12);

        // when the reaper runs
        try (KubernetesClient api = bounded(client, Duration.ofSeconds(2));
             RunningReaper running = RunningReaper.start(api, etcd.clientUrl(), slack, Map.of())) {

            // then the failure is announced once, with what to check
            await().atMost(Duration.ofSeconds(20)).until(() -> !slack.posts().isEmpty());
            assertThat(slack.texts().get(0)).contains("Remediation step check-nodes failed",
                    "check the reaper's access to the Kubernetes API");
            assertThat(podExists(client, "default", POD_3)).isTrue();

            // and once the API answers again, the crash is remediated
            await().atMost(Duration.ofSeconds(30)).until(() -> !podExists(client, "default", POD_3)
                    && !registry.exists(authorizedKey(CLUSTER, WORKER_3)));
            assertThat(running.context().isStarted()).isTrue();
            assertThat(slack.texts().stream().filter(b -> b.contains("check-nodes failed")).count()).isEqualTo(1);
        }
    }

    @Test
    void should_finish_a_remediation_whose_pod_delete_was_throttled() throws Exception {
        // given the seed crash, and an API server throttling deletes of the dead pod (429, Retry-After)
        Scenario.seedCrash(client, registry);
        server.expect().delete().withPath("/api/v1/namespaces/default/pods/" + POD_3)
                .andReturn(429, STATUS_429).withHeader("Retry-After", "1").times(6);

        // when the reaper runs
        try (KubernetesClient api = bounded(client, Duration.ofSeconds(2));
             RunningReaper running = RunningReaper.start(api, etcd.clientUrl(), slack, Map.of())) {

            // then the worker's key goes first, the throttled delete is announced, and a later cycle,
            // starting from scratch, removes the pod that is left
            await().atMost(Duration.ofSeconds(40)).until(() -> !podExists(client, "default", POD_3));
            assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_3))).isFalse();
            await().atMost(Duration.ofSeconds(5)).until(() -> slack.texts().stream()
                    .anyMatch(b -> b.contains("Remediation step delete-worker-pod failed")));
            assertThat(podExists(client, "default", "alluxio-worker-577545dc9-6hjj9")).isTrue();
        }
    }

    @Test
    void should_bound_cycles_when_the_api_server_never_answers() throws Exception {
        // given an API server that accepts connections and never answers
        try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             KubernetesClient api = new KubernetesClientBuilder().withConfig(KubernetesAccess.bounded(
                     new ConfigBuilder().withMasterUrl("http://127.0.0.1:" + blackHole.getLocalPort())
                             .withNamespace("default").build(), Duration.ofMillis(500))).build();
             RunningReaper running = RunningReaper.start(api, etcd.clientUrl(), slack, Map.of())) {

            // when two cycles run, then they end (bounded by reaper.kubernetes.timeout) and the process lives
            running.awaitCycles(2);
            assertThat(running.context().isStarted()).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> !slack.posts().isEmpty());
            assertThat(slack.texts()).hasSize(1);
            assertThat(slack.texts().get(0)).contains("check-nodes failed", "Timeout");
        }
    }
}
