package io.offlineworkerreaper.optin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.offlineworkerreaper.decision.Action;
import io.offlineworkerreaper.decision.OptOut;
import io.offlineworkerreaper.kubernetes.NotReadyNode;
import io.offlineworkerreaper.settings.Reader;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.optin.LocalVolumeObjects.claim;
import static io.offlineworkerreaper.optin.LocalVolumeObjects.podWith;
import static io.offlineworkerreaper.optin.LocalVolumeObjects.volume;
import static org.assertj.core.api.Assertions.assertThat;

/** Which pods on a NotReady node a local volume holds there, and which released PVCs need their finalizers cleared. */
class LocalVolumesTest {

    private static final Instant NOW = Instant.parse("2026-11-22T20:00:00Z");
    private static final String DEAD = "worker3";
    private static final List<NotReadyNode> NOT_READY = List.of(
            new NotReadyNode(DEAD, "Unknown", NOW.minus(Duration.ofMinutes(10)), Duration.ofMinutes(10)));

    private static LocalVolumes localVolumes() {
        Map<String, String> values = new HashMap<>(Map.of(
                OptInSettings.TERMINATING_ENABLED, "false", OptInSettings.TERMINATING_OLDER_THAN, "5m",
                OptInSettings.NODE_ACTION, "none", OptInSettings.NODE_ACTION_AFTER, "5m",
                OptInSettings.NODE_REVERT, "false", OptInSettings.LOCAL_VOLUMES_ENABLED, "true",
                OptInSettings.LOCAL_VOLUMES_CLASSES, "local-path,local-storage",
                OptInSettings.PVC_FINALIZERS_AFTER, "2m"));
        return new LocalVolumes(OptInSettings.from(new Reader(k -> Optional.ofNullable(values.get(k)))),
                new SparedPods("alluxio", Map.of("app", "alluxio")), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static PersistentVolumeClaim terminating(PersistentVolumeClaim claim, Instant since) {
        return new PersistentVolumeClaimBuilder(claim).editMetadata().withDeletionTimestamp(since.toString())
                .endMetadata().build();
    }

    @Test
    void should_release_a_pod_whose_claim_is_bound_to_an_allowed_volume_pinned_to_the_dead_node() {
        LocalVolumes.View view = new LocalVolumes.View(
                List.of(podWith("db", "db-0", DEAD, "data-db-0", Map.of("app", "db"))),
                List.of(claim("db", "data-db-0", "pv-db-0", "local-path")),
                List.of(volume("pv-db-0", "local-path", DEAD)));

        List<Action> actions = localVolumes().select(view, NOT_READY);

        assertThat(actions).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(Action.Kind.RELEASE_LOCAL_VOLUME);
            assertThat(a.namespace() + "/" + a.name() + " " + a.pvc()).isEqualTo("db/db-0 data-db-0");
            assertThat(a.detail()).contains("local-path volume pv-db-0", "NotReady node " + DEAD, "abandoned");
        });
    }

    @Test
    void should_not_release_network_storage_another_class_another_node_or_a_missing_claim() {
        LocalVolumes.View view = new LocalVolumes.View(
                List.of(podWith("web", "nfs-0", DEAD, "data-nfs", Map.of("app", "web")),
                        podWith("db", "ssd-0", DEAD, "data-ssd", Map.of("app", "db")),
                        podWith("db", "elsewhere-0", DEAD, "data-elsewhere", Map.of("app", "db")),
                        podWith("db", "lost-0", DEAD, "no-such-claim", Map.of("app", "db")),
                        podWith("db", "alive-0", "worker1", "data-alive", Map.of("app", "db"))),
                List.of(claim("web", "data-nfs", "pv-nfs", "nfs"), claim("db", "data-ssd", "pv-ssd", "fast-ssd"),
                        claim("db", "data-elsewhere", "pv-elsewhere", "local-path"),
                        claim("db", "data-alive", "pv-alive", "local-path")),
                List.of(volume("pv-nfs", "nfs", null), volume("pv-ssd", "fast-ssd", DEAD),
                        volume("pv-elsewhere", "local-path", "worker1"), volume("pv-alive", "local-path", "worker1")));

        assertThat(localVolumes().select(view, NOT_READY)).isEmpty();
    }

