package io.offlineworkerreaper;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RemediationPlannerTest {

    private static final String DHT = "/DHT/default-alluxio/AUTHORIZED/";
    private static final String SD = "/ServiceDiscovery/default-alluxio/";
    private static final NotReadyNode NODE = new NotReadyNode("alluxio-e2e-worker3", "Unknown",
            Instant.parse("2025-03-05T10:00:00Z"), Duration.ofMinutes(2));
    private static final WorkerPod POD = new WorkerPod("default", "alluxio-worker-577545dc9-2q7z7", "uid-1",
            "10.244.4.5", "Running", NODE);

    private static WorkerRegistry registry(String prefix, Map<String, String> hostById) {
        return WorkerRegistry.parse(hostById.entrySet().stream()
                .map(e -> Map.entry(prefix + e.getKey(), AlluxioRegistry.workerValue(e.getKey(), e.getValue())))
                .toList(), prefix);
    }

    private static Remediation plan(boolean requireLeaseExpired, Map<String, String> dht, Map<String, String> sd) {
        return new RemediationPlanner(requireLeaseExpired).plan(List.of(POD), registry(DHT, dht), registry(SD, sd)).get(0);
    }

    @Test
    void should_remove_the_dht_key_of_a_worker_whose_lease_expired() {
        Remediation r = plan(true, Map.of("worker-3", "10.244.4.5", "worker-2", "10.244.1.14"), Map.of("worker-2", "10.244.1.14"));

        assertThat(r.verdict()).isEqualTo(Remediation.Verdict.REMOVE);
        assertThat(r.workerId()).isEqualTo("worker-3");
        assertThat(r.keys()).containsExactly(DHT + "worker-3");
    }

    @Test
    void should_refuse_while_the_worker_heartbeats() {
        Remediation r = plan(true, Map.of("worker-3", "10.244.4.5"), Map.of("worker-3", "10.244.4.5"));

        assertThat(r.verdict()).isEqualTo(Remediation.Verdict.STILL_HEARTBEATING);
        assertThat(r.keys()).isEmpty();
    }

    @Test
    void should_count_a_heartbeat_with_an_unreadable_value_as_alive() {
        WorkerRegistry sd = WorkerRegistry.parse(List.of(Map.entry(SD + "worker-3", "garbage")), SD);
        Remediation r = new RemediationPlanner(true).plan(List.of(POD),
                registry(DHT, Map.of("worker-3", "10.244.4.5")), sd).get(0);

        assertThat(r.verdict()).isEqualTo(Remediation.Verdict.STILL_HEARTBEATING);
    }

    @Test
    void should_delete_the_heartbeat_first_when_the_lease_check_is_off() {
        Remediation r = plan(false, Map.of("worker-3", "10.244.4.5"), Map.of("worker-3", "10.244.4.5"));

        assertThat(r.verdict()).isEqualTo(Remediation.Verdict.REMOVE);
        assertThat(r.keys()).containsExactly(SD + "worker-3", DHT + "worker-3");
    }

    @Test
    void should_refuse_when_two_workers_claim_the_address() {
        Remediation r = plan(true, Map.of("worker-3", "10.244.4.5", "worker-old", "10.244.4.5"), Map.of());

        assertThat(r.verdict()).isEqualTo(Remediation.Verdict.AMBIGUOUS);
        assertThat(r.keys()).isEmpty();
        assertThat(r.detail()).contains("worker-3", "worker-old");
    }

    @Test
    void should_remove_only_the_pod_when_no_worker_is_registered_for_it() {
        Remediation r = plan(true, Map.of("worker-2", "10.244.1.14"), Map.of());

        assertThat(r.verdict()).isEqualTo(Remediation.Verdict.REMOVE);
        assertThat(r.workerId()).isNull();
        assertThat(r.keys()).isEmpty();
    }
}
