package io.offlineworkerreaper.observe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.offlineworkerreaper.decision.Action;
import io.offlineworkerreaper.decision.Remediation;
import io.offlineworkerreaper.decision.SafetyGate;
import io.offlineworkerreaper.kubernetes.PodReaper;
import io.offlineworkerreaper.notify.AnnouncementMemory;
import io.offlineworkerreaper.settings.SecretMasker;
import org.apache.camel.Exchange;

/**
 * The JSON audit log ({@code reaper.audit.file}): one line per action, for a log shipper. Fields:
 * timestamp, action (removed, would-remove, refused, refusal-ended, failed, failure-ended, breaker-open,
 * breaker-closed, the opt-in actions), node, namespace, pod, worker_id, keys, result, dry_run; an -ended line also
 * has since and cycles. Lasting conditions are written when they start, change and end ({@link OutcomeRecorder}); the file
 * rotates by size ({@code reaper.audit.max-size}, {@code reaper.audit.max-files}). Off when no file is configured.
 */
public final class AuditLog implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A failed step as the audit keeps it: the line written when it started, kept for its end. */
    public record Failure(ObjectNode line) {
    }

    private final AuditSettings settings;
    private final BooleanSupplier dryRun;
    private final SecretMasker masker;
    private final AnnouncementMemory announcements;
    private final Clock clock;
    private RollingFile out;

    public AuditLog(AuditSettings settings, BooleanSupplier dryRun, SecretMasker masker, AnnouncementMemory announcements,
                    Clock clock) {
        this.settings = settings;
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

    /** A refusal that no longer holds: the pod was removed, went away, or is refused for another reason now. */
    void refusalEnded(Remediation r, Instant since, long cycles) {
        write(ended(line("refusal-ended", r).put("result", r.verdict() + " no longer holds"), since, cycles));
    }

    /** A failed step, with the worker it was for when there is one, as {@link #failed(Failure)} writes it. */
    public Failure failure(Exchange exchange) {
        Object body = exchange.getIn().getBody();
        ObjectNode line = body instanceof Remediation r ? line("failed", r) : line("failed", null);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        return new Failure(line.put("step", exchange.getProperty(Exchange.FAILURE_ROUTE_ID, String.class))
                .put("result", masker.mask(cause == null ? "unknown error" : String.valueOf(cause.getMessage()))));
    }

    /** A failed step. */
    public void failed(Failure failure) {
        write(failure.line());
    }

    /** A step that failed in a row of cycles and no longer does. */
    void failureEnded(Failure failure, Instant since, long cycles) {
        ObjectNode line = failure.line().deepCopy().put("timestamp", clock.instant().toString())
                .put("action", "failure-ended");
        write(ended(line.put("result", "no longer fails: " + failure.line().path("result").asText()), since, cycles));
    }

    private static ObjectNode ended(ObjectNode line, Instant since, long cycles) {
        return line.put("since", since.toString()).put("cycles", cycles);
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

    /** A node action no longer refused for want of a fence (done, or no longer wanted). */
    void unfencedEnded(Action a, Instant since, long cycles) {
        write(ended(actionLine("refused-" + a.kind().label() + "-ended", a).put("result", "no longer refused"), since,
                cycles));
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
            if (r.request() != null) {
                line.put("asked_by", r.request().requestedBy()).put("reason", r.request().reason());
                line.putPOJO("bypassed", r.bypassed());
            }
        }
        return line.put("dry_run", dryRun.getAsBoolean());
    }

    private synchronized void write(ObjectNode line) {
        if (settings.file().isEmpty()) {
            return;
        }
        Path file = settings.file().get();
        try {
            if (out == null) {
                out = new RollingFile(file, settings.maxBytes(), settings.maxFiles(), true);
            }
            out.write((line + System.lineSeparator()).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            closeQuietly();
            throw new UncheckedIOException("Cannot write the audit log " + file, e);
        }
    }

    private void closeQuietly() {
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException ignored) {
            // the next line opens it again
        }
        out = null;
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }

}
