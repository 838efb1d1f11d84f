package io.offlineworkerreaper.decision;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Node;
import io.offlineworkerreaper.demo.ClusterObjects;
import io.offlineworkerreaper.kubernetes.NotReadyNode;
import io.offlineworkerreaper.kubernetes.WorkerPod;
import io.offlineworkerreaper.testing.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SafetyGateTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-05T10:00:00Z"));

    private static List<Node> nodes(int ready, int notReady) {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < ready; i++) {
            nodes.add(ClusterObjects.node("ready-" + i, "True", Instant.EPOCH));
        }
        for (int i = 0; i < notReady; i++) {
            nodes.add(ClusterObjects.node("down-" + i, "Unknown", Instant.EPOCH));
        }
        return nodes;
    }

    private SafetyGate gate(String maxUnhealthy, Duration cooldown) {
        return new SafetyGate(SafetyGate.MaxUnhealthy.parse(maxUnhealthy), cooldown, 2, clock);
    }

    @Test
    void should_trip_above_the_limit_and_resume_after_the_cooldown() {
        SafetyGate gate = gate("49%", Duration.ofMinutes(5));

        assertThat(gate.admit(nodes(5, 1)).state()).isEqualTo(SafetyGate.State.CLOSED);
        SafetyGate.Admission tripped = gate.admit(nodes(2, 4));
        assertThat(tripped.state()).isEqualTo(SafetyGate.State.TRIPPED);
        assertThat(tripped.changed()).isTrue();
        assertThat(tripped.limit()).isEqualTo(2);
        assertThat(gate.admit(nodes(2, 4)).changed()).as("announced once per episode").isFalse();

        SafetyGate.Admission cleared = gate.admit(nodes(5, 1));
        assertThat(cleared.state()).isEqualTo(SafetyGate.State.COOLING_DOWN);
        assertThat(cleared.allowed()).isFalse();
        assertThat(cleared.resumeAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));

        clock.advance(Duration.ofMinutes(4));
        assertThat(gate.admit(nodes(5, 1)).allowed()).isFalse();
        clock.advance(Duration.ofMinutes(1));
        SafetyGate.Admission resumed = gate.admit(nodes(5, 1));
        assertThat(resumed.allowed()).isTrue();
        assertThat(resumed.changed()).isTrue();
    }

    @Test
    void should_trip_again_during_the_cooldown() {
        SafetyGate gate = gate("1", Duration.ofMinutes(5));
        gate.admit(nodes(3, 2));
        gate.admit(nodes(4, 1));

        assertThat(gate.admit(nodes(2, 3)).state()).isEqualTo(SafetyGate.State.TRIPPED);
    }

    @Test
    void should_round_a_percent_down_and_count_nodes_without_a_ready_condition_as_unhealthy() {
        assertThat(SafetyGate.MaxUnhealthy.parse("49%").of(2)).isZero();
        assertThat(SafetyGate.MaxUnhealthy.parse("49%").of(100)).isEqualTo(49);
        assertThat(SafetyGate.MaxUnhealthy.parse("3").of(100)).isEqualTo(3);
        List<Node> nodes = nodes(1, 0);
        nodes.add(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName("blank")
                .endMetadata().build());

        assertThat(gate("0", Duration.ZERO).admit(nodes).state()).isEqualTo(SafetyGate.State.TRIPPED);
    }

    @Test
    void should_keep_refusals_and_cap_removals_per_cycle() {
        WorkerPod pod = Remediations.aWorkerPod("p", "u", "10.0.0.1",
                new NotReadyNode("n", "Unknown", Instant.EPOCH, Duration.ofHours(1)));
        Remediation remove = new Remediation(pod, Remediation.Verdict.REMOVE,
                List.of(Remediations.aDeadWorker("w", "10.0.0.1")), "offline");
        Remediation refuse = Remediation.refusal(pod, Remediation.Verdict.STILL_HEARTBEATING,
                List.of(Remediations.aLiveWorker("w", "10.0.0.1")), "alive");

        List<Remediation> kept = gate("49%", Duration.ZERO).limit(List.of(remove, refuse, remove, remove, refuse));

        assertThat(kept).extracting(Remediation::verdict).containsExactly(Remediation.Verdict.REMOVE,
                Remediation.Verdict.STILL_HEARTBEATING, Remediation.Verdict.REMOVE,
                Remediation.Verdict.STILL_HEARTBEATING);
    }

    /** A memory that holds what it was told, as the control ConfigMap does across a restart. */
    private static final class Remembered implements SafetyGate.BreakerMemory {
        private Optional<Instant> open = Optional.empty();
        private Optional<Instant> closed = Optional.empty();

        @Override
        public Optional<Instant> openSince() {
            return open;
        }

        @Override
        public Optional<Instant> closedAt() {
            return closed;
        }

        @Override
        public void opened(Instant at) {
            open = Optional.of(at);
            closed = Optional.empty();
        }

        @Override
        public void closed(Instant at) {
            open = Optional.empty();
            closed = Optional.of(at);
        }
    }

    @Test
    void should_take_up_an_open_breaker_and_its_cooldown_where_an_earlier_process_left_them() {
        Remembered memory = new Remembered();
        SafetyGate first = new SafetyGate(SafetyGate.MaxUnhealthy.parse("1"), Duration.ofMinutes(5), 2, clock, memory);
        assertThat(first.admit(nodes(1, 2)).state()).isEqualTo(SafetyGate.State.TRIPPED);
        assertThat(memory.openSince()).isPresent();

        // a restart while open, the nodes back by then: the new process still waits for the cooldown
        SafetyGate second = new SafetyGate(SafetyGate.MaxUnhealthy.parse("1"), Duration.ofMinutes(5), 2, clock, memory);
        SafetyGate.Admission back = second.admit(nodes(3, 0));
        assertThat(back.state()).isEqualTo(SafetyGate.State.COOLING_DOWN);
        assertThat(memory.closedAt()).contains(clock.instant());

        // a restart during the cooldown: still cooling down until it ends, then closed
        clock.advance(Duration.ofMinutes(2));
        SafetyGate third = new SafetyGate(SafetyGate.MaxUnhealthy.parse("1"), Duration.ofMinutes(5), 2, clock, memory);
        assertThat(third.admit(nodes(3, 0)).state()).isEqualTo(SafetyGate.State.COOLING_DOWN);
        clock.advance(Duration.ofMinutes(3));
        assertThat(third.admit(nodes(3, 0)).state()).isEqualTo(SafetyGate.State.CLOSED);
    }
}
