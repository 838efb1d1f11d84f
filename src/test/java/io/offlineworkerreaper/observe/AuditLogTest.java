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
import io.offlineworkerreaper.decision.Action;
import io.offlineworkerreaper.decision.Remediation;
import io.offlineworkerreaper.kubernetes.NotReadyNode;
import io.offlineworkerreaper.kubernetes.PodReaper;
import io.offlineworkerreaper.kubernetes.WorkerPod;
import io.offlineworkerreaper.notify.AnnouncementMemory;
import io.offlineworkerreaper.settings.SecretMasker;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.offlineworkerreaper.decision.Remediations.aDeadWorker;
import static io.offlineworkerreaper.decision.Remediations.aLiveWorker;
import static io.offlineworkerreaper.decision.Remediations.aWorkerPod;
import static org.assertj.core.api.Assertions.assertThat;

/** The JSON audit log: one line per action, what a log shipper indexes, secrets masked, dry-run once. */
class AuditLogTest {

    private static final Instant NOW = Instant.parse("2026-11-22T20:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final NotReadyNode NODE = new NotReadyNode("worker3", "Unknown", NOW.minusSeconds(120),
            Duration.ofMinutes(2));
    private static final WorkerPod POD = aWorkerPod("alluxio-worker-2q7z7", "uid-1", "10.244.3.7", NODE);

    @TempDir
    Path dir;

    private final AnnouncementMemory announcements = new AnnouncementMemory();

    private AuditLog audit(Path file, boolean dryRun) {
        return new AuditLog(new AuditSettings(Optional.ofNullable(file), 1024 * 1024, 2), () -> dryRun,
                new SecretMasker(List.of("s3cr3t-token")), announcements, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static Remediation aRemoval() {
        return new Remediation(POD, Remediation.Verdict.REMOVE, List.of(aDeadWorker("worker-0d95", "10.244.3.7")),
                "lease expired");
    }

    private List<JsonNode> lines(Path file) throws Exception {
        return Files.readAllLines(file).stream().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new AssertionError("not one JSON object per line: " + l, e);
            }
        }).toList();
    }

    @Test
    void should_write_one_json_line_per_removal_and_refusal_with_the_fields_a_shipper_indexes() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        AuditLog audit = audit(file, false);
        Remediation removal = aRemoval();
        Remediation refusal = Remediation.refusal(POD, Remediation.Verdict.STILL_HEARTBEATING,
                List.of(aLiveWorker("worker-0d95", "10.244.3.7")), "its lease is alive");

        audit.removed(removal, PodReaper.Outcome.DELETED);
        audit.refused(refusal);

        List<JsonNode> lines = lines(file);
        assertThat(lines).hasSize(2);
        JsonNode removed = lines.get(0);
        assertThat(removed.get("timestamp").asText()).isEqualTo("2026-11-22T20:00:00Z");
        assertThat(removed.get("action").asText()).isEqualTo("removed");
        assertThat(removed.get("node").asText()).isEqualTo("worker3");
        assertThat(removed.get("namespace").asText() + "/" + removed.get("pod").asText())
                .isEqualTo("default/alluxio-worker-2q7z7");
        assertThat(removed.get("worker_id").asText()).isEqualTo("worker-0d95");
        assertThat(removed.get("keys").toString()).contains("/DHT/default-alluxio/AUTHORIZED/worker-0d95");
        assertThat(removed.get("result").asText()).isEqualTo("pod force-deleted");
        assertThat(removed.get("dry_run").asBoolean()).isFalse();
        assertThat(lines.get(1).get("action").asText()).isEqualTo("refused");
        assertThat(lines.get(1).get("result").asText()).isEqualTo("STILL_HEARTBEATING: its lease is alive");
    }

    @Test
    void should_log_a_dry_run_removal_or_action_once_while_it_lasts_not_every_cycle() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        AuditLog audit = audit(file, true);
        Remediation removal = aRemoval();
        Action cordon = new Action(Action.Kind.CORDON, null, "worker3", null, "worker3", null, "NotReady for 10m");

        for (int cycle = 0; cycle < 3; cycle++) {
            announcements.newCycle();
            audit.removed(removal, PodReaper.Outcome.DELETED);
            audit.acted(cordon, "cordoned");
        }

        List<JsonNode> lines = lines(file);
        assertThat(lines).extracting(l -> l.get("action").asText()).containsExactly("would-remove", "would-cordon");
        assertThat(lines).allSatisfy(l -> assertThat(l.get("dry_run").asBoolean()).isTrue());
        assertThat(lines.get(0).get("result").asText()).isEqualTo("dry-run: nothing deleted");
        assertThat(lines.get(1).get("result").asText()).isEqualTo("dry-run: nothing changed");
    }

    @Test
    void should_name_the_failed_step_and_mask_secrets_in_its_error() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        CamelContext camel = new DefaultCamelContext();
        Exchange failed = new DefaultExchange(camel);
        failed.setProperty(Exchange.EXCEPTION_CAUGHT,
                new IllegalStateException("401 from https://hooks.slack.com/s3cr3t-token"));
        failed.setProperty(Exchange.FAILURE_ROUTE_ID, "post-to-slack");

        AuditLog audit = audit(file, false);
        audit.failed(audit.failure(failed));

        JsonNode line = lines(file).get(0);
        assertThat(line.get("action").asText()).isEqualTo("failed");
        assertThat(line.get("step").asText()).isEqualTo("post-to-slack");
        assertThat(line.get("result").asText()).isEqualTo("401 from https://hooks.slack.com/****")
                .doesNotContain("s3cr3t");
    }

    @Test
    void should_write_nothing_when_no_file_is_configured() throws Exception {
        audit(null, false).refused(Remediation.refusal(POD, Remediation.Verdict.AMBIGUOUS, List.of(), "shared address"));

        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void should_rotate_by_size_and_keep_the_configured_number_of_files() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        AuditLog audit = new AuditLog(new AuditSettings(Optional.of(file), 2048, 2), () -> false,
                new SecretMasker(List.of()), announcements, Clock.fixed(NOW, ZoneOffset.UTC));

        for (int i = 0; i < 200; i++) {
            audit.removed(aRemoval(), PodReaper.Outcome.DELETED);
        }
        audit.close();

        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactlyInAnyOrder("audit.jsonl", "audit.jsonl.1", "audit.jsonl.2");
        }
        for (String name : new String[] {"audit.jsonl", "audit.jsonl.1", "audit.jsonl.2"}) {
            assertThat(Files.size(dir.resolve(name))).isLessThan(2048 + 1024);
            assertThat(lines(dir.resolve(name))).isNotEmpty(); // whole JSON lines in every file
        }
    }
}
