package io.offlineworkerreaper.observe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.offlineworkerreaper.decision.Remediation;
import io.offlineworkerreaper.decision.SafetyGate;
import io.offlineworkerreaper.kubernetes.PodReaper;
import io.offlineworkerreaper.notify.Announcements;
import io.offlineworkerreaper.optin.Action;
import io.offlineworkerreaper.settings.SecretMasker;
import org.apache.camel.Exchange;

/**
 * The JSON audit log ({@code reaper.audit.file}): one line per action, for a log shipper. Fields:
 * timestamp, action (removed, would-remove, refused, failed, breaker-open, breaker-closed), node, namespace,
 * pod, worker_id, keys, result, dry_run. Off when no file is configured.
 */
public final class AuditLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Optional<Path> file;
    private final BooleanSupplier dryRun;
    private final SecretMasker masker;
    private final Announcements announcements;
    private final Clock clock;

    public AuditLog(Optional<Path> file, BooleanSupplier dryRun, SecretMasker masker, Announcements announcements,
                    Clock clock) {
        this.file = file;
        this.dryRun = dryRun;
        this.masker = masker;
        this.announcements = announcements;
        this.clock = clock;
    }

    /** A worker removed (or, in dry-run, that would be: once while it lasts, not every cycle). */
    public void removed(Remediation r, PodReaper.Outcome podOutcome) {
        boolean dryRun = this.dryRun.getAsBoolean();
        if (dryRun && !announcements.firstTime("audit-would-remove:" + r.announcementKey())) {
            return;
        }
        write(line(dryRun ? "would-remove" : "removed", r)
                .put("result", dryRun ? "dry-run: nothing deleted" : "pod " + podOutcome));
    }

    /** A worker left alone, and why. */
    public void refused(Remediation r) {
        write(line("refused", r).put("result", r.verdict() + ": " + r.detail()));
    }

    /** A failed step, with the worker it was for when there is one. */
    public void failed(Exchange exchange) {
        Object body = exchange.getIn().getBody();
        ObjectNode line = body instanceof Remediation r ? line("failed", r) : line("failed", null);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        write(line.put("step", exchange.getProperty(Exchange.FAILURE_ROUTE_ID, String.class))
                .put("result", masker.mask(cause == null ? "unknown error" : String.valueOf(cause.getMessage()))));
    }

    /** An opt-in action (stuck pod, node, local volume): done, or in dry-run what would be done (once). */
    public void acted(Action a, String outcome) {
        boolean dryRun = this.dryRun.getAsBoolean();
        if (dryRun && !announcements.firstTime("audit-would-act:" + a.announcementKey())) {
            return;
        }
        write(actionLine((dryRun ? "would-" : "") + a.kind().label(), a)
                .put("result", dryRun ? "dry-run: nothing changed" : outcome));
    }

    /** A node action refused: the node could not be proven off (the fence). */
    public void unfenced(Action a, String detail) {
        write(actionLine("refused-" + a.kind().label(), a).put("result", "not fenced: " + masker.mask(detail)));
    }

    /** The safety breaker changed state. */
    public void breaker(SafetyGate.Admission admission) {
        if (!admission.changed()) {
            return;
        }
        ObjectNode line = line(admission.state() == SafetyGate.State.TRIPPED ? "breaker-open" : "breaker-closed", null);
        line.putPOJO("not_ready_nodes", admission.notReady());
        write(line.put("result", admission.reason()));
    }

    private ObjectNode actionLine(String action, Action a) {
        return line(action, null).put("node", a.node()).put("target", a.target()).put("reason", a.detail());
    }

    private ObjectNode line(String action, Remediation r) {
        ObjectNode line = JSON.createObjectNode();
        line.put("timestamp", clock.instant().toString()).put("action", action);
        if (r != null) {
            line.put("node", r.pod().node().name()).put("namespace", r.pod().namespace())
                    .put("pod", r.pod().name()).put("pod_ip", r.pod().ip()).put("worker_id", r.workerId());
            line.putPOJO("keys", r.keys());
        }
        return line.put("dry_run", dryRun.getAsBoolean());
    }

    private synchronized void write(ObjectNode line) {
        if (file.isEmpty()) {
            return;
        }
        try {
            Files.writeString(file.get(), line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the audit log " + file.get(), e);
        }
    }

}
