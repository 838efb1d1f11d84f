package io.offlineworkerreaper.alluxio;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.offlineworkerreaper.demo.AlluxioRegistry;
import io.offlineworkerreaper.demo.ClusterObjects;
import io.offlineworkerreaper.kubernetes.PodIdentity;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.alluxio.WorkerRegistryTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;

/** The matcher over every registration form of shared/fixtures/alluxio-etcd/README.md. */
public class WorkerMatchingTest {

    public static final String DHT = "/DHT/default-alluxio/AUTHORIZED/";
    public static final String SD = "/ServiceDiscovery/default-alluxio/";
    // worker3's pod of the seed scenario: pod IP 10.244.4.5 on node alluxio-e2e-worker3 (172.18.0.5)
    public static final Pod DEAD = ClusterObjects.workerPod("default", "alluxio-worker-577545dc9-2q7z7",
            "alluxio-e2e-worker3", "10.244.4.5");
    public static final Pod LIVE = ClusterObjects.workerPod("default", "alluxio-worker-577545dc9-6hjj9",
            "alluxio-e2e-worker2", "10.244.1.14");

    static PodIdentity id(Pod pod) {
        return PodIdentity.of(pod);
    }

    static Pod hostNetwork(String name, String node, int rpcPort) {
        Pod pod = ClusterObjects.workerPod("default", name, node, ClusterObjects.nodeIp(node));
        return new PodBuilder(pod).editSpec().withHostNetwork(true).editFirstContainer()
                .withPorts(new ContainerPortBuilder().withName("rpc").withContainerPort(rpcPort).build())
                .endContainer().endSpec().build();
    }

    public static WorkerRegistry registry(String prefix, Map<String, String> valueById) {
        return WorkerRegistry.parse(valueById.entrySet().stream()
                .map(e -> Map.entry(prefix + e.getKey(), e.getValue())).toList(), prefix);
    }

    private static List<String> owners(String value, Pod... pods) {
        WorkerEntry entry = WorkerRegistry.entry("w", DHT + "w", value);
        return WorkerMatching.owners(entry, java.util.Arrays.stream(pods).map(PodIdentity::of).toList());
    }

    @Test
    void should_match_host_to_the_pod_ip_in_the_current_chart_form() throws IOException {
        assertThat(owners(fixture("worker-0d950643-73c0-461d-a694-ecc601819336.json"), DEAD, LIVE))
                .containsExactly(id(DEAD).uid());
    }

    @Test
    void should_match_container_host_to_the_pod_ip_in_the_2x_chart_form() throws IOException {
        // Host is the node IP 172.18.0.5, which another worker pod on that node shares: ContainerHost decides
        Pod neighbour = ClusterObjects.workerPod("default", "alluxio-worker-new", "alluxio-e2e-worker3", "10.244.4.77");
        assertThat(owners(fixture("worker-2x-style-hostip-containerhost.json"), DEAD, neighbour, LIVE))
                .containsExactly(id(DEAD).uid());
    }

    @Test
    void should_match_an_old_2x_identity_by_its_node_ip_when_its_pod_ip_is_gone() {
        String old = AlluxioRegistry.workerValue("worker-old", "172.18.0.5", "10.244.4.2");
        assertThat(owners(old, DEAD, LIVE)).containsExactly(id(DEAD).uid());
    }

    @Test
    void should_match_a_host_name_to_the_pod_name() throws IOException {
        assertThat(owners(fixture("worker-hostname-host.json"), DEAD, LIVE)).containsExactly(id(DEAD).uid());
        assertThat(owners(AlluxioRegistry.workerValue("w", "ALLUXIO-WORKER-577545DC9-2Q7Z7.default.svc"), DEAD, LIVE))
                .as("a fully qualified name, any case").containsExactly(id(DEAD).uid());
    }

    @Test
    void should_match_spec_hostname() {
        Pod named = new PodBuilder(DEAD).editSpec().withHostname("alluxio-worker-0").endSpec().build();
        assertThat(owners(AlluxioRegistry.workerValue("w", "alluxio-worker-0"), named, LIVE))
                .containsExactly(id(named).uid());
    }

    @Test
    void should_match_the_md5_era_form() throws IOException {
        Pod pod = ClusterObjects.workerPod("default", "alluxio-worker-md5", "alluxio-e2e-worker", "10.244.3.8");
        assertThat(owners(fixture("worker-md5-era-6e715648b6f308cd8c90df531c76a028.json"), pod, DEAD))
                .containsExactly(id(pod).uid());
    }

    @Test
    void should_match_host_network_pods_by_node_ip_or_node_name_and_tell_them_apart_by_rpc_port() {
        Pod a = hostNetwork("worker-a", "alluxio-e2e-worker3", 29999);
        Pod b = hostNetwork("worker-b", "alluxio-e2e-worker3", 39999);
        Pod other = hostNetwork("worker-c", "alluxio-e2e-worker2", 29999);

        assertThat(owners(AlluxioRegistry.workerValue("w", "172.18.0.5"), a, other)).containsExactly(id(a).uid());
        assertThat(owners(AlluxioRegistry.workerValue("w", "alluxio-e2e-worker3"), a, other))
                .containsExactly(id(a).uid());
        assertThat(owners(AlluxioRegistry.workerValue("w", "172.18.0.5"), a, b, other))
                .as("RpcPort 29999 is a's").containsExactly(id(a).uid());
        String noPort = "{\"WorkerNetAddress\":{\"Host\":\"172.18.0.5\"}}";
        assertThat(owners(noPort, a, b, other)).as("no port: both, cannot tell")
                .containsExactlyInAnyOrder(id(a).uid(), id(b).uid());
    }

