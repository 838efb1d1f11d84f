package io.offlineworkerreaper.decision;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.offlineworkerreaper.alluxio.AlluxioSettings;
import io.offlineworkerreaper.alluxio.UnaccountedHeartbeats;
import io.offlineworkerreaper.alluxio.WorkerMatching;
import io.offlineworkerreaper.demo.AlluxioRegistry;
import io.offlineworkerreaper.demo.ClusterObjects;
import io.offlineworkerreaper.kubernetes.NotReadyNode;
import io.offlineworkerreaper.kubernetes.PodIdentity;
import io.offlineworkerreaper.kubernetes.WorkerPod;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.alluxio.WorkerMatchingTest.DEAD;
import static io.offlineworkerreaper.alluxio.WorkerMatchingTest.DHT;
import static io.offlineworkerreaper.alluxio.WorkerMatchingTest.LIVE;
import static io.offlineworkerreaper.alluxio.WorkerMatchingTest.SD;
import static io.offlineworkerreaper.alluxio.WorkerMatchingTest.registry;
import static org.assertj.core.api.Assertions.assertThat;

class RemediationPlannerTest {

    private static final NotReadyNode NODE = new NotReadyNode("alluxio-e2e-worker3", "Unknown",
            Instant.parse("2025-03-05T10:00:00Z"), Duration.ofMinutes(2));
    private static final WorkerPod POD = new WorkerPod(PodIdentity.of(DEAD), NODE);
    private static final List<PodIdentity> ALL_PODS = List.of(PodIdentity.of(DEAD), PodIdentity.of(LIVE));

    private static String at(String id, String host) {
        return AlluxioRegistry.workerValue(id, host);
    }

    private static Remediation plan(boolean requireLeaseExpired, Map<String, String> dht, Map<String, String> sd) {
        return plan(requireLeaseExpired, UnaccountedHeartbeats.REFUSE, ALL_PODS, dht, sd);
    }

    private static Remediation plan(boolean requireLeaseExpired, UnaccountedHeartbeats mode,
                                    List<PodIdentity> pods, Map<String, String> dht, Map<String, String> sd) {
        WorkerMatching matching = WorkerMatching.match(pods, registry(DHT, dht), registry(SD, sd));
        return new RemediationPlanner(requireLeaseExpired, mode).plan(List.of(POD), matching).get(0);
    }

    @Test
    void should_remove_the_dht_key_of_a_worker_whose_lease_expired() {
        Remediation r = plan(true, Map.of("worker-3", at("worker-3", "10.244.4.5"), "worker-2", at("worker-2", "10.244.1.14")),
                Map.of("worker-2", at("worker-2", "10.244.1.14")));

        assertThat(r.verdict()).isEqualTo(Remediation.Verdict.REMOVE);
        assertThat(r.workerId()).isEqualTo("worker-3");
        assertThat(r.keys()).containsExactly(DHT + "worker-3");
    }

    @Test
    void should_refuse_while_the_worker_heartbeats() {
        Remediation r = plan(true, Map.of("worker-3", at("worker-3", "10.244.4.5")),
                Map.of("worker-3", at("worker-3", "10.244.4.5")));

        assertThat(r.verdict()).isEqualTo(Remediation.Verdict.STILL_HEARTBEATING);
        assertThat(r.keys()).isEmpty();
    }

    @Test
    void should_refuse_while_the_worker_heartbeats_in_the_2x_chart_form() {
        String value = AlluxioRegistry.workerValue("worker-3", "172.18.0.5", "10.244.4.5");
        Remediation r = plan(true, Map.of("worker-3", value), Map.of("worker-3", value));

        assertThat(r.verdict()).isEqualTo(Remediation.Verdict.STILL_HEARTBEATING);
    }

    @Test
    void should_refuse_while_the_worker_heartbeats_under_its_host_name() {
        String value = at("worker-3", "alluxio-worker-577545dc9-2q7z7");
        Remediation r = plan(true, Map.of("worker-3", value), Map.of("worker-3", value));

        assertThat(r.verdict()).isEqualTo(Remediation.Verdict.STILL_HEARTBEATING);
    }

    @Test
    void should_count_a_heartbeat_with_an_unreadable_value_as_alive() {
        Remediation r = plan(true, Map.of("worker-3", at("worker-3", "10.244.4.5")), Map.of("worker-3", "garbage"));

        assertThat(r.verdict()).isEqualTo(Remediation.Verdict.STILL_HEARTBEATING);
    }

    @Test
    void should_delete_the_heartbeat_first_when_the_lease_check_is_off() {
        Remediation r = plan(false, Map.of("worker-3", at("worker-3", "10.244.4.5")),
                Map.of("worker-3", at("worker-3", "10.244.4.5")));

        assertThat(r.verdict()).isEqualTo(Remediation.Verdict.REMOVE);
        assertThat(r.keys()).containsExactly(SD + "worker-3", DHT + "worker-3");
    }

    @Test
    void should_remove_every_dead_registration_at_the_address() {
        Remediation r = plan(true, Map.of("worker-3", at("worker-3", "10.244.4.5"),
                "worker-old", at("worker-old", "10.244.4.5")), Map.of());

        assertThat(r.verdict()).isEqualTo(Remediation.Verdict.REMOVE);
        assertThat(r.keys()).containsExactlyInAnyOrder(DHT + "worker-3", DHT + "worker-old");
        assertThat(r.detail()).contains("2 registrations", "none heartbeats");
    }

