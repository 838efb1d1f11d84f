package io.offlineworkerreaper;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.offlineworkerreaper.demo.ClusterObjects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static io.offlineworkerreaper.Scenario.CLUSTER;
import static io.offlineworkerreaper.Scenario.aNotReadyNode;
import static io.offlineworkerreaper.Scenario.aReadyNode;
import static io.offlineworkerreaper.Scenario.authorizedKey;
import static io.offlineworkerreaper.Scenario.create;
import static io.offlineworkerreaper.Scenario.heartbeatKey;
import static io.offlineworkerreaper.Scenario.podExists;
import static io.offlineworkerreaper.alluxio.WorkerRegistryTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One scenario per row of shared/fixtures/alluxio-etcd/README.md's table and per value format, the whole
 * application against the API emulator and a real etcd: in each, node worker3 died with its worker (lease
 * expired) and node worker4 is NotReady while its worker still heartbeats (a partition). The dead worker's pod
 * AND keys must go; the live worker's pod and keys must stay.
 */
class AlluxioFormsRoutesTest extends ReaperWorld {

    static final String DEAD_POD = "alluxio-worker-577545dc9-2q7z7";
    static final String LIVE_POD = "alluxio-worker-577545dc9-x4live";
    static final String HEALTHY_POD = "alluxio-worker-577545dc9-6hjj9";

    /** The release whose membership code writes the forms it writes (308 to 313 write the same, measured). */
    static final String ALLUXIO_RELEASE = "313";

    /**
     * A registration form: how the worker pods look, and what Alluxio writes for a worker in a pod.
     *
     * @param name     as the test report shows it
     * @param selector reaper.workers.selector for this chart
     * @param pod      a worker pod of this chart: (pod name, node, pod IP) -> pod
     * @param address  the worker's Host and ContainerHost in this chart: pod -> [Host, ContainerHost]
     * @param fixture  null: the value is written by Alluxio's own code ({@link #ALLUXIO_RELEASE}); else the
     *                 shared fixture of a form no published release writes
     */
    record Form(String name, String selector, PodMaker pod, AddressMaker address, String fixture) {
        @Override
        public String toString() {
            return name + (fixture == null ? " (written by Alluxio " + ALLUXIO_RELEASE + ")" : " (fixture)");
        }

        /** The value Alluxio writes for worker {@code workerId} in {@code pod}. */
        String value(String workerId, Pod pod) throws Exception {
            String[] at = address.make(pod);
            return fixture == null ? WRITTEN.get(new AlluxioReleases.Registration(WRITING_CLUSTER,
                    workerId.substring("worker-".length()), at[0], at[1]))
                    : fixtureFor(fixture, workerId, at[0], at[1]);
        }
    }

    interface PodMaker {
        Pod make(String name, String node, String podIp);
    }

    interface AddressMaker {
        String[] make(Pod pod);
    }

    static final String DEAD_ID = Scenario.WORKER_3;
    static final String LIVE_ID = "worker-44444444-0000-4000-8000-000000000004";
    static final String HEALTHY_ID = Scenario.WORKER_2;
    /** Where Alluxio's code registers the workers whose values the forms take (each form's own cluster is CLUSTER). */
    static final String WRITING_CLUSTER = "forms";
    /** The values Alluxio's code wrote, by worker: registered once for the class. */
    static final Map<AlluxioReleases.Registration, String> WRITTEN = new java.util.concurrent.ConcurrentHashMap<>();

