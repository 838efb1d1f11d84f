package io.offlineworkerreaper.cycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.offlineworkerreaper.decision.Pause;
import io.offlineworkerreaper.decision.RunMode;
import io.offlineworkerreaper.notify.AnnouncementMemory;
import io.offlineworkerreaper.observe.ReaperMetrics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The control object: the only thing the reaper writes, written with a precondition, read with suspicion. */
@EnableKubernetesMockClient(crud = true)
class ControlTest {

    private static final String NS = "offline-worker-reaper";
    private static final String NAME = "offline-worker-reaper-control";
    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");

    KubernetesClient client;
    KubernetesMockServer server;

    private Control control;

    @BeforeEach
    void setUp() {
        control = new Control(client, new ControlSettings(NS, NAME), new RunMode(false), 10, new AnnouncementMemory(),
                new ReaperMetrics(new SimpleMeterRegistry(), Clock.systemUTC()), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private void controlMap(Map<String, String> annotations) {
        client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withNamespace(NS).withName(NAME)
                .withAnnotations(annotations).endMetadata().build()).createOr(c -> c.update());
    }

    private Map<String, String> annotations() {
        Map<String, String> a = client.configMaps().inNamespace(NS).withName(NAME).get().getMetadata().getAnnotations();
        return a == null ? Map.of() : a;
    }

    private static String epoch(Instant at) {
        return String.valueOf(at.getEpochSecond());
    }

    @Test
    void should_ignore_times_more_than_a_minute_ahead() {
        // given a window with one removal 10 minutes ago and two forged ones in the future
        controlMap(Map.of(Control.REMOVALS, epoch(NOW.minusSeconds(600)) + "," + epoch(NOW.plusSeconds(3600)) + ","
                + epoch(NOW.plusSeconds(30)), Control.BREAKER_OPEN, epoch(NOW.plus(Duration.ofDays(1)))));

        // when it is read
        control.refresh();

        // then the far one is ignored, the one within the clock's skew counts, and the forged breaker is not open
        assertThat(control.remaining()).isEqualTo(8);
        assertThat(control.openSince()).isEmpty();
    }

    @Test
    void should_reset_the_window_when_an_operator_removes_the_annotation() {
        controlMap(Map.of(Control.REMOVALS, epoch(NOW.minusSeconds(60)) + "," + epoch(NOW.minusSeconds(30))));
        control.refresh();
        assertThat(control.remaining()).isEqualTo(8);

        controlMap(Map.of());
        control.refresh();

        assertThat(control.remaining()).isEqualTo(10);
    }

    @Test
    void should_patch_with_a_resource_version_precondition_and_keep_what_changed_meanwhile() throws Exception {
        // given the window read, then an operator pausing the reaper before the next write
        controlMap(Map.of(Control.REMOVALS, epoch(NOW.minusSeconds(60))));
        control.refresh();
        String read = client.configMaps().inNamespace(NS).withName(NAME).get().getMetadata().getResourceVersion();
        controlMap(Map.of(Control.REMOVALS, epoch(NOW.minusSeconds(60)), Pause.PAUSED, "incident"));
        // (an API server refuses a write against the old resourceVersion: so does this one, once)
        java.util.concurrent.atomic.AtomicReference<String> refused = new java.util.concurrent.atomic.AtomicReference<>();
        server.expect().patch().withPath("/api/v1/namespaces/" + NS + "/configmaps/" + NAME)
                .andReply(409, request -> {
                    refused.set(request.getUtf8Body());
                    return new StatusBuilder().withCode(409).withReason("Conflict").build();
                }).once();

        // when a removal is recorded
        control.record();

        // then the refused patch named the resourceVersion it was made against
        assertThat(refused.get()).contains("\"resourceVersion\":\"" + read + "\"");
        // and the pause stays, the window has both removals
        assertThat(annotations()).containsEntry(Pause.PAUSED, "incident")
                .containsEntry(Control.REMOVALS, epoch(NOW.minusSeconds(60)) + "," + epoch(NOW));
    }

    @Test
    void should_keep_the_breakers_state_on_the_control_object() {
        controlMap(Map.of());
        control.refresh();

        control.opened(NOW.minusSeconds(120));
        assertThat(annotations()).containsEntry(Control.BREAKER_OPEN, epoch(NOW.minusSeconds(120)))
                .containsEntry(Control.BREAKER_CLOSED, "");
        control.closed(NOW);
        assertThat(annotations()).containsEntry(Control.BREAKER_CLOSED, epoch(NOW))
                .containsEntry(Control.BREAKER_OPEN, "");

        // and a new process reads it back
        Control next = new Control(client, new ControlSettings(NS, NAME), new RunMode(false), 10,
                new AnnouncementMemory(), new ReaperMetrics(new SimpleMeterRegistry(), Clock.systemUTC()),
                Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(next.closedAt()).contains(NOW);
        assertThat(next.openSince()).isEmpty();
    }

}
