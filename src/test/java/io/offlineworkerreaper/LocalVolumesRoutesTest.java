package io.offlineworkerreaper;

import java.time.Duration;
import java.util.Map;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.offlineworkerreaper.decision.OptOut;
import io.offlineworkerreaper.demo.ClusterObjects;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.Scenario.aNotReadyNode;
import static io.offlineworkerreaper.Scenario.aReadyNode;
import static io.offlineworkerreaper.Scenario.create;
import static io.offlineworkerreaper.optin.LocalVolumeObjects.claim;
import static io.offlineworkerreaper.optin.LocalVolumeObjects.podWith;
import static io.offlineworkerreaper.optin.LocalVolumeObjects.volume;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The opt-in release of pods held on a dead node by a local volume. */
class LocalVolumesRoutesTest extends ReaperWorld {

    private static final String DEAD = "alluxio-e2e-worker3";
    private static final Map<String, String> ON = Map.of("reaper.local-volumes.enabled", "true",
            "reaper.local-volumes.storage-classes", "local-path,local-storage",
            "reaper.local-volumes.clear-finalizers-after", "1s");

    KubernetesMockServer server;
    private NodePodLists pods;

    /** Read from the list: the CRUD mock answers a GET of a Terminating PVC with 404 at times. */
    private PersistentVolumeClaim pvc(String namespace, String name) {
        return client.persistentVolumeClaims().inNamespace(namespace).list().getItems().stream()
                .filter(c -> c.getMetadata().getName().equals(name)).findFirst().orElse(null);
    }

    private boolean claimExists(String namespace, String name) {
        return pvc(namespace, name) != null;
    }

    /** Deleted: gone, or Terminating with no finalizer left (the CRUD mock keeps those; the API server does not). */
    private boolean claimDeleted(String namespace, String name) {
        PersistentVolumeClaim claim = pvc(namespace, name);
        return claim == null || claim.getMetadata().getDeletionTimestamp() != null
                && claim.getMetadata().getFinalizers().isEmpty();
    }

    @Test
    void should_release_only_pods_held_by_an_allowed_local_volume_on_the_dead_node() throws Exception {
        // given a dead node, and pods with volumes of every kind
        create(client, aReadyNode("alluxio-e2e-worker"), aReadyNode("alluxio-e2e-worker2"), aNotReadyNode(DEAD));
        for (PersistentVolume pv : new PersistentVolume[] {
                volume("pv-db-0", "local-path", DEAD), volume("pv-db-1", "local-path", "alluxio-e2e-worker"),
                volume("pv-db-2", "fast-ssd", DEAD), volume("pv-web-0", "nfs", null),
                volume("pv-worker", "local-path", DEAD)}) {
            client.persistentVolumes().resource(pv).create();
        }
        for (PersistentVolumeClaim pvc : new PersistentVolumeClaim[] {
                claim("data", "data-db-0", "pv-db-0", "local-path"), claim("data", "data-db-1", "pv-db-1", "local-path"),
                claim("data", "data-db-2", "pv-db-2", "fast-ssd"), claim("data", "data-web-0", "pv-web-0", "nfs"),
                claim("default", "cache-alluxio-worker", "pv-worker", "local-path")}) {
            client.persistentVolumeClaims().resource(pvc).create();
        }
        pods = NodePodLists.serve(server, "alluxio-e2e-worker", "alluxio-e2e-worker2", DEAD);
        pods.add(podWith("data", "db-0", DEAD, "data-db-0", Map.of("app", "db")), null);
        pods.add(podWith("data", "db-1", "alluxio-e2e-worker", "data-db-1", Map.of("app", "db")), null);
        pods.add(podWith("data", "db-2", DEAD, "data-db-2", Map.of("app", "db")), null);
        pods.add(podWith("data", "web-0", DEAD, "data-web-0", Map.of("app", "web")), null);
        pods.add(podWith("default", "alluxio-worker-577545dc9-2q7z7", DEAD, "cache-alluxio-worker",
                ClusterObjects.WORKER_LABELS), null);
        // opted out: its owner keeps the data, whatever it costs
        client.persistentVolumes().resource(volume("pv-db-9", "local-path", DEAD)).create();
        client.persistentVolumeClaims().resource(claim("data", "data-db-9", "pv-db-9", "local-path")).create();
        pods.add(podWith("data", "db-9", DEAD, "data-db-9", Map.of("app", "db", OptOut.KEY, "true")), null);

        // when the reaper runs with local volumes on
        startReaper(ON);

        // then db-0's PVC and pod go, so that its StatefulSet can recreate both elsewhere
        await().atMost(Duration.ofSeconds(20)).until(() -> !pods.exists("data", "db-0")
                && claimDeleted("data", "data-db-0"));
        assertThat(pods.deletes()).singleElement().asString().startsWith("data/db-0").contains("\"gracePeriodSeconds\":0");
        reaper.awaitCycles(2);
        // and nothing else: a Ready node's volume, a storage class not allowed, network storage, the Alluxio worker
        assertThat(pods.exists("data", "db-1")).isTrue();
        assertThat(claimExists("data", "data-db-1")).isTrue();
        assertThat(pods.exists("data", "db-2")).isTrue();
        assertThat(claimExists("data", "data-db-2")).isTrue();
        assertThat(pods.exists("data", "web-0")).isTrue();
        assertThat(claimExists("data", "data-web-0")).isTrue();
        assertThat(pods.exists("default", "alluxio-worker-577545dc9-2q7z7")).isTrue();
        assertThat(claimExists("default", "cache-alluxio-worker")).isTrue();
        assertThat(pods.exists("data", "db-9")).isTrue();
        assertThat(pvc("data", "data-db-9").getMetadata().getDeletionTimestamp()).isNull();
        await().atMost(Duration.ofSeconds(5)).until(() -> slack.texts().stream().anyMatch(t ->
                t.contains("Done: delete the local PVC and force-delete the pod: PVC data/data-db-0 of pod data/db-0")));
    }

