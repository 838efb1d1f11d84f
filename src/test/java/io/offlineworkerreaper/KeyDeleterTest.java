package io.offlineworkerreaper;

import java.time.Duration;
import java.util.List;

import io.etcd.jetcd.Client;
import io.offlineworkerreaper.alluxio.AlluxioKeys;
import io.offlineworkerreaper.alluxio.KeyDeleter;
import io.offlineworkerreaper.decision.Remediation;
import io.offlineworkerreaper.decision.Remediations;
import io.offlineworkerreaper.kubernetes.WorkerPod;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.Scenario.CLUSTER;
import static io.offlineworkerreaper.Scenario.authorizedKey;
import static io.offlineworkerreaper.Scenario.heartbeatKey;
import static org.assertj.core.api.Assertions.assertThat;

/** The guarded deletion of a dead worker's keys, against a real etcd. */
class KeyDeleterTest extends EtcdWorld {

    private static final String DEAD = "worker-0d950643-73c0-461d-a694-ecc601819336";
    private static final String OLDER = "worker-5c9f3a10-6b1e-4f55-9d5c-2b7e8e0c1a77";
    private static final WorkerPod POD = Remediations.aWorkerPod("alluxio-worker-577545dc9-2q7z7", "uid-1",
            "10.244.4.5", new io.offlineworkerreaper.kubernetes.NotReadyNode("alluxio-e2e-worker3", "Unknown",
                    java.time.Instant.now().minusSeconds(300), Duration.ofMinutes(5)));

    private KeyDeleter keys() {
        return new KeyDeleter(() -> Client.builder().endpoints(etcd.clientUrl()).build(),
                AlluxioKeys.heartbeatKey(CLUSTER, ""), Duration.ofSeconds(2));
    }

    private static Remediation removalOf(io.offlineworkerreaper.alluxio.WorkerMatching.Registration... workers) {
        return new Remediation(POD, Remediation.Verdict.REMOVE, List.of(workers), "lease expired");
    }

    @Test
    void should_delete_a_dead_workers_key_while_its_heartbeat_is_still_absent() throws Exception {
        registry.authorize(CLUSTER, DEAD, "10.244.4.5");
        registry.authorize(CLUSTER, OLDER, "10.244.4.5");

        try (KeyDeleter keys = keys()) {
            KeyDeleter.Deletion deletion = keys.delete(removalOf(Remediations.aDeadWorker(DEAD, "10.244.4.5"),
                    Remediations.aDeadWorker(OLDER, "10.244.4.5")).workers());

            assertThat(deletion.complete()).isTrue();
            assertThat(deletion.deleted()).containsExactly(authorizedKey(CLUSTER, DEAD), authorizedKey(CLUSTER, OLDER));
        }
        assertThat(registry.read("/DHT/")).isEmpty();
    }

    @Test
    void should_keep_the_key_of_a_worker_that_re_registered_between_detection_and_delete() throws Exception {
        // given a worker the cycle read as dead (no heartbeat key) that has heartbeated again since
        registry.authorize(CLUSTER, DEAD, "10.244.4.5");
        registry.authorize(CLUSTER, OLDER, "10.244.4.5");
        Remediation readAsDead = removalOf(Remediations.aDeadWorker(OLDER, "10.244.4.5"),
                Remediations.aDeadWorker(DEAD, "10.244.4.5"));
        registry.heartbeat(CLUSTER, DEAD, "10.244.4.5", 30);

        // when the reaper deletes what it read
        KeyDeleter.Deletion deletion;
        try (KeyDeleter keys = keys()) {
            deletion = keys.delete(readAsDead.workers());
        }

        // then the worker that came back keeps both its keys, and the deletion says it is incomplete
        assertThat(deletion.complete()).isFalse();
        assertThat(deletion.cameBack()).containsExactly(DEAD);
        assertThat(deletion.deleted()).containsExactly(authorizedKey(CLUSTER, OLDER));
        assertThat(registry.exists(authorizedKey(CLUSTER, DEAD))).isTrue();
        assertThat(registry.exists(heartbeatKey(CLUSTER, DEAD))).isTrue();
        assertThat(registry.exists(authorizedKey(CLUSTER, OLDER))).isFalse();
    }

    @Test
    void should_delete_both_keys_of_a_worker_removed_while_heartbeating_when_so_configured() throws Exception {
        // reaper.alluxio.require-lease-expired=false: the planner hands over a live registration
        registry.registerLiveWorker(CLUSTER, DEAD, "10.244.4.5", 30);
        try (KeyDeleter keys = keys()) {
            KeyDeleter.Deletion deletion = keys.delete(removalOf(Remediations.aLiveWorker(DEAD, "10.244.4.5")).workers());
            assertThat(deletion.complete()).isTrue();
            assertThat(deletion.deleted()).containsExactly(heartbeatKey(CLUSTER, DEAD), authorizedKey(CLUSTER, DEAD));
        }
        assertThat(registry.read("/")).isEmpty();
    }
}