    @Test
    void should_never_release_alluxio_workers_daemonset_pods_or_what_is_opted_out() {
        Pod worker = podWith("alluxio", "alluxio-worker-0", DEAD, "data-worker", Map.of("app", "alluxio"));
        Pod daemon = new PodBuilder(podWith("db", "agent-x", DEAD, "data-agent", Map.of("app", "agent")))
                .editMetadata().withOwnerReferences(new OwnerReferenceBuilder().withKind("DaemonSet")
                        .withName("agent").withApiVersion("apps/v1").withUid("u1").build()).endMetadata().build();
        Pod optedOut = new PodBuilder(podWith("db", "keep-0", DEAD, "data-keep", Map.of("app", "db")))
                .editMetadata().addToLabels(OptOut.KEY, "true").endMetadata().build();
        PersistentVolumeClaim optedOutClaim = new PersistentVolumeClaimBuilder(
                claim("db", "data-db-1", "pv-db-1", "local-path")).editMetadata().addToAnnotations(OptOut.KEY, "true")
                .endMetadata().build();
        LocalVolumes.View view = new LocalVolumes.View(
                List.of(worker, daemon, optedOut, podWith("db", "db-1", DEAD, "data-db-1", Map.of("app", "db"))),
                List.of(claim("alluxio", "data-worker", "pv-worker", "local-path"),
                        claim("db", "data-agent", "pv-agent", "local-path"),
                        claim("db", "data-keep", "pv-keep", "local-path"), optedOutClaim),
                List.of(volume("pv-worker", "local-path", DEAD), volume("pv-agent", "local-path", DEAD),
                        volume("pv-keep", "local-path", DEAD), volume("pv-db-1", "local-path", DEAD)));

        assertThat(localVolumes().select(view, NOT_READY)).isEmpty();
    }

    @Test
    void should_clear_the_finalizers_of_a_released_claim_only_once_stuck_for_the_configured_time() {
        PersistentVolumeClaim stuck = terminating(claim("db", "data-db-0", "pv-db-0", "local-path"),
                NOW.minus(Duration.ofMinutes(3)));
        PersistentVolumeClaim young = terminating(claim("db", "data-db-1", "pv-db-1", "local-path"),
                NOW.minus(Duration.ofMinutes(1)));
        PersistentVolumeClaim garbled = new PersistentVolumeClaimBuilder(claim("db", "data-db-2", "pv-db-2", "local-path"))
                .editMetadata().withDeletionTimestamp("yesterday").endMetadata().build();
        PersistentVolumeClaim elsewhere = terminating(claim("db", "data-db-3", "pv-db-3", "local-path"),
                NOW.minus(Duration.ofHours(1)));
        LocalVolumes.View view = new LocalVolumes.View(
                // the pod of a Terminating claim is not released again
                List.of(podWith("db", "db-0", DEAD, "data-db-0", Map.of("app", "db"))),
                List.of(stuck, young, garbled, elsewhere),
                List.of(volume("pv-db-0", "local-path", DEAD), volume("pv-db-1", "local-path", DEAD),
                        volume("pv-db-2", "local-path", DEAD), volume("pv-db-3", "local-path", "worker1")));

        List<Action> actions = localVolumes().select(view, NOT_READY);

        assertThat(actions).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(Action.Kind.CLEAR_PVC_FINALIZERS);
            assertThat(a.pvc()).isEqualTo("data-db-0");
            assertThat(a.detail()).contains("Terminating for 3m", "kubernetes.io/pvc-protection", DEAD);
        });
    }

    @Test
    void should_know_a_volume_pinned_by_hostname_from_one_that_is_not() {
        assertThat(LocalVolumes.pinnedTo(volume("pv", "local-path", DEAD), DEAD)).isTrue();
        assertThat(LocalVolumes.pinnedTo(volume("pv", "local-path", DEAD), "worker1")).isFalse();
        assertThat(LocalVolumes.pinnedTo(volume("pv", "nfs", null), DEAD)).isFalse();
    }
}