    @Test
    void should_refuse_when_one_of_several_registrations_at_the_address_heartbeats() {
        Remediation r = plan(true, Map.of("worker-3", at("worker-3", "10.244.4.5"),
                "worker-old", at("worker-old", "10.244.4.5")), Map.of("worker-3", at("worker-3", "10.244.4.5")));

        assertThat(r.verdict()).isEqualTo(Remediation.Verdict.STILL_HEARTBEATING);
        assertThat(r.keys()).isEmpty();
        assertThat(r.detail()).contains("worker-3", "2 registrations");
    }

    @Test
    void should_refuse_a_registration_that_also_matches_a_pod_not_being_removed() {
        // lease check off: node state alone would decide; the value points at both pods
        String both = AlluxioRegistry.workerValue("worker-3", "10.244.4.5", "10.244.1.14");
        Remediation r = plan(false, Map.of("worker-3", both), Map.of("worker-3", both));

        assertThat(r.verdict()).isEqualTo(Remediation.Verdict.AMBIGUOUS);
        assertThat(r.keys()).isEmpty();
    }

    @Test
    void should_remove_only_the_pod_when_every_live_heartbeat_is_accounted_for() {
        Remediation r = plan(true, Map.of("worker-2", at("worker-2", "10.244.1.14")),
                Map.of("worker-2", at("worker-2", "10.244.1.14")));

        assertThat(r.verdict()).isEqualTo(Remediation.Verdict.REMOVE);
        assertThat(r.workerId()).isNull();
        assertThat(r.keys()).isEmpty();
    }

    @Test
    void should_refuse_pod_only_removal_while_a_live_heartbeat_matches_no_pod() {
        // the dead pod's worker registered at an address the reaper cannot match: it may be this very pod
        Remediation r = plan(true, Map.of("worker-9", at("worker-9", "10.99.0.1")),
                Map.of("worker-9", at("worker-9", "10.99.0.1")));

        assertThat(r.verdict()).isEqualTo(Remediation.Verdict.UNACCOUNTED_HEARTBEATS);
        assertThat(r.detail()).contains("worker-9", "10.99.0.1", AlluxioSettings.UNACCOUNTED_HEARTBEATS);
    }

    @Test
    void should_refuse_pod_only_removal_while_a_heartbeat_cannot_be_read() {
        Remediation r = plan(true, Map.of("worker-2", at("worker-2", "10.244.1.14")),
                Map.of("worker-2", at("worker-2", "10.244.1.14"), "worker-bin", "\u0000\u0001"));

        assertThat(r.verdict()).isEqualTo(Remediation.Verdict.UNACCOUNTED_HEARTBEATS);
        assertThat(r.detail()).contains("worker-bin", "unreadable");
    }

    @Test
    void should_remove_the_pod_alone_despite_unaccounted_heartbeats_when_told_to_ignore_them() {
        Remediation r = plan(true, UnaccountedHeartbeats.IGNORE, ALL_PODS,
                Map.of("worker-9", at("worker-9", "10.99.0.1")), Map.of("worker-9", at("worker-9", "10.99.0.1")));

        assertThat(r.verdict()).isEqualTo(Remediation.Verdict.REMOVE);
        assertThat(r.keys()).isEmpty();
    }

    @Test
    void should_refuse_every_pod_when_the_configured_cluster_has_no_registration() {
        Remediation r = plan(true, UnaccountedHeartbeats.IGNORE, ALL_PODS, Map.of(), Map.of());

        assertThat(r.verdict()).isEqualTo(Remediation.Verdict.EMPTY_REGISTRY);
        assertThat(r.detail()).contains(AlluxioSettings.CLUSTER_NAME);
    }

    @Test
    void should_remove_a_live_workers_keys_first_only_when_the_lease_check_is_off() {
        Pod other = ClusterObjects.workerPod("default", "w9", "alluxio-e2e-worker", "10.244.3.9");
        Remediation r = plan(false, UnaccountedHeartbeats.REFUSE,
                List.of(PodIdentity.of(DEAD), PodIdentity.of(other)),
                Map.of("worker-3", at("worker-3", "10.244.4.5"), "worker-old", at("worker-old", "10.244.4.5")),
                Map.of("worker-3", at("worker-3", "10.244.4.5")));

        assertThat(r.keys()).hasSize(3).first().isEqualTo(SD + "worker-3");
        assertThat(r.keys().subList(1, 3)).containsExactlyInAnyOrder(DHT + "worker-3", DHT + "worker-old");
    }

    @Test
    void should_finish_a_removal_whose_keys_it_deleted_once_the_registration_is_gone() {
        RemediationPlanner planner = new RemediationPlanner(true, UnaccountedHeartbeats.REFUSE);
        WorkerMatching before = WorkerMatching.match(ALL_PODS, registry(DHT, Map.of("worker-3", at("worker-3", "10.244.4.5"))),
                registry(SD, Map.of()));
        WorkerMatching after = WorkerMatching.match(ALL_PODS, registry(DHT, Map.of()), registry(SD, Map.of()));

        planner.keysRemoved(planner.plan(List.of(POD), before).get(0));

        Remediation r = planner.plan(List.of(POD), after).get(0);
        assertThat(r.verdict()).isEqualTo(Remediation.Verdict.REMOVE);
        assertThat(r.keys()).isEmpty();
        assertThat(new RemediationPlanner(true, UnaccountedHeartbeats.REFUSE)
                .plan(List.of(POD), after).get(0).verdict()).as("without that memory: no proof")
                .isEqualTo(Remediation.Verdict.EMPTY_REGISTRY);
    }
}