    @org.junit.jupiter.api.BeforeAll
    static void registerWithAlluxiosOwnCode() throws Exception {
        java.util.Set<AlluxioReleases.Registration> needed = new java.util.LinkedHashSet<>();
        for (Form form : forms().filter(f -> f.fixture() == null).toList()) {
            for (String[] worker : List.of(new String[] {DEAD_ID, DEAD_POD, "alluxio-e2e-worker3", "10.244.4.5"},
                    new String[] {LIVE_ID, LIVE_POD, "alluxio-e2e-worker4", "10.244.5.5"},
                    new String[] {HEALTHY_ID, HEALTHY_POD, "alluxio-e2e-worker2", "10.244.1.14"})) {
                String[] at = form.address().make(form.pod().make(worker[1], worker[2], worker[3]));
                needed.add(new AlluxioReleases.Registration(WRITING_CLUSTER, worker[0].substring("worker-".length()),
                        at[0], at[1]));
            }
        }
        // one id, several addresses: each address in a cluster of its own, then renamed back
        List<AlluxioReleases.Registration> distinct = new java.util.ArrayList<>();
        Map<AlluxioReleases.Registration, AlluxioReleases.Registration> asWritten = new java.util.HashMap<>();
        for (AlluxioReleases.Registration r : needed) {
            AlluxioReleases.Registration w = new AlluxioReleases.Registration(WRITING_CLUSTER + "-" + distinct.size(),
                    r.uuid(), r.host(), r.containerHost());
            distinct.add(w);
            asWritten.put(r, w);
        }
        Map<AlluxioReleases.Registration, String> values = AlluxioReleases.written(ALLUXIO_RELEASE, etcd.clientUrl(),
                registry::read, distinct);
        asWritten.forEach((r, w) -> WRITTEN.put(r, values.get(w)));
    }

    static final String CURRENT_CHART = "app.kubernetes.io/name=alluxio,app.kubernetes.io/component=worker";
    static final String OPERATOR_CHART = "app=alluxio,role=alluxio-worker";

    static Pod currentChartPod(String name, String node, String ip) {
        return ClusterObjects.workerPod("default", name, node, ip);
    }

    static Pod operatorChartPod(String name, String node, String ip) {
        Pod pod = ClusterObjects.workerPod("default", name, node, ip);
        pod.getMetadata().setLabels(ClusterObjects.OPERATOR_WORKER_LABELS);
        return pod;
    }

    static Pod hostNetworkPod(String name, String node, String ignoredPodIp) {
        String nodeIp = ClusterObjects.nodeIp(node);
        return new PodBuilder(ClusterObjects.workerPod("default", name, node, nodeIp)).editSpec()
                .withHostNetwork(true).endSpec().build();
    }

