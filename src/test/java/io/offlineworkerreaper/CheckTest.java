package io.offlineworkerreaper;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.offlineworkerreaper.demo.AccessReviewingDispatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.Scenario.CLUSTER;
import static io.offlineworkerreaper.Scenario.WORKER_2;
import static io.offlineworkerreaper.Scenario.WORKER_3;
import static io.offlineworkerreaper.Scenario.authorizedKey;
import static io.offlineworkerreaper.Scenario.heartbeatKey;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --check} against an emulated API server that answers SelfSubjectAccessReviews and a real etcd: the table,
 * the findings, the permissions, the exit code; and that it changes nothing.
 */
class CheckTest extends EtcdWorld {

    /** Permissions the emulated cluster denies, as "verb resource namespace". */
    final Set<String> denied = ConcurrentHashMap.newKeySet();
    KubernetesMockServer api;
    NamespacedKubernetesClient client;

    @BeforeEach
    void startApi() {
        api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new AccessReviewingDispatcher(a -> !denied.contains(a.getVerb() + " " + a.getResource() + " "
                        + a.getNamespace())), false);
        api.init();
        client = api.createClient();
    }

    @AfterEach
    void stopApi() {
        client.close();
        api.destroy();
    }

    record Result(int exit, String out) {
    }

    private Result check(Map<String, String> settings) throws Exception {
        Map<String, String> all = new HashMap<>(RunningReaper.settings(etcd.clientUrl(), null, Map.of()));
        all.put("reaper.nodes.not-ready-for", "30s");
        all.putAll(settings);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = Check.run(Reaper.create(Check.settings(all), client), new PrintStream(out, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void should_print_every_worker_pod_with_its_verdict_and_change_nothing() throws Exception {
        // given the seed crash, worker3's lease expired, and worker2 heartbeating
        Scenario.seedCrash(client, registry);
        Map<String, String> before = registry.read("/");

        Result result = check(Map.of());

        assertThat(result.exit()).isZero();
        assertThat(result.out()).contains("WORKER PODS (3)",
                "default/alluxio-worker-577545dc9-2q7z7  alluxio-e2e-worker3  Unknown",
                WORKER_3 + "  expired    REMOVE the pod and " + authorizedKey(CLUSTER, WORKER_3),
                WORKER_2 + "  alive      none: node Ready",
                "etcd: answers: 3 registration(s)", "RESULT: OK, nothing is wrong (exit 0)");
        assertThat(columns(result.out())).contains("list nodes (cluster-wide) yes", "delete pods -n default yes",
                "get configmaps/offline-worker-reaper-control -n offline-worker-reaper yes read the pause");
        // and nothing changed
        assertThat(registry.read("/")).isEqualTo(before);
        assertThat(client.pods().inAnyNamespace().list().getItems()).hasSize(3);
        assertThat(client.v1().events().inAnyNamespace().list().getItems()).isEmpty();
    }

    @Test
    void should_show_a_live_worker_on_a_not_ready_node_as_refused() throws Exception {
        Scenario.seedCrash(client);
        registry.registerLiveWorker(CLUSTER, WORKER_3, "10.244.4.5", 30);

        Result result = check(Map.of());

        assertThat(result.exit()).isZero();
        assertThat(result.out()).contains("alive      REFUSE STILL_HEARTBEATING: worker " + WORKER_3);
    }

    /**
     * --check and the cycle share the pipeline (Inspection): on one cluster with a dead worker, a live worker on a
     * NotReady node and a pod matching no registration while a heartbeat matches no pod, --check shows for each
     * worker pod the verdict the reaper's own cycle (dry-run) takes.
     */
    @Test
    void should_give_each_worker_pod_the_verdict_the_cycle_gives() throws Exception {
        Scenario.seedCrash(client, registry);
        Scenario.create(client, Scenario.aNotReadyNode("alluxio-e2e-worker4"), Scenario.aNotReadyNode("alluxio-e2e-worker5"),
                Scenario.aReadyNode("spare-1"), Scenario.aReadyNode("spare-2"), Scenario.aReadyNode("spare-3")); // breaker closed
        Scenario.create(client, Scenario.aWorkerPod("alluxio-worker-577545dc9-4live", "alluxio-e2e-worker4", "10.244.5.5"),
                Scenario.aWorkerPod("alluxio-worker-577545dc9-5none", "alluxio-e2e-worker5", "10.244.6.6"));
        registry.registerLiveWorker(CLUSTER, "worker-4d4d4d4d-0000-4000-8000-000000000004", "10.244.5.5", 30);
        registry.registerLiveWorker(CLUSTER, "worker-9e9e9e9e-0000-4000-8000-000000000009", "10.9.9.9", 30);

        String table = check(Map.of()).out();
        Map<String, String> cycle = new HashMap<>();
        try (RunningReaper reaper = RunningReaper.start(client, etcd.clientUrl(), null, Map.of("reaper.dry-run", "true"))) {
            reaper.awaitCycles(1);
            com.fasterxml.jackson.databind.JsonNode status = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                    reaper.context().getRegistry().lookupByNameAndType("status", io.offlineworkerreaper.observe.StatusPage.class).json());
            status.get("workerPods").forEach(p -> cycle.put(p.get("pod").asText(), p.get("verdict").asText()));
        }

        assertThat(cycle).containsOnlyKeys("default/alluxio-worker-577545dc9-2q7z7", "default/alluxio-worker-577545dc9-4live",
                "default/alluxio-worker-577545dc9-5none");
        assertThat(cycle.values()).containsExactlyInAnyOrder("REMOVE", "STILL_HEARTBEATING", "UNACCOUNTED_HEARTBEATS");
        cycle.forEach((pod, verdict) -> assertThat(table.lines().filter(l -> l.startsWith(pod + " ")))
                .as("--check's row of %s", pod).singleElement().asString()
                .contains(verdict.equals("REMOVE") ? "REMOVE " : "REFUSE " + verdict + ": "));
    }

    @Test
    void should_list_the_removals_asked_for_and_the_nodes_confirmed_off_with_their_verdicts() throws Exception {
        Scenario.seedCrash(client, registry);
        client.pods().inNamespace("default").withName("alluxio-worker-577545dc9-2q7z7").edit(p -> new io.fabric8.kubernetes
                .api.model.PodBuilder(p).editMetadata().addToAnnotations(
                        io.offlineworkerreaper.kubernetes.RemovalRequest.ANNOTATION, "rack 7").endMetadata().build());
        client.nodes().withName("alluxio-e2e-worker3").edit(n -> new io.fabric8.kubernetes.api.model.NodeBuilder(n)
                .editMetadata().addToAnnotations(io.offlineworkerreaper.optin.NodeConfirmations.ANNOTATION, "unplugged")
                .endMetadata().build());

        String out = check(Map.of()).out();

        assertThat(out).contains("REMOVALS ASKED FOR (offline-worker-reaper/remove)",
                "- default/alluxio-worker-577545dc9-2q7z7, asked by unknown", "verdict: REMOVE",
                "NODES CONFIRMED OFF", "- alluxio-e2e-worker3: confirmed off (offline-worker-reaper/confirmed-off=unplugged)");
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_3))).as("nothing changed").isTrue();
    }

    @Test
    void should_exit_2_with_the_selector_finding_and_its_fix() throws Exception {
        Scenario.seedCrash(client, registry);

        Result result = check(Map.of("reaper.workers.selector", "app=alluxio,role=alluxio-worker"));

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.out()).contains("WORKER PODS (0)",
                "reaper.workers.selector=app=alluxio,role=alluxio-worker matches no pod in namespace default",
                "fix: set reaper.workers.selector=app.kubernetes.io/component=worker,app.kubernetes.io/instance=alluxio,"
                        + "app.kubernetes.io/name=alluxio", "RESULT: 1 problem(s): selector-matches-nothing (exit 2)");
    }

    @Test
    void should_exit_2_with_the_cluster_finding_and_the_unaccounted_heartbeats() throws Exception {
        Scenario.seedCrash(client, registry);
        Result wrongCluster = check(Map.of("reaper.alluxio.cluster-name", "DefaultAlluxioCluster"));
        assertThat(wrongCluster.exit()).isEqualTo(2);
        assertThat(wrongCluster.out()).contains("fix: set reaper.alluxio.cluster-name=default-alluxio",
                "REFUSE EMPTY_REGISTRY");

        registry.registerLiveWorker(CLUSTER, "worker-99999999-0000-4000-8000-000000000009", "10.99.0.1", 30);
        Result stray = check(Map.of());
        assertThat(stray.exit()).isEqualTo(2);
        assertThat(stray.out()).contains("UNACCOUNTED HEARTBEATS (live, matching no worker pod): \n    "
                + heartbeatKey(CLUSTER, "worker-99999999-0000-4000-8000-000000000009") + " (Host 10.99.0.1, RpcPort 29999)");
    }

    /** The table with its column padding folded to one space: the widths follow the longest permission. */
    private static String columns(String out) {
        return out.replaceAll(" {2,}", " ");
    }

    @Test
    void should_exit_2_naming_each_permission_not_granted() throws Exception {
        Scenario.seedCrash(client, registry);
        denied.add("delete pods default");

        Result result = check(Map.of("reaper.detection", "watch"));

        assertThat(result.exit()).isEqualTo(2);
        assertThat(columns(result.out())).contains("watch nodes (cluster-wide) yes", "delete pods -n default NO",
                "RESULT: 1 problem(s): permission delete pods -n default (exit 2)");
    }

    @Test
    void should_exit_2_when_etcd_does_not_answer() throws Exception {
        Scenario.seedCrash(client);

        Result result = check(Map.of("reaper.etcd.endpoints", "http://127.0.0.1:" + freePort(),
                "reaper.etcd.timeout", "500ms"));

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.out()).contains("etcd: FAILED: ", "check reaper.etcd.endpoints");
    }

    @Test
    void should_list_unmatched_registrations_without_failing() throws Exception {
        Scenario.seedCrash(client, registry);
        registry.authorize(CLUSTER, "worker-88888888-0000-4000-8000-000000000008", "10.244.8.8");

        Result result = check(Map.of());

        assertThat(result.exit()).isZero();
        assertThat(result.out()).contains(authorizedKey(CLUSTER, "worker-88888888-0000-4000-8000-000000000008")
                + " (Host 10.244.8.8, RpcPort 29999)");
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
