package io.offlineworkerreaper;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.offlineworkerreaper.demo.ClusterObjects;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.Scenario.CLUSTER;
import static io.offlineworkerreaper.Scenario.WORKER_1;
import static io.offlineworkerreaper.Scenario.WORKER_2;
import static io.offlineworkerreaper.Scenario.WORKER_3;
import static io.offlineworkerreaper.Scenario.aReadyNode;
import static io.offlineworkerreaper.Scenario.aWorkerPod;
import static io.offlineworkerreaper.Scenario.authorizedKey;
import static io.offlineworkerreaper.Scenario.create;
import static io.offlineworkerreaper.Scenario.heartbeatKey;
import static io.offlineworkerreaper.Scenario.podExists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * reaper.detection=watch: with a check interval of a minute, only the watches can make the reaper act within
 * seconds. Asserted on the world: the dead worker's pod and keys gone, within the target, everything else kept.
 */
class WatchModeTest extends ReaperWorld {

    KubernetesMockServer server;

    private static final String DEAD_POD = "alluxio-worker-577545dc9-2q7z7";
    /** A minute between timer cycles: anything faster than that is the watches' doing. */
    private static final Map<String, String> WATCH = Map.of("reaper.detection", "watch",
            "reaper.check-interval", "60s");

    /** The seed crash, every worker heartbeating, the dead node's on a 2 s lease. */
    private void crashWithTheDeadWorkerStillHeartbeating() {
        Scenario.seedCrash(client);
        registry.registerLiveWorker(CLUSTER, WORKER_1, "10.244.3.7", 30);
        registry.registerLiveWorker(CLUSTER, WORKER_2, "10.244.1.14", 30);
        registry.registerLiveWorker(CLUSTER, WORKER_3, "10.244.4.5", 2);
    }

