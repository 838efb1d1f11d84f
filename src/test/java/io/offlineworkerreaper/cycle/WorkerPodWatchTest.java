package io.offlineworkerreaper.cycle;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.offlineworkerreaper.demo.ClusterObjects;
import io.offlineworkerreaper.kubernetes.PodIdentity;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The watch mode's worker pod cache against the API emulator: after churn it agrees with a full list. */
@EnableKubernetesMockClient(crud = true)
class WorkerPodWatchTest {

    KubernetesClient client;

    private static String name(int n) {
        return "alluxio-worker-577545dc9-" + n;
    }

    private Pod pod(int n, String ip) {
        Pod pod = ClusterObjects.pod("default", name(n), "node-" + n, ip, ClusterObjects.WORKER_LABELS);
        return new PodBuilder(pod).editSpec().addNewContainer().withName("worker").withImage("alluxio/alluxio:3.2")
                .addNewEnv().withName("ALLUXIO_JAVA_OPTS").withValue("-Xmx8g ".repeat(50)).endEnv()
                .addNewPort().withContainerPort(29999).endPort().endContainer().endSpec().build();
    }

    /** What the reaper reads of each worker pod, from a full list of the API server. */
    private Map<String, PodIdentity> listed() {
        Map<String, PodIdentity> pods = new TreeMap<>();
        client.pods().inNamespace("default").withLabels(ClusterObjects.WORKER_LABELS).list().getItems()
                .forEach(p -> pods.put(p.getMetadata().getName(), PodIdentity.of(p)));
        return pods;
    }

    private static Map<String, PodIdentity> cached(WorkerPodWatch watch) {
        Map<String, PodIdentity> pods = new TreeMap<>();
        watch.cached().forEach(p -> pods.put(p.getMetadata().getName(), PodIdentity.of(p)));
        return pods;
    }

    @Test
    void should_agree_with_a_full_list_after_churn_and_keep_only_what_the_reaper_reads() throws Exception {
        for (int n = 0; n < 10; n++) {
            client.pods().resource(pod(n, "10.244.0." + n)).create();
        }
        WorkerPodWatch watch = new WorkerPodWatch(client, "default", ClusterObjects.WORKER_LABELS);
        watch.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(watch::isWatching);
            assertThat(cached(watch)).isEqualTo(listed()).hasSize(10);

            // when pods come, go, move to another address, lose their labels, and a pod of another app comes
            for (int n = 10; n < 40; n++) {
                client.pods().resource(pod(n, "10.244.1." + n)).create();
            }
            for (int n = 0; n < 40; n += 4) {
                client.pods().inNamespace("default").withName(name(n)).delete();
            }
            for (int n = 1; n < 40; n += 8) {
                int k = n;
                client.pods().inNamespace("default").withName(name(n)).edit(p -> new PodBuilder(p)
                        .editStatus().withPodIP("10.244.9." + k).endStatus().build());
            }
            client.pods().inNamespace("default").withName(name(2)).edit(p -> new PodBuilder(p)
                    .editMetadata().withLabels(Map.of("app", "web")).endMetadata().build());
            client.pods().resource(ClusterObjects.pod("default", "web-1", "node-1", "10.244.7.1", Map.of("app", "web")))
                    .create();

            // then the cache holds exactly the listed worker pods, as the reaper reads them
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(cached(watch)).isEqualTo(listed()));
            assertThat(cached(watch)).hasSize(29).doesNotContainKeys(name(0), name(2), "web-1");
            assertThat(cached(watch).get(name(9)).podIp()).isEqualTo("10.244.9.9");
            // and no env, volume or image of them
            Pod slim = watch.cached().get(0);
            assertThat(slim.getSpec().getContainers()).allSatisfy(c -> {
                assertThat(c.getEnv()).isNullOrEmpty();
                assertThat(c.getImage()).isNull();
            });
            assertThat(slim.getSpec().getContainers()).flatExtracting(c -> c.getPorts())
                    .extracting(p -> p.getContainerPort()).containsExactly(29999);
        } finally {
            watch.stop();
        }
    }
}
