package io.offlineworkerreaper.decision;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.offlineworkerreaper.demo.ClusterObjects;
import io.offlineworkerreaper.kubernetes.NotReadyNode;
import io.offlineworkerreaper.kubernetes.PodIdentity;
import io.offlineworkerreaper.kubernetes.WorkerPod;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerPodsTest {

    private static final NotReadyNode DEAD = new NotReadyNode("n3", "Unknown", Instant.EPOCH, Duration.ofHours(1));
    private final WorkerPods workerPods = new WorkerPods("default");

    private static Pod pod(String name, String node, String ip) {
        return ClusterObjects.workerPod("default", name, node, ip);
    }

    @Test
    void should_keep_worker_pods_on_not_ready_nodes_with_their_address() {
        List<WorkerPod> found = workerPods.onNotReadyNodes(List.of(pod("on-dead", "n3", "10.244.4.5"),
                pod("on-live", "n1", "10.244.3.7")), List.of(DEAD));

        assertThat(found).extracting(WorkerPod::name, WorkerPod::ip, WorkerPod::phase)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("on-dead", "10.244.4.5", "Running"));
    }

    @Test
    void should_use_the_host_ip_for_host_network_workers() {
        Pod hostNetwork = new PodBuilder(pod("hn", "n3", "172.18.0.10")).editSpec().withHostNetwork(true).endSpec()
                .editStatus().withHostIP("172.18.0.4").endStatus().build();

        assertThat(workerPods.onNotReadyNodes(List.of(hostNetwork), List.of(DEAD)))
                .extracting(WorkerPod::ip).containsExactly("172.18.0.4");
    }

    @Test
    void should_skip_pods_without_node_without_address_outside_the_namespace_or_opted_out() {
        Pod unscheduled = new PodBuilder(pod("pending", null, null)).build();
        Pod noIp = pod("no-ip", "n3", null);
        Pod noStatus = new PodBuilder(pod("no-status", "n3", "10.0.0.1")).withStatus(null).build();
        Pod noSpec = new PodBuilder(pod("no-spec", "n3", "10.0.0.2")).withSpec(null).build();
        Pod elsewhere = ClusterObjects.workerPod("other", "elsewhere", "n3", "10.0.0.3");
        Pod optedOut = new PodBuilder(pod("opted-out", "n3", "10.0.0.4")).editMetadata()
                .addToLabels(OptOut.KEY, "true").endMetadata().build();

        assertThat(workerPods.onNotReadyNodes(List.of(unscheduled, noIp, noStatus, noSpec, elsewhere, optedOut),
                List.of(DEAD))).isEmpty();
        assertThat(workerPods.onNotReadyNodes(null, List.of(DEAD))).isEmpty();
    }

    @Test
    void should_account_for_every_pod_of_the_namespace_opted_out_ones_included() {
        Pod optedOut = new PodBuilder(pod("opted-out", "n3", "10.0.0.4")).editMetadata()
                .addToLabels(OptOut.KEY, "true").endMetadata().build();
        Pod elsewhere = ClusterObjects.workerPod("other", "elsewhere", "n3", "10.0.0.3");

        assertThat(workerPods.identities(List.of(optedOut, elsewhere, pod("on-live", "n1", "10.244.3.7"))))
                .extracting(PodIdentity::name).containsExactly("opted-out", "on-live");
    }
    @Test
    void should_keep_the_listed_order_over_several_not_ready_nodes_and_answer_each_call_for_its_nodes() {
        NotReadyNode n4 = new NotReadyNode("n4", "False", Instant.EPOCH, Duration.ofHours(1));
        List<Pod> pods = List.of(pod("a", "n3", "10.0.0.1"), pod("b", "n4", "10.0.0.2"), pod("c", "n1", "10.0.0.3"),
                pod("d", "n3", "10.0.0.4"));

        assertThat(workerPods.onNotReadyNodes(pods, List.of(n4, DEAD))).extracting(WorkerPod::name)
                .containsExactly("a", "b", "d");
        // the same list again (the watch's cache while no pod changed), other nodes
        assertThat(workerPods.onNotReadyNodes(pods, List.of(n4))).extracting(WorkerPod::name).containsExactly("b");
        assertThat(workerPods.onNotReadyNodes(pods, List.of())).isEmpty();
        // another list: worked out for it
        assertThat(workerPods.onNotReadyNodes(List.of(pod("e", "n4", "10.0.0.5")), List.of(n4)))
                .extracting(WorkerPod::name).containsExactly("e");
    }

    @Test
    void should_work_identities_out_again_for_another_list_only() {
        List<Pod> pods = List.of(pod("a", "n3", "10.0.0.1"));
        List<PodIdentity> first = workerPods.identities(pods);

        assertThat(workerPods.identities(pods)).isSameAs(first);
        assertThat(workerPods.identities(List.of(pod("a", "n3", "10.0.0.7")))).extracting(PodIdentity::primaryAddress)
                .containsExactly("10.0.0.7");
    }

    @Test
    void should_find_the_pods_asked_for_in_the_namespace_with_their_node_and_again_in_a_new_list() {
        Pod asked = new PodBuilder(pod("asked", "n3", "10.0.0.1")).editMetadata()
                .addToAnnotations(io.offlineworkerreaper.kubernetes.RemovalRequest.ANNOTATION, "rack 7").endMetadata().build();
        Pod askedElsewhere = new PodBuilder(ClusterObjects.workerPod("other", "elsewhere", "n3", "10.0.0.3"))
                .editMetadata().addToAnnotations(io.offlineworkerreaper.kubernetes.RemovalRequest.ANNOTATION, "x")
                .endMetadata().build();
        List<Pod> pods = List.of(pod("plain", "n1", "10.0.0.2"), askedElsewhere, asked);

        List<WorkerPods.Requested> found = workerPods.requested(pods, List.of(DEAD));
        assertThat(found).singleElement().satisfies(r -> {
            assertThat(r.pod().name()).isEqualTo("asked");
            assertThat(r.pod().node()).isEqualTo(DEAD);
            assertThat(r.pod().request().reason()).isEqualTo("rack 7");
        });
        // the same list again (the watch's cache), its node Ready now: found again, with the node as it is now
        assertThat(workerPods.requested(pods, List.of())).singleElement()
                .satisfies(r -> assertThat(r.pod().node().readyStatus()).isEqualTo("True"));
        // another list: looked at anew
        assertThat(workerPods.requested(List.of(pod("plain", "n1", "10.0.0.2")), List.of(DEAD))).isEmpty();
    }
}
