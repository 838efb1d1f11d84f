package io.offlineworkerreaper.cycle;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.etcd.jetcd.Client;
import io.offlineworkerreaper.alluxio.AlluxioKeys;
import io.offlineworkerreaper.alluxio.WorkerEntry;
import io.offlineworkerreaper.alluxio.WorkerRegistry;
import io.offlineworkerreaper.demo.AlluxioRegistry;
import io.offlineworkerreaper.demo.EtcdServer;
import io.offlineworkerreaper.settings.SecretMasker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The watch mode's registry cache against a real etcd of its own (stopped, restarted and compacted here): after
 * churn, a dropped watch and a compacted revision, it holds exactly what a full read of etcd holds.
 */
class RegistryWatchTest {

    private static final String CLUSTER = "default-alluxio";
    private static final String DHT = AlluxioKeys.authorizedPrefix(CLUSTER);
    private static final String SD = AlluxioKeys.heartbeatKey(CLUSTER, "");

    private EtcdServer etcd;
    private AlluxioRegistry registry;
    private RegistryWatch watch;
    private CycleScheduler cycles;
    private final AtomicInteger cyclesRun = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        etcd = EtcdServer.start(Files.createTempDirectory("registry-watch-etcd"));
        registry = new AlluxioRegistry(etcd.clientUrl());
        cycles = new CycleScheduler(Duration.ofHours(1), Duration.ofHours(1));
        cycles.scheduleTask(cyclesRun::incrementAndGet);
        cycles.startScheduler();
    }

    @AfterEach
    void stop() throws Exception {
        if (watch != null) {
            watch.stop();
        }
        cycles.stop();
        registry.close();
        etcd.close();
    }

    private void startWatch(Duration retry) throws Exception {
        watch = new RegistryWatch(() -> Client.builder().endpoints(etcd.clientUrl()).build(), DHT, SD, cycles, retry,
                new SecretMasker(List.of()));
        watch.start();
        await().atMost(Duration.ofSeconds(10)).until(watch::isWatching);
    }

    private static String id(int n) {
        return String.format("worker-%08d-0000-4000-8000-000000000000", n);
    }

    /** What a full read of etcd holds under the prefix, as the cache holds it: key -> host. */
    private Map<String, String> read(String prefix) {
        Map<String, String> hosts = new TreeMap<>();
        registry.read(prefix).forEach((key, value) -> hosts.put(key, WorkerRegistry.entryUnder(prefix, key, value).host()));
        return hosts;
    }

    private static Map<String, String> cached(WorkerRegistry registry) {
        Map<String, String> hosts = new TreeMap<>();
        if (registry != null) {
            registry.entries().forEach(e -> hosts.put(e.key(), e.host()));
        }
        return hosts;
    }

    private void awaitAgreement() {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(watch.isWatching()).isTrue();
            assertThat(cached(watch.authorized())).isEqualTo(read(DHT));
            assertThat(cached(watch.heartbeats())).isEqualTo(read(SD));
        });
    }

    /** Registrations come and go, values change, heartbeats expire. */
    private void churn(int from, int to) {
        for (int n = from; n < to; n++) {
            registry.authorize(CLUSTER, id(n), "10.244.0." + n);
            registry.put(SD + id(n), AlluxioRegistry.workerValue(id(n), "10.244.0." + n));
            if (n % 3 == 0) {
                registry.deletePrefix(SD + id(n)); // a heartbeat gone
            }
            if (n % 5 == 0) {
                registry.authorize(CLUSTER, id(n), "10.244.1." + n); // re-registered elsewhere
            }
            if (n % 7 == 0) {
                registry.deletePrefix(AlluxioKeys.authorizedKey(CLUSTER, id(n)));
            }
        }
    }

    @Test
    void should_agree_with_a_full_read_after_churn_and_start_a_cycle_per_heartbeat_gone() throws Exception {
        churn(0, 20);
        startWatch(Duration.ofMillis(500));
        assertThat(cached(watch.authorized())).isEqualTo(read(DHT));
        int before = cyclesRun.get();

        churn(20, 120);

        awaitAgreement();
        assertThat(cached(watch.authorized())).hasSize(120 - 18); // ids 0..119, those divisible by 7 deleted
        await().atMost(Duration.ofSeconds(5)).until(() -> cyclesRun.get() > before);
    }

    @Test
    void should_resume_a_dropped_watch_from_its_revision() throws Exception {
        // given the cache watching
        churn(0, 10);
        startWatch(Duration.ofSeconds(2));

        // when etcd goes away (both watches fail) and comes back, and keys change before the watches resume
        etcd.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> !watch.isWatching());
        assertThat(watch.authorized()).as("no cache while not watched: cycles read etcd").isNull();
        etcd.restart();
        churn(10, 30);

        // then the watches resume from the revision after the last event they saw: nothing is missed
        awaitAgreement();
        assertThat(cached(watch.heartbeats())).containsKey(SD + id(11));
    }

    @Test
    void should_read_everything_again_when_its_revision_was_compacted() throws Exception {
        // given the cache watching, then its watches failing, and, before they resume, keys changing and etcd
        // compacting the revisions they would resume from
        churn(0, 10);
        startWatch(Duration.ofSeconds(3));
        assertThat(watch.reads()).isEqualTo(1);
        watch.failWatches(new io.grpc.StatusRuntimeException(io.grpc.Status.UNAVAILABLE));
        assertThat(watch.isWatching()).isFalse();
        churn(10, 20);
        registry.deletePrefix(AlluxioKeys.authorizedKey(CLUSTER, id(1)));
        try (Client admin = Client.builder().endpoints(etcd.clientUrl()).build()) {
            long revision = admin.getKVClient().get(io.etcd.jetcd.ByteSequence.from("/", java.nio.charset.StandardCharsets.UTF_8))
                    .get().getHeader().getRevision();
            admin.getKVClient().compact(revision).get();
        }

        // then the watches, resuming from a compacted revision, make it read both prefixes again
        await().atMost(Duration.ofSeconds(15)).until(() -> watch.reads() == 2);
        awaitAgreement();
        assertThat(cached(watch.authorized())).doesNotContainKey(AlluxioKeys.authorizedKey(CLUSTER, id(1)))
                .containsKey(AlluxioKeys.authorizedKey(CLUSTER, id(19)));
    }

    @Test
    void should_hold_unreadable_values_as_entries_that_say_why() throws Exception {
        startWatch(Duration.ofMillis(500));
        registry.put(DHT + id(1), "not json");
        await().atMost(Duration.ofSeconds(5)).until(() -> watch.authorized().entries().size() == 1);
        WorkerEntry entry = watch.authorized().entries().get(0);
        assertThat(entry.readable()).isFalse();
        assertThat(entry.problem()).contains("not JSON");
    }
}
