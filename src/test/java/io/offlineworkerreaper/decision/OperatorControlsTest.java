package io.offlineworkerreaper.decision;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.offlineworkerreaper.demo.ClusterObjects;
import io.offlineworkerreaper.kubernetes.NotReadyNode;
import io.offlineworkerreaper.kubernetes.WorkerPod;
import io.offlineworkerreaper.testing.MutableClock;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.decision.Remediations.aDeadWorker;
import static io.offlineworkerreaper.decision.Remediations.aWorkerPod;
import static org.assertj.core.api.Assertions.assertThat;

/** The operator's controls, without Camel: the pause, the hourly budget, flapping nodes. */
class OperatorControlsTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final NotReadyNode NODE = new NotReadyNode("worker3", "Unknown", NOW.minusSeconds(300),
            Duration.ofMinutes(5));

    @Test
    void should_pause_with_the_reason_and_its_setter_and_end_by_itself_at_paused_until() {
        FieldsV1 fields = new FieldsV1();
        fields.setAdditionalProperty("f:metadata", Map.of("f:annotations", Map.of("f:" + Pause.PAUSED, Map.of())));
        var managed = List.of(new ManagedFieldsEntryBuilder().withManager("kubectl-annotate").withFieldsV1(fields).build());

        Pause open = Pause.from(Map.of(Pause.PAUSED, "node upgrade"), managed, NOW);
        assertThat(open.active()).isTrue();
        assertThat(open.text()).isEqualTo("\"node upgrade\" (set by kubectl-annotate, no end set)");

        Map<String, String> bounded = Map.of(Pause.PAUSED, "upgrade", Pause.PAUSED_UNTIL, "2026-12-01T13:00:00Z");
        assertThat(Pause.from(bounded, managed, NOW).active()).isTrue();
        assertThat(Pause.from(bounded, managed, NOW.plus(Duration.ofHours(1))).active()).as("paused-until reached")
                .isFalse();
    }

    @Test
    void should_not_pause_without_the_annotation_and_stay_paused_on_an_unreadable_end() {
        assertThat(Pause.from(null, null, NOW).active()).isFalse();
        assertThat(Pause.from(Map.of(Pause.PAUSED, " "), List.of(), NOW).active()).isFalse();
        Pause garbled = Pause.from(Map.of(Pause.PAUSED, "x", Pause.PAUSED_UNTIL, "tomorrow"), List.of(), NOW);
        assertThat(garbled.active()).as("fail safe: an end that cannot be read ends nothing").isTrue();
        assertThat(garbled.note()).hasValueSatisfying(n -> assertThat(n).contains("not an RFC 3339 time"));
        assertThat(garbled.setBy()).isEqualTo("unknown");
    }

    @Test
    void should_say_would_while_paused_or_in_dry_run() {
        RunMode mode = new RunMode(false);
        assertThat(mode.dryRunOrPaused()).isFalse();
        mode.pause(Pause.from(Map.of(Pause.PAUSED, "upgrade"), List.of(), NOW));
        assertThat(mode.dryRunOrPaused()).isTrue();
        assertThat(mode.label()).isEqualTo("PAUSED");
        assertThat(new RunMode(true).label()).isEqualTo("DRY-RUN");
    }

    @Test
    void should_count_only_the_last_hour_and_refuse_removals_beyond_the_budget() {
        List<Instant> done = List.of(NOW.minus(Duration.ofMinutes(61)), NOW.minus(Duration.ofMinutes(50)),
                NOW.minus(Duration.ofMinutes(10)));
        assertThat(RemovalBudget.inWindow(done, NOW)).hasSize(2);
        assertThat(RemovalBudget.remaining(3, done, NOW)).isEqualTo(1);
        assertThat(RemovalBudget.remaining(0, done, NOW)).as("0: no limit").isEqualTo(Integer.MAX_VALUE);
        assertThat(RemovalBudget.nextAllowed(done, NOW)).isEqualTo(NOW.plus(Duration.ofMinutes(10)));

        HourlyBudget budget = new HourlyBudget(3, () -> 1, () -> NOW.plus(Duration.ofMinutes(10)));
        WorkerPod a = aWorkerPod("alluxio-worker-a", "uid-a", "10.244.3.7", NODE);
        WorkerPod b = aWorkerPod("alluxio-worker-b", "uid-b", "10.244.3.8", NODE);
        List<Remediation> plans = new ArrayList<>(List.of(
                new Remediation(a, Remediation.Verdict.REMOVE, List.of(aDeadWorker("worker-a", "10.244.3.7")), "dead"),
                new Remediation(b, Remediation.Verdict.REMOVE, List.of(aDeadWorker("worker-b", "10.244.3.8")), "dead")));

        List<Remediation> kept = budget.limit(plans);

        assertThat(kept).extracting(Remediation::verdict)
                .containsExactly(Remediation.Verdict.REMOVE, Remediation.Verdict.BUDGET_SPENT);
        assertThat(kept.get(1).detail()).contains("reaper.safety.max-removals-per-hour=3", "2026-12-01T12:10:00Z");

        List<Action> actions = budget.limitActions(List.of(
                new Action(Action.Kind.CORDON, null, "n1", null, "n1", null, "down"),
                new Action(Action.Kind.CORDON, null, "n2", null, "n2", null, "down"),
                new Action(Action.Kind.UNCORDON, null, "n3", null, "n3", null, "back")));
        assertThat(actions).extracting(Action::name).as("giving a node back is never held").containsExactly("n1", "n3");
    }

    @Test
    void should_report_a_flapping_node_once_and_again_when_it_settles() {
        MutableClock clock = new MutableClock(NOW);
        Flapping flapping = new Flapping(clock);
        List<Flapping.Event> events = new ArrayList<>();
        for (int second = 0; second < 20; second++) {
            clock.set(NOW.plusSeconds(second));
            events.addAll(flapping.observe(List.of(node(second % 2 == 0 ? "True" : "Unknown"))));
        }
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.settled()).isFalse();
            assertThat(e.transitions()).isEqualTo(Flapping.TRANSITIONS);
        });

        // it stays Unknown, as it last was, for SETTLE_AFTER
        clock.set(NOW.plusSeconds(19).plus(Flapping.SETTLE_AFTER));
        List<Flapping.Event> settled = flapping.observe(List.of(node("Unknown")));
        assertThat(settled).singleElement().satisfies(e -> {
            assertThat(e.settled()).isTrue();
            assertThat(e.transitions()).isEqualTo(19);
            assertThat(e.ready()).isFalse();
        });
        assertThat(flapping.observe(List.of(node("Unknown")))).isEmpty();
    }

    @Test
    void should_forget_nodes_that_left_the_cluster() {
        MutableClock clock = new MutableClock(NOW);
        Flapping flapping = new Flapping(clock);
        // an autoscaler's month: 1,000 nodes come, each for one cycle, and go
        for (int i = 0; i < 1_000; i++) {
            flapping.observe(List.of(ClusterObjects.node("node-" + i, "True", NOW)));
        }
        assertThat(flapping.remembered()).isEqualTo(1);
    }

    private static Node node(String ready) {
        return ClusterObjects.node("worker3", ready, NOW.minusSeconds(600));
    }
}
