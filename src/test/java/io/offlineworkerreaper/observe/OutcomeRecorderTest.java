package io.offlineworkerreaper.observe;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.offlineworkerreaper.decision.Remediation;
import io.offlineworkerreaper.decision.RunMode;
import io.offlineworkerreaper.kubernetes.NotReadyNode;
import io.offlineworkerreaper.kubernetes.WorkerPod;
import io.offlineworkerreaper.notify.AnnouncementMemory;
import io.offlineworkerreaper.settings.SecretMasker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.offlineworkerreaper.decision.Remediations.aLiveWorker;
import static io.offlineworkerreaper.decision.Remediations.aWorkerPod;
import static org.assertj.core.api.Assertions.assertThat;

/** A refusal that lasts is audited and recorded as an Event when it starts, changes and ends, not every cycle. */
@EnableKubernetesMockClient(crud = true)
class OutcomeRecorderTest {

    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    private static final WorkerPod POD = aWorkerPod("alluxio-worker-2q7z7", "uid-1", "10.244.3.7",
            new NotReadyNode("worker3", "Unknown", NOW.minusSeconds(600), Duration.ofMinutes(10)));

    KubernetesClient client;

    @TempDir
    Path dir;

    private final AnnouncementMemory announcements = new AnnouncementMemory();

    private OutcomeRecorder outcomes(Path file) {
        ReaperMetrics metrics = new ReaperMetrics(new SimpleMeterRegistry(), Clock.systemUTC());
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        AuditLog audit = new AuditLog(new AuditSettings(Optional.of(file), 1024 * 1024, 2), () -> false,
                new SecretMasker(List.of()), announcements, clock);
        KubernetesEvents events = new KubernetesEvents(client, true, "test", clock, metrics);
        return new OutcomeRecorder(audit, metrics, events, new CycleTracker(metrics), new RunMode(false), () -> { },
                announcements::currentCycle, clock);
    }

    private static Remediation heartbeating(String detail) {
        return Remediation.refusal(POD, Remediation.Verdict.STILL_HEARTBEATING,
                List.of(aLiveWorker("worker-0d95", "10.244.3.7")), detail);
    }

    private static List<JsonNode> lines(Path file) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new java.util.ArrayList<>();
        for (String l : Files.readAllLines(file)) {
            lines.add(json.readTree(l));
        }
        return lines;
    }

    @Test
    void should_audit_a_repeated_refusal_when_it_starts_changes_and_ends_with_its_count() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        OutcomeRecorder outcomes = outcomes(file);

        // given the same refusal in 500 cycles, then another refusal of the same pod in 3, then none
        for (int cycle = 0; cycle < 500; cycle++) {
            announcements.newCycle();
            outcomes.refused(heartbeating("lease alive, cycle " + cycle));
        }
        for (int cycle = 0; cycle < 3; cycle++) {
            announcements.newCycle();
            outcomes.refused(Remediation.refusal(POD, Remediation.Verdict.AMBIGUOUS, List.of(), "shared address"));
        }
        announcements.newCycle();
        announcements.newCycle();
        outcomes.admitted(new io.offlineworkerreaper.decision.SafetyGate(
                io.offlineworkerreaper.decision.SafetyGate.MaxUnhealthy.parse("1"), Duration.ZERO, 10, Clock.systemUTC())
                .admit(List.of()));

        // then four lines: each refusal's start and its end with the count
        List<JsonNode> lines = lines(file);
        assertThat(lines).extracting(l -> l.get("action").asText())
                .containsExactly("refused", "refusal-ended", "refused", "refusal-ended");
        assertThat(lines.get(1).get("cycles").asLong()).isEqualTo(500);
        assertThat(lines.get(1).get("result").asText()).isEqualTo("STILL_HEARTBEATING no longer holds");
        assertThat(lines.get(3).get("cycles").asLong()).isEqualTo(3);
        assertThat(lines.get(3).get("since").asText()).isEqualTo(NOW.toString());

        // and the pod's Event was created once, counted up once to 500 when the first refusal ended, and once more
        // when the second started (the same reason on the same pod is one Event)
        List<Event> podEvents = client.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> e.getInvolvedObject().getKind().equals("Pod")).toList();
        assertThat(podEvents).hasSize(1);
        assertThat(podEvents.get(0).getCount()).isEqualTo(501);
    }
}
