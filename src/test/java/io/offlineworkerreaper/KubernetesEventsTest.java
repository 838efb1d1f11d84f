package io.offlineworkerreaper;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Event;
import io.offlineworkerreaper.observe.KubernetesEvents;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.Scenario.CLUSTER;
import static io.offlineworkerreaper.Scenario.WORKER_3;
import static io.offlineworkerreaper.Scenario.aNotReadyNode;
import static io.offlineworkerreaper.Scenario.aReadyNode;
import static io.offlineworkerreaper.Scenario.authorizedKey;
import static io.offlineworkerreaper.Scenario.create;
import static io.offlineworkerreaper.Scenario.podExists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Kubernetes Events, as kubectl describe and event exporters read them from the API server. */
class KubernetesEventsTest extends ReaperWorld {

    private static final String DEAD_POD = "alluxio-worker-577545dc9-2q7z7";
    private static final String DEAD_NODE = "alluxio-e2e-worker3";

    private List<Event> eventsOn(String kind, String name) {
        return client.v1().events().inAnyNamespace().list().getItems().stream()
                .filter(e -> kind.equals(e.getInvolvedObject().getKind()) && name.equals(e.getInvolvedObject().getName()))
                .toList();
    }

    @Test
    void should_record_a_warning_on_the_pod_and_the_node_of_a_removal() throws Exception {
        // given the seed crash
        Scenario.seedCrash(client, registry);
        String podUid = client.pods().inNamespace("default").withName(DEAD_POD).get().getMetadata().getUid();

        // when the reaper removes the worker
        startReaper(Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() -> !podExists(client, "default", DEAD_POD));
        reaper.awaitCycles(1);

        // then the pod has one Warning Event saying what was deleted, in its namespace
        List<Event> onPod = eventsOn("Pod", DEAD_POD);
        assertThat(onPod).hasSize(1);
        Event event = onPod.get(0);
        assertThat(event.getMetadata().getNamespace()).isEqualTo("default");
        assertThat(event.getType()).isEqualTo("Warning");
        assertThat(event.getReason()).isEqualTo(KubernetesEvents.REMOVED);
        assertThat(event.getInvolvedObject().getUid()).isEqualTo(podUid);
        assertThat(event.getSource().getComponent()).isEqualTo("offline-worker-reaper");
        assertThat(event.getCount()).isEqualTo(1);
        assertThat(event.getFirstTimestamp()).isNotBlank();
        assertThat(event.getMessage()).contains(WORKER_3, authorizedKey(CLUSTER, WORKER_3), "force-deleted", DEAD_NODE);
        // and the node has the same, in the default namespace where kubectl describe node looks
        List<Event> onNode = eventsOn("Node", DEAD_NODE);
        assertThat(onNode).hasSize(1);
        assertThat(onNode.get(0).getMetadata().getNamespace()).isEqualTo("default");
        assertThat(onNode.get(0).getReason()).isEqualTo(KubernetesEvents.REMOVED);
        // and nothing was said about the healthy nodes and their workers
        assertThat(eventsOn("Node", "alluxio-e2e-worker")).isEmpty();
        assertThat(eventsOn("Pod", "alluxio-worker-577545dc9-5vt8k")).isEmpty();
    }

    @Test
    void should_record_a_lasting_refusal_once_and_count_it_up_once_when_it_ends() throws Exception {
        // given a dead node whose worker still heartbeats: refused every cycle
        Scenario.seedCrash(client);
        registry.registerLiveWorker(CLUSTER, WORKER_3, "10.244.4.5", 3);

        // when the reaper runs several cycles
        startReaper(Map.of());
        reaper.awaitCycles(4);

        // then the pod and the node each have one RemediationRefused event, not patched every cycle
        List<Event> onPod = eventsOn("Pod", DEAD_POD);
        assertThat(onPod).hasSize(1);
        assertThat(onPod.get(0).getReason()).isEqualTo(KubernetesEvents.REFUSED);
        assertThat(onPod.get(0).getCount()).isEqualTo(1);
        assertThat(onPod.get(0).getMessage()).contains("STILL_HEARTBEATING");
        assertThat(eventsOn("Node", DEAD_NODE)).singleElement()
                .satisfies(e -> assertThat(e.getReason()).isEqualTo(KubernetesEvents.REFUSED));
        assertThat(podExists(client, "default", DEAD_POD)).isTrue();

        // when the worker stops heartbeating, its lease expires and the refusal ends with the removal
        registry.stopHeartbeat(WORKER_3);
        await().atMost(Duration.ofSeconds(20)).until(() -> !podExists(client, "default", DEAD_POD));

        // then the refusal's Events are counted up once, to the number of cycles it held
        await().atMost(Duration.ofSeconds(5)).until(() -> eventsOn("Pod", DEAD_POD).stream()
                .anyMatch(e -> e.getReason().equals(KubernetesEvents.REFUSED) && e.getCount() >= 4));
        assertThat(eventsOn("Pod", DEAD_POD)).filteredOn(e -> e.getReason().equals(KubernetesEvents.REFUSED))
                .singleElement().satisfies(e -> assertThat(e.getMessage()).contains("no longer"));
    }

    @Test
    void should_record_would_remove_in_dry_run_and_nothing_when_events_are_off() throws Exception {
        Scenario.seedCrash(client, registry);
        startReaper(Map.of("reaper.dry-run", "true"));
        await().atMost(Duration.ofSeconds(20)).until(() -> !eventsOn("Pod", DEAD_POD).isEmpty());
        assertThat(eventsOn("Pod", DEAD_POD)).singleElement()
                .satisfies(e -> assertThat(e.getReason()).isEqualTo(KubernetesEvents.WOULD_ACT))
                .satisfies(e -> assertThat(e.getMessage()).startsWith("Dry-run: would delete"));
        assertThat(podExists(client, "default", DEAD_POD)).isTrue();
        reaper.close();

        // events off: the removal happens, and no Event is written
        client.v1().events().inAnyNamespace().delete();
        reaper = RunningReaper.start(client, etcd.clientUrl(), slack, Map.of("reaper.kubernetes.events", "false"));
        await().atMost(Duration.ofSeconds(20)).until(() -> !podExists(client, "default", DEAD_POD));
        reaper.awaitCycles(1);
        assertThat(client.v1().events().inAnyNamespace().list().getItems()).isEmpty();
    }

    @Test
    void should_record_the_breaker_refusal_on_each_not_ready_node() throws Exception {
        create(client, aReadyNode("a"), aNotReadyNode("b"), aNotReadyNode("c"));
        startReaper(Map.of());
        reaper.awaitCycles(2);
        assertThat(eventsOn("Node", "b")).singleElement().satisfies(e -> {
            assertThat(e.getReason()).isEqualTo(KubernetesEvents.REFUSED);
            assertThat(e.getMessage()).contains("safety breaker open", "2 of 3 nodes");
        });
        assertThat(eventsOn("Node", "c")).hasSize(1);
        assertThat(eventsOn("Node", "a")).isEmpty();
    }
}
