package io.offlineworkerreaper;

import java.util.List;
import java.util.Optional;

import org.apache.camel.Exchange;

/**
 * Writes the notices operators read, and decides which refusals and failures are worth announcing (once per
 * condition, not once per cycle). Every notice names the node, the pod and the worker so that an operator can
 * check it with kubectl and etcdctl.
 */
public final class Notices {

    private final Announcements announcements;
    private final SecretMasker masker;

    public Notices(Announcements announcements, SecretMasker masker) {
        this.announcements = announcements;
        this.masker = masker;
    }

    /** After the etcd keys and the pod are gone (or would be, in dry-run). */
    public Notice removed(Remediation r, PodReaper.Outcome podOutcome, boolean dryRun, long elapsedMillis) {
        WorkerPod pod = r.pod();
        String keys = r.keys().isEmpty() ? "none registered" : String.join(", ", r.keys());
        String head = dryRun
                ? "[DRY-RUN] Would remove offline Alluxio worker " + r.workerIdText()
                : "Removed offline Alluxio worker " + r.workerIdText();
        String podLine = dryRun ? "would be force-deleted" : String.valueOf(podOutcome);
        String text = head + "\n"
                + "• node: " + pod.node().name() + " (Ready=" + pod.node().readyStatus() + " for "
                + pod.node().notReadyForText() + ")\n"
                + "• pod: " + pod.qualifiedName() + " (" + pod.ip() + "): " + podLine + "\n"
                + "• etcd keys " + (dryRun ? "to delete" : "deleted") + ": " + keys + "\n"
                + "• took " + elapsedMillis + " ms";
        return new Notice(dryRun ? Notice.Kind.WOULD_REMOVE : Notice.Kind.REMEDIATED, text);
    }

    /** A refusal to act, or null when the same refusal was already announced and still holds. */
    public Notice refused(Remediation r) {
        if (!announcements.firstTime(r.announcementKey())) {
            return null;
        }
        WorkerPod pod = r.pod();
        String why = switch (r.verdict()) {
            case STILL_HEARTBEATING -> "Not removing Alluxio worker " + r.workerIdText() + ": it is still heartbeating";
            case AMBIGUOUS -> "Not removing any Alluxio worker for pod " + pod.qualifiedName()
                    + ": its address is claimed by several workers";
            case REMOVE -> throw new IllegalArgumentException("a removal is not a refusal");
        };
        String text = why + "\n"
                + "• node: " + pod.node().name() + " (Ready=" + pod.node().readyStatus() + " for "
                + pod.node().notReadyForText() + ")\n"
                + "• pod: " + pod.qualifiedName() + " (" + pod.ip() + ", " + pod.phase() + ")\n"
                + "• " + r.detail();
        return new Notice(Notice.Kind.REFUSED, text);
    }

    /** A change of the safety breaker, or null when there is nothing new to say. */
    public Notice breaker(SafetyGate.Admission a) {
        if (!a.changed()) {
            return null;
        }
        String counts = a.notReady().size() + " of " + a.total() + " nodes are not Ready (limit: " + a.limit() + ")";
        return switch (a.state()) {
            case TRIPPED -> new Notice(Notice.Kind.REFUSED, "Safety breaker open: remediating nothing\n"
                    + "• " + counts + "\n"
                    + "• not Ready: " + String.join(", ", a.notReady()) + "\n"
                    + "• so many nodes at once looks like a network partition or an API-server problem, not dead"
                    + " nodes: check the control plane and the network; the reaper resumes by itself once the count"
                    + " is back within the limit (reaper.safety.max-unhealthy)");
            case COOLING_DOWN -> new Notice(Notice.Kind.RECOVERED, "Safety breaker cleared\n"
                    + "• " + counts + "\n"
                    + "• remediation resumes after the cooldown, at " + a.resumeAt() + " (reaper.safety.cooldown)");
            case CLOSED -> new Notice(Notice.Kind.RECOVERED, "Remediation resumed: the safety breaker is closed\n"
                    + "• " + counts);
        };
    }

    /** The failure of this exchange for the log: root cause, with every secret masked. */
    public String maskedError(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        return cause == null ? "unknown error" : masker.mask(rootMessage(cause));
    }

    /** A failed step, or null when the same failure was already announced and still holds. */
    public Notice failed(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String route = Optional.ofNullable(exchange.getProperty(Exchange.FAILURE_ROUTE_ID, String.class)).orElse("?");
        String error = cause == null ? "unknown error" : rootMessage(cause);
        if (!announcements.firstTime("failed:" + route + ":" + (cause == null ? "" : cause.getClass().getName()))) {
            return null;
        }
        Object body = exchange.getIn().getBody();
        String subject = body instanceof Remediation r
                ? " for pod " + r.pod().qualifiedName() + " (worker " + r.workerIdText() + ")" : "";
        String text = "Remediation step " + route + " failed" + subject + ": " + masker.mask(error) + "\n"
                + "• nothing further was deleted for it in this cycle; the next cycle retries from scratch\n"
                + "• " + advice(route, error);
        return new Notice(Notice.Kind.FAILED, text);
    }

    private static String advice(String route, String error) {
        if (error.contains("UNAUTHENTICATED") || error.contains("PERMISSION_DENIED")
                || error.contains("authentication failed")) {
            return "etcd refused the reaper's credentials: check reaper.etcd.username and reaper.etcd.password"
                    + " and the user's role";
        }
        return switch (route) {
            case "call-etcd", "remove-worker-keys", "find-offline-workers" ->
                    "check that etcd is reachable from the reaper (reaper.etcd.endpoints) and healthy";
            case "check-nodes", "delete-worker-pod" ->
                    "check the reaper's access to the Kubernetes API (kubeconfig or service account, RBAC)";
            default -> "see the reaper's log for details";
        };
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        List<Throwable> seen = new java.util.ArrayList<>();
        while (root.getCause() != null && !seen.contains(root.getCause())) {
            seen.add(root);
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + root.getMessage();
        return root.getClass().getSimpleName() + message;
    }
}
