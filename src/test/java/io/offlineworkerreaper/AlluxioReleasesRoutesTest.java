package io.offlineworkerreaper;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.offlineworkerreaper.demo.ClusterObjects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.offlineworkerreaper.Scenario.aReadyNode;
import static io.offlineworkerreaper.Scenario.aWorkerPod;
import static io.offlineworkerreaper.Scenario.create;
import static io.offlineworkerreaper.Scenario.podExists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The workers registered by Alluxio's own published membership code, each a JVM of its own (AlluxioReleases), and
 * the outcome read through Alluxio's own view: after a crash its members are exactly the live workers and none has
 * failed; a worker alive on a NotReady node (a partition) stays live, its pod and its registration kept.
 */
class AlluxioReleasesRoutesTest extends ReaperWorld {

    private static final String CLUSTER = "default-alluxio";
    private static final String CRASHED = "0d950643-73c0-461d-a694-ecc601819336";
    private static final String PARTITIONED = "bd310c49-815f-4f7b-8948-1709dadb86f9";
    private static final String HEALTHY = "5b7d4c0e-9a8b-4d5c-8e3f-2a1b3f2c9a1e";

    @ParameterizedTest(name = "Alluxio release {0}")
    @ValueSource(strings = {"308", "313"})
    void a_crashed_worker_leaves_alluxios_members_a_partitioned_one_stays(String release) throws Exception {
        // given three worker pods, their workers joined by Alluxio's own code, and spare nodes (breaker closed)
        create(client, aReadyNode("alluxio-e2e-worker"), aReadyNode("alluxio-e2e-worker2"),
                aReadyNode("alluxio-e2e-worker3"), aReadyNode("spare-1"), aReadyNode("spare-2"), aReadyNode("spare-3"));
        create(client, aWorkerPod("alluxio-worker-1", "alluxio-e2e-worker", "10.244.3.7"),
                aWorkerPod("alluxio-worker-2", "alluxio-e2e-worker2", "10.244.1.14"),
                aWorkerPod("alluxio-worker-3", "alluxio-e2e-worker3", "10.244.4.5"));
        List<AlluxioReleases.Worker> workers = AlluxioReleases.joinAll(release, etcd.clientUrl(), CLUSTER,
                HEALTHY, "10.244.3.7", PARTITIONED, "10.244.1.14", CRASHED, "10.244.4.5");
        try {
            AlluxioReleases.Worker crashed = workers.get(2);
            assertThat(AlluxioReleases.view(release, etcd.clientUrl(), CLUSTER).live())
                    .containsExactly("10.244.1.14:29999", "10.244.3.7:29999", "10.244.4.5:29999");
            startReaper(Map.of("reaper.nodes.not-ready-for", "1s"));

            // when worker3's node crashes with its worker, and worker2's node is cut off while its worker lives
            crashed.kill();
            notReady(client, "alluxio-e2e-worker3");
            notReady(client, "alluxio-e2e-worker2");

            // then the crashed worker's pod and registration go, as soon as its lease has expired
            await().atMost(Duration.ofSeconds(30)).until(() -> !podExists(client, "default", "alluxio-worker-3"));
            reaper.awaitCycles(2);
            AlluxioReleases.View members = AlluxioReleases.view(release, etcd.clientUrl(), CLUSTER);
            assertThat(members.all()).as("getAllMembers").containsExactly("10.244.1.14:29999", "10.244.3.7:29999");
            assertThat(members.failed()).as("getFailedMembers").isEmpty();
            // and the partitioned worker, still heartbeating, stays a live member with its pod
            assertThat(members.live()).as("getLiveMembers").containsExactly("10.244.1.14:29999", "10.244.3.7:29999");
            assertThat(podExists(client, "default", "alluxio-worker-2")).isTrue();
            assertThat(podExists(client, "default", "alluxio-worker-1")).isTrue();
            assertThat(log()).contains("still renews its etcd lease");
        } finally {
            for (AlluxioReleases.Worker worker : workers) {
                worker.close();
            }
        }
    }

    private static void notReady(KubernetesClient client, String node) {
        Instant now = Instant.now();
        client.nodes().withName(node).edit(n -> {
            n.getStatus().setConditions(List.of(ClusterObjects.readyCondition("Unknown", now)));
            return n;
        });
    }
}