    /** The fixture's value with its address fields set for this pod, so that field order and the rest stay Alluxio's. */
    static String fixtureFor(String file, String workerId, String host, String containerHost) throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(fixture(file));
        var address = (com.fasterxml.jackson.databind.node.ObjectNode) root.get("WorkerNetAddress");
        address.put("Host", host).put("ContainerHost", containerHost);
        if (root.has("ServiceEntityName")) {
            root.put("ServiceEntityName", workerId);
        }
        return root.toString();
    }

    static Stream<Form> forms() {
        AddressMaker podIp = pod -> new String[] {pod.getStatus().getPodIP(), ""};
        return Stream.of(
                new Form("current chart, Host = pod IP", CURRENT_CHART, AlluxioFormsRoutesTest::currentChartPod,
                        podIp, null),
                new Form("current chart on hostNetwork, Host = node IP", CURRENT_CHART,
                        AlluxioFormsRoutesTest::hostNetworkPod, pod -> new String[] {pod.getStatus().getHostIP(), ""},
                        null),
                new Form("k8s-operator chart, Host = pod IP", OPERATOR_CHART, AlluxioFormsRoutesTest::operatorChartPod,
                        podIp, null),
                new Form("2.x chart, Host = node IP, ContainerHost = pod IP", OPERATOR_CHART,
                        AlluxioFormsRoutesTest::operatorChartPod,
                        pod -> new String[] {pod.getStatus().getHostIP(), pod.getStatus().getPodIP()}, null),
                new Form("no alluxio.worker.hostname, Host = pod name", CURRENT_CHART,
                        AlluxioFormsRoutesTest::currentChartPod, pod -> new String[] {pod.getMetadata().getName(), ""},
                        null),
                new Form("value without State and GenerationNumber", CURRENT_CHART,
                        AlluxioFormsRoutesTest::currentChartPod, podIp, "worker-without-state-fields.json"),
                new Form("earlier 3.x value without Identity, MD5 key id", CURRENT_CHART,
                        AlluxioFormsRoutesTest::currentChartPod, podIp,
                        "worker-md5-era-6e715648b6f308cd8c90df531c76a028.json"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forms")
    void should_remove_the_dead_worker_with_its_keys_and_leave_the_live_one(Form form) throws Exception {
        // given a dead worker on worker3, a live one on NotReady worker4, a healthy one on worker2
        String dead = form.name().contains("MD5") ? "6e715648b6f308cd8c90df531c76a028" : DEAD_ID;
        String live = form.name().contains("MD5") ? "1f3870be274f6c49b3e31a0c6728957f" : LIVE_ID;
        String healthy = form.name().contains("MD5") ? "9e107d9d372bb6826bd81d3542a419d6" : HEALTHY_ID;
        create(client, aReadyNode("alluxio-e2e-worker"), aReadyNode("alluxio-e2e-worker2"),
                aNotReadyNode("alluxio-e2e-worker3"), aNotReadyNode("alluxio-e2e-worker4"));
        Pod deadPod = form.pod().make(DEAD_POD, "alluxio-e2e-worker3", "10.244.4.5");
        Pod livePod = form.pod().make(LIVE_POD, "alluxio-e2e-worker4", "10.244.5.5");
        Pod healthyPod = form.pod().make(HEALTHY_POD, "alluxio-e2e-worker2", "10.244.1.14");
        create(client, deadPod, livePod, healthyPod,
                Scenario.aPod("default", "spark-client-7d4b9", "alluxio-e2e-worker3", "10.244.4.9", Map.of("app", "spark")));
        registry.put(authorizedKey(CLUSTER, dead), form.value(dead, deadPod)); // its lease expired
        registry.registerLiveWorkerWithValue(CLUSTER, live, form.value(live, livePod), 30);
        registry.registerLiveWorkerWithValue(CLUSTER, healthy, form.value(healthy, healthyPod), 30);

        // when the reaper runs with the chart's selector
        startReaper(Map.of("reaper.workers.selector", form.selector(), "reaper.safety.max-unhealthy", "100%"));

        // then the dead worker's pod and key go
        await().atMost(Duration.ofSeconds(20)).until(() -> !podExists(client, "default", DEAD_POD)
                && !registry.exists(authorizedKey(CLUSTER, dead)));
        reaper.awaitCycles(2);
        // and the live worker on the NotReady node, the healthy one and the bystander stay, keys included
        assertThat(podExists(client, "default", LIVE_POD)).isTrue();
        assertThat(podExists(client, "default", HEALTHY_POD)).isTrue();
        assertThat(podExists(client, "default", "spark-client-7d4b9")).isTrue();
        assertThat(registry.read("/")).containsOnlyKeys(authorizedKey(CLUSTER, live), heartbeatKey(CLUSTER, live),
                authorizedKey(CLUSTER, healthy), heartbeatKey(CLUSTER, healthy));
        // and Slack was told of the removal and of the refusal, and of nothing misconfigured
        await().atMost(Duration.ofSeconds(5)).until(() -> slack.texts().size() >= 2);
        reaper.awaitCycles(1);
        assertThat(slack.texts()).hasSize(2);
        assertThat(slack.texts()).anySatisfy(t -> assertThat(t).contains("Removed offline Alluxio worker " + dead,
                authorizedKey(CLUSTER, dead)));
        assertThat(slack.texts()).anySatisfy(t -> assertThat(t).contains("Not removing Alluxio worker " + live,
                "still heartbeating"));
        assertThat(List.copyOf(slack.texts())).noneSatisfy(t -> assertThat(t).contains("fix:"));
    }
}
