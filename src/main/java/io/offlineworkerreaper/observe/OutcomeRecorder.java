package io.offlineworkerreaper.observe;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.LongSupplier;

import io.offlineworkerreaper.decision.Action;
import io.offlineworkerreaper.decision.Remediation;
import io.offlineworkerreaper.decision.RunMode;
import io.offlineworkerreaper.decision.SafetyGate;
import io.offlineworkerreaper.kubernetes.PodReaper;
import io.offlineworkerreaper.notify.NoticeWriter;
import io.offlineworkerreaper.optin.Fence;
import org.apache.camel.Exchange;

/**
 * Where the routes report what a cycle did: each outcome goes to the audit log, the metrics, the Kubernetes
 * Events and the cycle's result, so that the four never disagree and the routes make one call for it. A
 * refusal, a failure or an unproven node that repeats cycle after cycle is audited and recorded as an Event when it
 * starts, when it changes and when it ends (with the number of cycles it lasted), not every cycle: over months the
 * audit file and the API requests stay bounded. The metrics still count every cycle's.
 * (The human-readable notice for the log and Slack is {@link NoticeWriter}' job.)
 */
public final class OutcomeRecorder {

    private final AuditLog audit;
    private final ReaperMetrics metrics;
    private final KubernetesEvents events;
    private final CycleTracker cycle;
    private final RunMode runMode;
    private final Runnable countAgainstBudget;
    private final LongSupplier cycleNumber;
    private final Clock clock;
    private final Deque<String> lastRemovals = new ArrayDeque<>();
    /** Refusals, failures and unproven nodes that last: recorded when they start, change and end. */
    private final Repeats<Ended> lasting = new Repeats<>();

    /** Records the end of a lasting condition, given when it started and how many cycles it lasted. */
    @FunctionalInterface
    private interface Ended {
        void record(Instant since, long cycles);
    }

    /**
     * @param countAgainstBudget called for each removal or action done for real (the hourly budget's window)
     * @param cycleNumber        the number of the current cycle (a lasting condition ends when a whole cycle
     *                           passed without it)
     */
    public OutcomeRecorder(AuditLog audit, ReaperMetrics metrics, KubernetesEvents events, CycleTracker cycle,
                    RunMode runMode, Runnable countAgainstBudget, LongSupplier cycleNumber, Clock clock) {
        this.audit = audit;
        this.metrics = metrics;
        this.events = events;
        this.cycle = cycle;
        this.runMode = runMode;
        this.countAgainstBudget = countAgainstBudget;
        this.cycleNumber = cycleNumber;
        this.clock = clock;
    }

    /**
     * A lasting condition seen again: {@code start} records it when it is new or changed, and the run it replaced
     * (or that ended since the last cycle) gets its end recorded, with its count.
     */
    private void lasting(String subject, String condition, Runnable start, Ended end) {
        long number = cycleNumber.getAsLong();
        endLasting(number);
        Repeats.Seen<Ended> seen = lasting.seen(subject, condition, end, number, clock.instant());
        seen.replaced().ifPresent(run -> run.payload().record(run.since(), run.cycles()));
        if (seen.started()) {
            start.run();
        }
    }

    private void endLasting(long number) {
        lasting.ended(number).forEach(run -> run.payload().record(run.since(), run.cycles()));
    }

    /** The last removals and actions done for real, newest first (for the status page). */
    public synchronized List<String> lastRemovals() {
        return List.copyOf(lastRemovals);
    }

    private synchronized void remember(String what) {
        lastRemovals.addFirst(clock.instant() + " " + what);
        while (lastRemovals.size() > 10) {
            lastRemovals.removeLast();
        }
    }

    /** A worker removed (in dry-run: that would be). */
    public void removed(Remediation r, PodReaper.Outcome podOutcome) {
        boolean dryRun = runMode.dryRunOrPaused();
        audit.removed(r, podOutcome);
        metrics.removed(dryRun);
        events.removed(r, podOutcome, dryRun);
        if (!dryRun) {
            countAgainstBudget.run();
            remember("removed " + r.pod().qualifiedName() + " (worker " + r.workerIdText() + ") on node "
                    + r.pod().node().name());
        }
    }

    /** An opt-in action carried out (in dry-run: that would be); {@code outcome} is null in dry-run. */
    public void acted(Action a, String outcome) {
        boolean dryRun = runMode.dryRunOrPaused();
        audit.acted(a, outcome);
        metrics.acted(a.kind(), dryRun);
        events.acted(a, outcome, dryRun);
        if (!dryRun && !a.kind().isRevert()) {
            countAgainstBudget.run();
            remember(a.kind().done() + " " + a.target() + " on node " + a.node());
        }
    }

    /** A node action refused because the node could not be proven off (recorded once while it lasts). */
    public void unfenced(Action a, Fence.Result fence) {
        metrics.unfenced();
        lasting("unfenced:" + a.announcementKey(), "unfenced", () -> {
            audit.unfenced(a, fence.detail());
            events.unfenced(a, fence.detail());
        }, (since, cycles) -> {
            audit.unfencedEnded(a, since, cycles);
            events.unfencedEnded(a, fence.detail(), cycles);
        });
    }

    /** A worker left alone, and why (recorded when the refusal starts, changes and ends, not every cycle). */
    public void refused(Remediation r) {
        metrics.refused(r.verdict());
        lasting("refused:" + r.pod().uid(), r.announcementKey(), () -> {
            audit.refused(r);
            events.refused(r);
        }, (since, cycles) -> {
            audit.refusalEnded(r, since, cycles);
            events.refusalEnded(r, cycles);
        });
    }

    /** A failed step (the exchange carries the exception and the route it failed in), recorded once while it lasts. */
    public void failed(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String step = exchange.getProperty(Exchange.FAILURE_ROUTE_ID, String.class);
        Object body = exchange.getIn().getBody();
        Remediation remediation = body instanceof Remediation r ? r : null;
        metrics.failed(remediation != null, cause, step);
        cycle.failed();
        String subject = "failed:" + step + (remediation == null ? "" : ":" + remediation.pod().uid());
        AuditLog.Failure failure = audit.failure(exchange);
        lasting(subject, cause == null ? "" : cause.getClass().getName(), () -> audit.failed(failure),
                (since, cycles) -> audit.failureEnded(failure, since, cycles));
    }

    /** The nodes seen in this cycle and the breaker's decision on them. */
    public void admitted(SafetyGate.Admission admission) {
        endLasting(cycleNumber.getAsLong());
        metrics.nodes(admission.notReady().size(), !admission.allowed());
        if (!admission.allowed()) {
            cycle.breakerHeld();
        }
        if (admission.changed()) {
            audit.breaker(admission);
            if (admission.state() == SafetyGate.State.TRIPPED) {
                events.breakerOpen(admission);
            }
        }
    }
}
