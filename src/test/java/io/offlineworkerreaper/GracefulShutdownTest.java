package io.offlineworkerreaper;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.Scenario.CLUSTER;
import static io.offlineworkerreaper.Scenario.WORKER_3;
import static io.offlineworkerreaper.Scenario.authorizedKey;
import static io.offlineworkerreaper.Scenario.podExists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Shutdown (SIGTERM runs the same stop) while a cycle is stuck on etcd: bounded, and nothing half done. */
class GracefulShutdownTest extends ReaperWorld {

    @Test
    void should_abandon_a_stuck_cycle_within_the_shutdown_timeout_and_delete_nothing() throws Exception {
        // given a remediation due, and etcd frozen so that the cycle hangs in its etcd calls (5 s each, retried)
        Scenario.seedCrash(client, registry);
        etcd.pause();
        try {
            startReaper(Map.of("reaper.etcd.timeout", "5s"));
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    reaper.context().getInflightRepository().size("check-nodes") > 0 && reaper.cyclesRun() >= 1);

            // when the reaper is stopped mid-cycle
            long stopping = System.nanoTime();
            reaper.close();
            reaper = null;
            Duration took = Duration.ofNanos(System.nanoTime() - stopping);
            System.out.println("stop with a cycle stuck on etcd took " + took.toMillis() + " ms");

            // then it stopped within 10 s (camel.main.shutdown-timeout is 8 s)
            assertThat(took).isLessThan(Duration.ofSeconds(10));
        } finally {
            etcd.resume();
        }
        // and nothing was deleted on the way out
        assertThat(podExists(client, "default", "alluxio-worker-577545dc9-2q7z7")).isTrue();
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_3))).isTrue();
    }
}