    @Test
    void a_heartbeat_that_expires_on_a_not_ready_node_is_acted_on_within_a_second() throws Exception {
        // given a node NotReady for five minutes whose worker still heartbeats (2 s lease)
        crashWithTheDeadWorkerStillHeartbeating();
        startReaper(WATCH);
        await().atMost(Duration.ofSeconds(10)).until(() -> log().contains("Heartbeat watch: watching")
                && reaper.cyclesRun() >= 1);
        reaper.awaitFirstCycleEnded();
        assertThat(podExists(client, "default", DEAD_POD)).as("refused while the worker heartbeats").isTrue();

        // when the worker's lease expires
        registry.stopHeartbeat(WORKER_3);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                .until(() -> !registry.exists(heartbeatKey(CLUSTER, WORKER_3)));
        Instant expired = Instant.now();

        // then the pod and the /DHT key are gone within a second, long before the next timer cycle
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() ->
                !podExists(client, "default", DEAD_POD) && !registry.exists(authorizedKey(CLUSTER, WORKER_3)));
        Duration latency = Duration.between(expired, Instant.now());
        System.out.println("watch mode: lease expiry -> pod and key gone in " + latency.toMillis() + " ms");
        assertThat(latency).isLessThanOrEqualTo(Duration.ofSeconds(1));
        // and the live workers stay
        assertThat(podExists(client, "default", "alluxio-worker-577545dc9-5vt8k")).isTrue();
        assertThat(podExists(client, "default", "alluxio-worker-577545dc9-6hjj9")).isTrue();
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_1))).isTrue();
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_2))).isTrue();
    }

    /**
     * The reaper's node and worker pod informers watch (not only listed): the emulator, unlike an API server,
     * does not replay to a watch the events made before it opened, so a crash sent before then would be missed.
     */
    private static boolean watching(RunningReaper reaper) {
        return reaper.context().hasService(io.offlineworkerreaper.cycle.NodeWatch.class).isWatching()
                && reaper.context().hasService(io.offlineworkerreaper.cycle.WorkerPodWatch.class).isWatching();
    }

    @Test
    void a_heartbeat_deletion_is_acted_on_from_the_caches_without_listing_anything() throws Exception {
        // given the crash, the live workers and the dying one heartbeating, and a reaper whose watches all synced
        crashWithTheDeadWorkerStillHeartbeating();
        startReaper(WATCH);
        await().atMost(Duration.ofSeconds(15)).until(() -> log().contains("Worker pod watch: listing done")
                && log().contains("registry watch:") && log().contains("Node watch: listing done") && watching(reaper));
        reaper.awaitFirstCycleEnded();
        AtomicInteger listed = new AtomicInteger();
        AtomicInteger read = new AtomicInteger();
        org.apache.camel.builder.AdviceWith.adviceWith(reaper.context(), "find-offline-workers", route -> {
            route.weaveById("list-worker-pods").before().process(e -> listed.incrementAndGet());
            route.weaveById("read-authorized-workers").before().process(e -> read.incrementAndGet());
            route.weaveById("read-heartbeats").before().process(e -> read.incrementAndGet());
        });
        // the cycles the watches' syncs requested have run: none in flight for a while
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10))
                .until(() -> reaper.context().getInflightRepository().size("check-nodes") == 0);
        while (server.takeRequest(100, java.util.concurrent.TimeUnit.MILLISECONDS) != null) {
            // what came before the expiry
        }

        // when the worker's lease expires
        registry.stopHeartbeat(WORKER_3);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() ->
                !podExists(client, "default", DEAD_POD) && !registry.exists(authorizedKey(CLUSTER, WORKER_3)));

        // then the cycle it started took the nodes, the worker pods, the registry and the control ConfigMap (the
        // pause) from memory: no list of the API server, no read of etcd, no GET of the ConfigMap; it only re-read
        // the one pod before acting on it, and deleted it
        List<String> requests = new java.util.ArrayList<>();
        io.fabric8.mockwebserver.http.RecordedRequest request;
        while ((request = server.takeRequest(200, java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
            requests.add(request.getMethod() + " " + request.getPath());
        }
        assertThat(listed).hasValue(0);
        assertThat(read).hasValue(0);
        assertThat(requests).noneMatch(r -> r.startsWith("GET /api/v1/nodes") || r.startsWith("GET /api/v1/pods")
                || r.matches("GET /api/v1/namespaces/default/pods(\\?.*)?") || r.startsWith("GET /api/v1/namespaces/"
                + "offline-worker-reaper/configmaps"));
        assertThat(requests).contains("GET /api/v1/namespaces/default/pods/" + DEAD_POD,
                "DELETE /api/v1/namespaces/default/pods/" + DEAD_POD);
        assertThat(podExists(client, "default", "alluxio-worker-577545dc9-5vt8k")).isTrue();
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_1))).isTrue();
    }

    @Test
    void in_poll_mode_the_same_expiry_waits_for_the_timer() throws Exception {
        // the control: same cluster, same minute-long interval, no watches
        Scenario.seedCrash(client);
        registry.registerLiveWorker(CLUSTER, WORKER_3, "10.244.4.5", 2);
        startReaper(Map.of("reaper.check-interval", "60s"));
        await().atMost(Duration.ofSeconds(10)).until(() -> reaper.cyclesRun() >= 1);
        reaper.awaitFirstCycleEnded();

        registry.stopHeartbeat(WORKER_3);
        await().atMost(Duration.ofSeconds(10)).until(() -> !registry.exists(heartbeatKey(CLUSTER, WORKER_3)));

        // then for 3 s after the expiry nothing happens: poll mode waits for its next cycle, a minute away
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() ->
                podExists(client, "default", DEAD_POD) && registry.exists(authorizedKey(CLUSTER, WORKER_3)));
    }

    @Test
    void a_node_turning_not_ready_is_acted_on_once_not_ready_for_long_enough() throws Exception {
        // given a healthy cluster whose worker3 has no heartbeat any more (its lease is gone)
        create(client, aReadyNode("alluxio-e2e-worker"), aReadyNode("alluxio-e2e-worker2"),
                aReadyNode("alluxio-e2e-worker3"));
        create(client, aWorkerPod("alluxio-worker-577545dc9-5vt8k", "alluxio-e2e-worker", "10.244.3.7"),
                aWorkerPod(DEAD_POD, "alluxio-e2e-worker3", "10.244.4.5"));
        registry.registerLiveWorker(CLUSTER, WORKER_1, "10.244.3.7", 30);
        registry.authorize(CLUSTER, WORKER_3, "10.244.4.5");
        startReaper(Map.of("reaper.detection", "watch", "reaper.check-interval", "60s",
                "reaper.nodes.not-ready-for", "2s"));
        await().atMost(Duration.ofSeconds(10)).until(() -> log().contains("Node watch: listing done") && watching(reaper)
                && reaper.cyclesRun() >= 1);
        reaper.awaitFirstCycleEnded();

        // when the node turns NotReady
        Instant crash = crash(client, "alluxio-e2e-worker3");

        // then nothing happens before reaper.nodes.not-ready-for, and the worker goes right after it
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                .until(() -> !podExists(client, "default", DEAD_POD));
        Duration afterCrash = Duration.between(crash, Instant.now());
        System.out.println("watch mode: NotReady -> pod gone in " + afterCrash.toMillis()
                + " ms (not-ready-for 2 s)");
        assertThat(afterCrash).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(3));
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_3))).isFalse();
        assertThat(podExists(client, "default", "alluxio-worker-577545dc9-5vt8k")).isTrue();
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_1))).isTrue();
    }

    @Test
    void the_node_watch_recovers_from_a_dropped_watch_and_from_410_gone() throws Exception {
        // given an API server that drops the first node watch and answers the second with 410 Gone
        FaultyWatches dispatcher = new FaultyWatches(List.of(FaultyWatches.DROP, FaultyWatches.GONE));
        KubernetesMockServer api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                dispatcher, false);
        api.init();
        try (NamespacedKubernetesClient faulty = api.createClient()) {
            create(faulty, aReadyNode("alluxio-e2e-worker"), aReadyNode("alluxio-e2e-worker2"),
                    aReadyNode("alluxio-e2e-worker3"));
            create(faulty, aWorkerPod(DEAD_POD, "alluxio-e2e-worker3", "10.244.4.5"));
            registry.authorize(CLUSTER, WORKER_3, "10.244.4.5");
            reaper = RunningReaper.start(faulty, etcd.clientUrl(), slack, Map.of("reaper.detection", "watch",
                    "reaper.check-interval", "60s", "reaper.nodes.not-ready-for", "1s"));

            // when both faults have happened and the informer watches again
            // (the dispatcher counts a watch when it is asked for, before it is open: the reaper's own node
            // informer says when it really watches, so that the crash below is not sent into the gap)
            // (fabric8's Vert.x WebSocket can fail a reconnect so that the informer stops retrying: the reaper then
            // starts a new one after StuckWatch.LIMIT, 45 s; hence the two minutes)
            await().atMost(Duration.ofSeconds(120)).until(() -> dispatcher.faultsLeft() == 0
                    && dispatcher.watches.get() > 2
                    && watching(reaper));
            assertThat(dispatcher.lists.get()).as("re-listed after 410 Gone").isGreaterThanOrEqualTo(2);
            reaper.awaitFirstCycleEnded();
            Instant crash = crash(faulty, "alluxio-e2e-worker3");

            // then a node turning NotReady is still seen at once: removed 1 s (not-ready-for) later, not in 60 s
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                    .until(() -> !podExists(faulty, "default", DEAD_POD));
            assertThat(Duration.between(crash, Instant.now())).isLessThan(Duration.ofSeconds(3));
            assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_3))).isFalse();
            assertThat(podExists(faulty, "default", DEAD_POD)).isFalse();
            assertThat(faulty.nodes().list().getItems()).hasSize(3);
        } finally {
            reaper.close();
            reaper = null;
            api.destroy();
        }
    }

    private static Instant crash(io.fabric8.kubernetes.client.KubernetesClient client, String node) {
        Instant crash = Instant.now();
        client.nodes().withName(node).edit(n -> {
            n.getStatus().setConditions(List.of(ClusterObjects.readyCondition("Unknown", crash)));
            return n;
        });
        return crash;
    }

    /** The CRUD API emulator, except that the first node watches fail the way real ones do. */
    static final class FaultyWatches extends KubernetesCrudDispatcher {
        static final String DROP = "drop";
        static final String GONE = "gone";
        final AtomicInteger watches = new AtomicInteger();
        final AtomicInteger lists = new AtomicInteger();
        private final Queue<String> faults;

        FaultyWatches(List<String> faults) {
            this.faults = new ConcurrentLinkedQueue<>(faults);
        }

        int faultsLeft() {
            return faults.size();
        }

        @Override
        public MockResponse handleGet(String path) {
            if ((path.equals("/api/v1/nodes") || path.startsWith("/api/v1/nodes?")) && !path.contains("watch=true")) {
                lists.incrementAndGet();
            }
            return super.handleGet(path);
        }

        @Override
        public MockResponse handleWatch(String path) {
            if (!path.startsWith("/api/v1/nodes")) {
                return super.handleWatch(path);
            }
            watches.incrementAndGet();
            String fault = faults.poll();
            if (fault == null) {
                return super.handleWatch(path);
            }
            return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
                @Override
                public void onOpen(WebSocket socket, Response response) {
                    if (GONE.equals(fault)) {
                        // what the API server sends when the informer's resourceVersion was compacted away
                        socket.send("{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                                + "\"status\":\"Failure\",\"message\":\"too old resource version: 1 (42)\","
                                + "\"reason\":\"Expired\",\"code\":410}}");
                    }
                    socket.close(1000, GONE.equals(fault) ? "gone" : "dropped by the test");
                }
            });
        }
    }
}
