package io.offlineworkerreaper.observe;

import io.offlineworkerreaper.cycle.CycleTracker;
import io.offlineworkerreaper.decision.Remediation;
import io.offlineworkerreaper.decision.SafetyGate;
import io.offlineworkerreaper.kubernetes.PodReaper;
import io.offlineworkerreaper.notify.Notices;
import io.offlineworkerreaper.optin.Action;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import io.offlineworkerreaper.decision.RunMode;
import io.offlineworkerreaper.optin.Fence;
import org.apache.camel.Exchange;

/**
 * Where the routes report what a cycle did: each outcome goes to the audit log, the metrics, the Kubernetes
 * Events and the cycle's result, so that the four never disagree and the routes make one call for it.
 * (The human-readable notice for the log and Slack is {@link Notices}' job.)
 */
public final class Outcomes {

    private final AuditLog audit;
    private final ReaperMetrics metrics;
    private final KubernetesEvents events;
    private final CycleTracker cycle;
    private final RunMode runMode;
    private final Runnable countAgainstBudget;
    private final Deque<String> lastRemovals = new ArrayDeque<>();

    /**
     * @param countAgainstBudget called for each removal or action done for real (the hourly budget's window)
     */
    public Outcomes(AuditLog audit, ReaperMetrics metrics, KubernetesEvents events, CycleTracker cycle,
                    RunMode runMode, Runnable countAgainstBudget) {
        this.audit = audit;
        this.metrics = metrics;
        this.events = events;
        this.cycle = cycle;
        this.runMode = runMode;
        this.countAgainstBudget = countAgainstBudget;
    }

    /** The last removals and actions done for real, newest first (for the status page). */
    public synchronized List<String> lastRemovals() {
        return List.copyOf(lastRemovals);
    }

    private synchronized void remember(String what) {
        lastRemovals.addFirst(java.time.Instant.now() + " " + what);
        while (lastRemovals.size() > 10) {
            lastRemovals.removeLast();
        }
    }

    /** A worker removed (in dry-run: that would be). */
    public void removed(Remediation r, PodReaper.Outcome podOutcome) {
        boolean dryRun = runMode.dryRun();
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
        boolean dryRun = runMode.dryRun();
        audit.acted(a, outcome);
        metrics.acted(a.kind(), dryRun);
        events.acted(a, outcome, dryRun);
        if (!dryRun && !a.kind().isRevert()) {
            countAgainstBudget.run();
            remember(a.kind().done() + " " + a.target() + " on node " + a.node());
        }
    }

    /** A node action refused because the node could not be proven off. */
    public void unfenced(Action a, Fence.Result fence) {
        audit.unfenced(a, fence.detail());
        metrics.unfenced();
        events.unfenced(a, fence.detail());
    }

    /** A worker left alone, and why. */
    public void refused(Remediation r) {
        audit.refused(r);
        metrics.refused(r.verdict());
        events.refused(r);
    }

    /** A failed step (the exchange carries the exception and the route it failed in). */
    public void failed(Exchange exchange) {
        audit.failed(exchange);
        metrics.failed(exchange.getIn().getBody() instanceof Remediation,
                exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class),
                exchange.getProperty(Exchange.FAILURE_ROUTE_ID, String.class));
        cycle.failed();
    }

    /** The nodes seen in this cycle and the breaker's decision on them. */
    public void admitted(SafetyGate.Admission admission) {
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
