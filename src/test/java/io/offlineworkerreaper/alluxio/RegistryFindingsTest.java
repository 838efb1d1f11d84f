package io.offlineworkerreaper.alluxio;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.offlineworkerreaper.demo.AlluxioRegistry;
import io.offlineworkerreaper.demo.ClusterObjects;
import io.offlineworkerreaper.kubernetes.PodIdentity;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.alluxio.WorkerMatchingTest.DEAD;
import static io.offlineworkerreaper.alluxio.WorkerMatchingTest.DHT;
import static io.offlineworkerreaper.alluxio.WorkerMatchingTest.LIVE;
import static io.offlineworkerreaper.alluxio.WorkerMatchingTest.SD;
import static io.offlineworkerreaper.alluxio.WorkerMatchingTest.registry;
import static org.assertj.core.api.Assertions.assertThat;

class RegistryFindingsTest {

    private final RegistryFindings audit = new RegistryFindings("default",
            "app.kubernetes.io/component=worker,app.kubernetes.io/name=alluxio", "default-alluxio");

    private static String at(String id, String host) {
        return AlluxioRegistry.workerValue(id, host);
    }

    private static WorkerMatching matching(List<Pod> workerPods, Map<String, String> dht, Map<String, String> sd) {
        return WorkerMatching.match(workerPods.stream().map(PodIdentity::of).toList(), registry(DHT, dht),
                registry(SD, sd));
    }

    /** Worker pods as the k8s-operator chart labels them (a Deployment: pod-template-hash differs per revision). */
    private static Pod operatorPod(String name, String node, String ip, String hash) {
        Pod pod = ClusterObjects.pod("default", name, node, ip, Map.of("app", "alluxio", "role", "alluxio-worker",
                "pod-template-hash", hash, "release", "alluxio"));
        return pod;
    }

    @Test
    void should_suggest_the_selector_of_the_pods_at_the_registered_addresses() {
        Pod w3 = operatorPod("alluxio-worker-577545dc9-2q7z7", "alluxio-e2e-worker3", "10.244.4.5", "577545dc9");
        Pod w2 = operatorPod("alluxio-worker-6b8f9-6hjj9", "alluxio-e2e-worker2", "10.244.1.14", "6b8f9");
        Pod bystander = ClusterObjects.pod("default", "spark-0", "alluxio-e2e-worker2", "10.244.1.20",
                Map.of("app", "spark"));
        WorkerMatching m = matching(List.of(), Map.of("worker-3", at("worker-3", "10.244.4.5"),
                "worker-2", at("worker-2", "10.244.1.14")), Map.of("worker-2", at("worker-2", "10.244.1.14")));

        assertThat(audit.needsNamespacePods(m)).isTrue();
        List<Finding> findings = audit.findings(m, List.of(w3, w2, bystander), null);

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Finding.Kind.SELECTOR_MATCHES_NOTHING);
            assertThat(f.setting()).isEqualTo("reaper.workers.selector");
            assertThat(f.summary()).contains("matches no pod in namespace default", "2 worker(s) are registered",
                    "1 heartbeating");
            assertThat(f.details()).hasSize(2).allSatisfy(d -> assertThat(d).contains("role=alluxio-worker"));
            assertThat(f.fix()).isEqualTo("set reaper.workers.selector=app=alluxio,role=alluxio-worker");
        });
    }

    @Test
    void should_suggest_the_current_charts_labels_when_the_pods_carry_them() {
        WorkerMatching m = matching(List.of(), Map.of("worker-3", at("worker-3", "10.244.4.5")), Map.of());

        assertThat(audit.findings(m, List.of(DEAD), null).get(0).fix()).isEqualTo("set reaper.workers.selector="
                + "app.kubernetes.io/component=worker,app.kubernetes.io/instance=alluxio,app.kubernetes.io/name=alluxio");
    }

    @Test
    void should_point_at_the_namespace_when_no_pod_of_it_is_at_a_registered_address() {
        WorkerMatching m = matching(List.of(), Map.of("worker-3", at("worker-3", "10.244.4.5")), Map.of());

        Finding f = audit.findings(m, List.of(LIVE), null).get(0);
        assertThat(f.setting()).isEqualTo("reaper.workers.namespace");
        assertThat(f.fix()).contains("set reaper.workers.namespace");
    }

    @Test
    void should_name_the_clusters_that_have_registrations_when_the_configured_one_has_none() {
        WorkerMatching m = matching(List.of(DEAD, LIVE), Map.of(), Map.of());
        List<AlluxioClusters.Cluster> clusters = AlluxioClusters.of(List.of(
                Map.entry("/DHT/DefaultAlluxioCluster/AUTHORIZED/worker-3", at("worker-3", "10.244.4.5")),
                Map.entry("/DHT/DefaultAlluxioCluster/AUTHORIZED/worker-2", at("worker-2", "10.244.1.14")),
                Map.entry("/DHT/other-cache/AUTHORIZED/worker-9", at("worker-9", "10.9.9.9"))),
                List.of(Map.entry("/ServiceDiscovery/DefaultAlluxioCluster/worker-2", at("worker-2", "10.244.1.14"))));

        assertThat(audit.needsClusterListing(m)).isTrue();
        Finding f = audit.findings(m, null, clusters).get(0);

        assertThat(f.kind()).isEqualTo(Finding.Kind.CLUSTER_EMPTY);
        assertThat(f.summary()).contains("reaper.alluxio.cluster-name=default-alluxio has no registration",
                "2 worker pod(s) exist");
        assertThat(f.details()).containsExactly(
                "cluster DefaultAlluxioCluster: 2 registration(s), 1 heartbeating, 2 matching the worker pods",
                "cluster other-cache: 1 registration(s), 0 heartbeating, 0 matching the worker pods");
        assertThat(f.fix()).startsWith("set reaper.alluxio.cluster-name=DefaultAlluxioCluster ");
    }

    @Test
    void should_say_nothing_of_an_empty_etcd_without_worker_pods_but_point_at_the_endpoints_with_them() {
        assertThat(audit.findings(matching(List.of(), Map.of(), Map.of()), null, List.of())).isEmpty();

        Finding f = audit.findings(matching(List.of(DEAD), Map.of(), Map.of()), null, List.of()).get(0);
        assertThat(f.fix()).contains("reaper.etcd.endpoints");
    }

    @Test
    void should_list_unaccounted_heartbeats_and_unmatched_registrations() {
        WorkerMatching m = matching(List.of(DEAD, LIVE), Map.of("worker-2", at("worker-2", "10.244.1.14"),
                        "worker-8", at("worker-8", "10.244.8.8")),
                Map.of("worker-2", at("worker-2", "10.244.1.14"), "worker-9", at("worker-9", "10.9.9.9")));

        List<Finding> findings = audit.findings(m, null, null);

        assertThat(findings).extracting(Finding::kind).containsExactly(Finding.Kind.UNACCOUNTED_HEARTBEATS,
                Finding.Kind.UNMATCHED_REGISTRATIONS);
        assertThat(findings.get(0).details()).containsExactly(SD + "worker-9 (Host 10.9.9.9, RpcPort 29999)");
        assertThat(findings.get(0).fix()).contains("reaper.alluxio.unaccounted-heartbeats=ignore");
        assertThat(findings.get(1).details()).containsExactly(DHT + "worker-8 (Host 10.244.8.8, RpcPort 29999)");
    }

    /** A clock the test moves. */
}