    /** db-0 on the dead node, its PVC on a local-path volume there; {@code secondNode} beside one Ready node. */
    private void givenDb0OnTheDeadNode(io.fabric8.kubernetes.api.model.Node secondNode) {
        create(client, aReadyNode("alluxio-e2e-worker"), secondNode, aNotReadyNode(DEAD));
        client.persistentVolumes().resource(volume("pv-db-0", "local-path", DEAD)).create();
        client.persistentVolumeClaims().resource(claim("data", "data-db-0", "pv-db-0", "local-path")).create();
        pods = NodePodLists.serve(server, "alluxio-e2e-worker", "alluxio-e2e-worker2", DEAD);
        pods.add(podWith("data", "db-0", DEAD, "data-db-0", Map.of("app", "db")), null);
    }

    @Test
    void should_change_nothing_in_dry_run() throws Exception {
        givenDb0OnTheDeadNode(aReadyNode("alluxio-e2e-worker2"));

        startReaper(Map.of("reaper.local-volumes.enabled", "true", "reaper.dry-run", "true"));

        await().atMost(Duration.ofSeconds(10)).until(() -> slack.texts().stream().anyMatch(t -> t.contains(
                "[DRY-RUN] Would delete the local PVC and force-delete the pod: PVC data/data-db-0 of pod data/db-0")));
        reaper.awaitCycles(2);
        assertThat(pods.exists("data", "db-0")).isTrue();
        assertThat(pods.deletes()).isEmpty();
        assertThat(pvc("data", "data-db-0").getMetadata().getDeletionTimestamp()).isNull();
    }

    @Test
    void should_change_nothing_while_the_safety_breaker_is_open() throws Exception {
        givenDb0OnTheDeadNode(aNotReadyNode("alluxio-e2e-worker2")); // two of three nodes down

        startReaper(ON);
        reaper.awaitCycles(3);

        assertThat(pods.exists("data", "db-0")).isTrue();
        assertThat(pvc("data", "data-db-0").getMetadata().getDeletionTimestamp()).isNull();
    }

    @Test
    void should_clear_the_finalizers_of_a_released_pvc_that_stays_terminating() throws Exception {
        create(client, aReadyNode("alluxio-e2e-worker"), aReadyNode("alluxio-e2e-worker2"), aNotReadyNode(DEAD));
        pods = NodePodLists.serve(server, "alluxio-e2e-worker", "alluxio-e2e-worker2", DEAD);
        client.persistentVolumes().resource(volume("pv-db-3", "local-path", DEAD)).create();
        client.persistentVolumeClaims().resource(claim("data", "data-db-3", "pv-db-3", "local-path")).create();
        client.persistentVolumes().resource(volume("pv-db-4", "fast-ssd", DEAD)).create();
        client.persistentVolumeClaims().resource(claim("data", "data-db-4", "pv-db-4", "fast-ssd")).create();
        // deleted: held Terminating by its pvc-protection finalizer
        client.persistentVolumeClaims().inNamespace("data").withName("data-db-3").delete();
        client.persistentVolumeClaims().inNamespace("data").withName("data-db-4").delete();
        assertThat(pvc("data", "data-db-3").getMetadata().getDeletionTimestamp()).isNotNull();

        startReaper(ON);

        await().atMost(Duration.ofSeconds(20)).until(() -> claimDeleted("data", "data-db-3"));
        reaper.awaitCycles(2);
        // a storage class not allowed keeps its finalizer
        assertThat(pvc("data", "data-db-4").getMetadata().getFinalizers()).containsExactly("kubernetes.io/pvc-protection");
    }
}
