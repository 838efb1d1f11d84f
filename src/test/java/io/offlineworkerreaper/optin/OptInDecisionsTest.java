package io.offlineworkerreaper.optin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.offlineworkerreaper.decision.Action;
import io.offlineworkerreaper.demo.ClusterObjects;
import io.offlineworkerreaper.kubernetes.NotReadyNode;
import io.offlineworkerreaper.settings.Reader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The decisions of the opt-in remediations, without Camel or an API server. */
class OptInDecisionsTest {

    private static final Instant NOW = Instant.parse("2026-11-22T20:00:00Z");
    private static final NotReadyNode DEAD = new NotReadyNode("dead", "Unknown", NOW.minus(Duration.ofMinutes(10)),
            Duration.ofMinutes(10));

    private static OptInSettings settings(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(Map.of(
                OptInSettings.TERMINATING_ENABLED, "true", OptInSettings.TERMINATING_OLDER_THAN, "5m",
                OptInSettings.NODE_ACTION, "none", OptInSettings.NODE_ACTION_AFTER, "5m",
                OptInSettings.NODE_REVERT, "true", OptInSettings.LOCAL_VOLUMES_ENABLED, "false",
                OptInSettings.LOCAL_VOLUMES_CLASSES, "local-path", OptInSettings.PVC_FINALIZERS_AFTER, "1m"));
        values.putAll(extra);
        return OptInSettings.from(new Reader(k -> Optional.ofNullable(values.get(k))));
    }

    private static Pod terminating(String namespace, String name, String since) {
        return new PodBuilder(ClusterObjects.pod(namespace, name, "dead", "10.0.0.1", Map.of("app", name)))
                .editMetadata().withDeletionTimestamp(since).endMetadata().build();
    }

    private static TerminatingPods terminatingPods(Map<String, String> extra) {
        return new TerminatingPods(settings(extra), new SparedPods("alluxio", Map.of("app", "alluxio")),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void should_pick_stuck_pods_by_age_and_namespace_regex_and_skip_unreadable_timestamps() {
        List<Pod> pods = List.of(
                terminating("apps", "old", NOW.minus(Duration.ofMinutes(6)).toString()),
                terminating("apps", "young", NOW.minus(Duration.ofMinutes(4)).toString()),
                terminating("monitoring", "old-excluded", NOW.minus(Duration.ofMinutes(6)).toString()),
                terminating("apps", "garbled", "yesterday"),
                new PodBuilder(terminating("apps", "elsewhere", NOW.minus(Duration.ofHours(1)).toString()))
                        .editSpec().withNodeName("alive").endSpec().build());

        List<Action> actions = terminatingPods(Map.of(OptInSettings.TERMINATING_EXCLUDE, "monitoring|kube-.*"))
                .select(pods, List.of(DEAD));

        assertThat(actions).extracting(Action::name).containsExactly("old");
        assertThat(actions.get(0).detail()).contains("Terminating for 6m");
    }

    @Test
    void should_only_undo_what_the_reaper_did_and_only_once_ready() {
        NodeActionPlanner actions = new NodeActionPlanner(settings(Map.of(OptInSettings.NODE_ACTION, "cordon")));
        Node ours = new NodeBuilder(ClusterObjects.node("ours", "True", NOW)).editMetadata()
                .addToAnnotations(NodeActionPlanner.MARK, "cordon").endMetadata().withNewSpec().withUnschedulable(true)
                .endSpec().build();
        Node admins = new NodeBuilder(ClusterObjects.node("admins", "True", NOW)).withNewSpec()
                .withUnschedulable(true).endSpec().build();
        Node oursStillDown = new NodeBuilder(ClusterObjects.node("down", "Unknown", NOW)).editMetadata()
                .addToAnnotations(NodeActionPlanner.MARK, "cordon").endMetadata().withNewSpec().withUnschedulable(true)
                .endSpec().build();

        assertThat(actions.plan(List.of(ours, admins, oursStillDown), List.of(), Set.of()))
                .singleElement().satisfies(a -> {
                    assertThat(a.kind()).isEqualTo(Action.Kind.UNCORDON);
                    assertThat(a.name()).isEqualTo("ours");
                });
    }

    @Test
    void should_wait_for_action_after_and_never_delete_a_node_that_still_has_a_worker() {
        NodeActionPlanner delete = new NodeActionPlanner(settings(Map.of(OptInSettings.NODE_ACTION, "delete",
                OptInSettings.NODE_ACTION_AFTER, "15m")));
        Node dead = ClusterObjects.node("dead", "Unknown", NOW.minus(Duration.ofMinutes(20)));
        NotReadyNode deadFor20 = new NotReadyNode("dead", "Unknown", NOW.minus(Duration.ofMinutes(20)),
                Duration.ofMinutes(20));

        assertThat(delete.plan(List.of(dead), List.of(DEAD), Set.of())).as("NotReady 10m < 15m").isEmpty();
        assertThat(delete.plan(List.of(dead), List.of(deadFor20), Set.of("dead"))).as("worker pod on it").isEmpty();
        assertThat(delete.plan(List.of(dead), List.of(deadFor20), Set.of())).extracting(Action::kind)
                .containsExactly(Action.Kind.DELETE_NODE);
    }

    @Test
    void should_reject_bad_opt_in_settings_naming_the_key() {
        assertThatThrownBy(() -> settings(Map.of(OptInSettings.NODE_ACTION, "reboot")))
                .hasMessageContaining(OptInSettings.NODE_ACTION).hasMessageContaining("out-of-service-taint");
        assertThatThrownBy(() -> settings(Map.of(OptInSettings.TERMINATING_INCLUDE, "apps(")))
                .hasMessageContaining(OptInSettings.TERMINATING_INCLUDE).hasMessageContaining("regular expression");
        assertThatThrownBy(() -> settings(Map.of(OptInSettings.LOCAL_VOLUMES_ENABLED, "true",
                OptInSettings.LOCAL_VOLUMES_CLASSES, " ")))
                .hasMessageContaining(OptInSettings.LOCAL_VOLUMES_CLASSES);
    }
}