    @Test
    void should_not_take_the_node_ip_of_a_pod_network_pod_for_its_own() {
        // a registration at the node's IP is only a node-level match; the pod IP of another pod wins
        assertThat(owners(AlluxioRegistry.workerValue("w", "10.244.1.14", "172.18.0.5"), DEAD, LIVE))
                .containsExactly(id(LIVE).uid());
    }

    @Test
    void should_match_no_pod_at_an_unknown_address_nor_an_unreadable_value() {
        assertThat(owners(AlluxioRegistry.workerValue("w", "10.9.9.9"), DEAD, LIVE)).isEmpty();
        assertThat(owners("\u0000\u0001garbage", DEAD, LIVE)).isEmpty();
    }

    @Test
    void should_account_for_live_heartbeats_by_their_pods_and_list_the_rest() {
        String dead = AlluxioRegistry.workerValue("worker-3", "10.244.4.5");
        String live = AlluxioRegistry.workerValue("worker-2", "10.244.1.14");
        String stray = AlluxioRegistry.workerValue("worker-9", "10.244.9.9");
        String stale = AlluxioRegistry.workerValue("worker-8", "10.244.8.8");
        WorkerMatching m = WorkerMatching.match(List.of(id(DEAD), id(LIVE)),
                registry(DHT, Map.of("worker-3", dead, "worker-2", live, "worker-9", stray, "worker-8", stale,
                        "worker-bin", "\u0000binary")),
                registry(SD, Map.of("worker-2", live, "worker-9", stray, "worker-x", "\u0000\u0002")));

        assertThat(m.of(id(DEAD).uid())).extracting(WorkerMatching.Registration::id).containsExactly("worker-3");
        assertThat(m.of(id(LIVE).uid())).extracting(WorkerMatching.Registration::id).containsExactly("worker-2");
        assertThat(m.unaccountedHeartbeats()).extracting(WorkerMatching.Registration::id)
                .containsExactlyInAnyOrder("worker-9", "worker-x");
        assertThat(m.unmatched()).extracting(WorkerMatching.Registration::id)
                .containsExactlyInAnyOrder("worker-8", "worker-bin");
        assertThat(m.registryEmpty()).isFalse();
        assertThat(m.liveCount()).isEqualTo(3);
    }

    @Test
    void should_match_a_worker_by_either_of_its_values() {
        // with alluxio.k8s.env.deployment=true a worker back at a new address overwrites its /DHT value
        WorkerMatching m = WorkerMatching.match(List.of(id(DEAD), id(LIVE)),
                registry(DHT, Map.of("worker-3", AlluxioRegistry.workerValue("worker-3", "10.244.1.14"))),
                registry(SD, Map.of("worker-3", AlluxioRegistry.workerValue("worker-3", "10.244.4.5"))));

        assertThat(m.registrations().get(0).owners()).containsExactlyInAnyOrder(id(DEAD).uid(), id(LIVE).uid());
    }

    /** The memo a cycle keeps must never change a matching: after churn it agrees with one worked out afresh. */
    @Test
    void should_match_with_the_memo_as_without_it_after_pods_and_registrations_change() {
        WorkerMatching.Memo memo = new WorkerMatching.Memo();
        Pod replacement = ClusterObjects.workerPod("default", "alluxio-worker-577545dc9-new", "alluxio-e2e-worker2",
                "10.244.4.5"); // the dead pod's IP, reused by a new pod elsewhere
        WorkerRegistry authorized = registry(DHT, Map.of("w1", AlluxioRegistry.workerValue("w1", "10.244.4.5"),
                "w2", AlluxioRegistry.workerValue("w2", "10.244.1.14")));
        WorkerRegistry heartbeats = registry(SD, Map.of("w2", AlluxioRegistry.workerValue("w2", "10.244.1.14")));
        List<PodIdentity> before = List.of(id(DEAD), id(LIVE));
        List<PodIdentity> after = List.of(id(replacement), id(LIVE));
        WorkerRegistry changed = registry(DHT, Map.of("w1", AlluxioRegistry.workerValue("w1", "10.244.9.9"),
                "w2", AlluxioRegistry.workerValue("w2", "10.244.1.14")));
        WorkerRegistry noHeartbeat = registry(SD, Map.of());
        for (Object[] step : new Object[][] {{before, authorized, heartbeats}, {before, authorized, heartbeats},
                {after, authorized, heartbeats}, {after, changed, heartbeats}, {after, changed, noHeartbeat},
                {after, changed, heartbeats}, {before, changed, heartbeats}}) {
            @SuppressWarnings("unchecked")
            List<PodIdentity> pods = (List<PodIdentity>) step[0];
            WorkerRegistry dht = (WorkerRegistry) step[1];
            WorkerRegistry sd = (WorkerRegistry) step[2];
            assertThat(WorkerMatching.match(pods, dht, sd, memo).registrations())
                    .isEqualTo(WorkerMatching.match(pods, dht, sd).registrations());
        }
        // nothing changed (the same registry objects, the same pods): the same matching; a change: a new one
        WorkerMatching once = memo.matching(after, authorized, heartbeats);
        assertThat(memo.matching(List.copyOf(after), authorized, heartbeats)).isSameAs(once);
        assertThat(memo.matching(after, changed, heartbeats)).isNotSameAs(once);
        assertThat(w1(memo.matching(after, changed, heartbeats)).owners()).isEmpty();
        assertThat(w1(WorkerMatching.match(after, authorized, heartbeats, memo)).owners())
                .containsExactly(id(replacement).uid());
        assertThat(w1(WorkerMatching.match(after, changed, heartbeats, memo)).owners()).isEmpty();
    }

    private static WorkerMatching.Registration w1(WorkerMatching matching) {
        return matching.registrations().stream().filter(r -> r.id().equals("w1")).findFirst().orElseThrow();
    }
}
