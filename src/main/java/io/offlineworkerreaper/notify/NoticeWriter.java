package io.offlineworkerreaper.notify;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.offlineworkerreaper.alluxio.Finding;
import io.offlineworkerreaper.decision.Action;
import io.offlineworkerreaper.decision.Flapping;
import io.offlineworkerreaper.decision.Remediation;
import io.offlineworkerreaper.decision.RunMode;
import io.offlineworkerreaper.decision.SafetyGate;
import io.offlineworkerreaper.kubernetes.PodReaper;
import io.offlineworkerreaper.kubernetes.WorkerPod;
import io.offlineworkerreaper.optin.Fence;
import io.offlineworkerreaper.optin.NodeConfirmations;
import io.offlineworkerreaper.settings.Durations;
import io.offlineworkerreaper.settings.SecretMasker;
import io.offlineworkerreaper.text.Errors;
import org.apache.camel.Exchange;

/**
 * Writes the notices operators read, and decides which refusals and failures are worth announcing (once per
 * condition, not once per cycle). Every notice names the node, the pod and the worker so that an operator can
 * check it with kubectl and etcdctl.
 */
public final class NoticeWriter {

    private static final String FAILED = "failed:";
    /** The conditions that are not kept by {@link AnnouncementMemory}: they end with a RECOVERED notice about them. */
    public static final String BREAKER = "breaker";
    public static final String FINDING = "finding:";
    public static final String FLAPPING = "flapping:";
    /** Subjects listed in one finding's notice; the log has them all. */
    private static final int MAX_DETAILS = 10;

    private final AnnouncementMemory announcements;
    private final SecretMasker masker;
    private final RunMode runMode;

    public NoticeWriter(AnnouncementMemory announcements, SecretMasker masker) {
        this(announcements, masker, new RunMode(false));
    }

    /** {@code runMode} names the "would" of a notice: DRY-RUN, or PAUSED while an operator paused the reaper. */
    public NoticeWriter(AnnouncementMemory announcements, SecretMasker masker, RunMode runMode) {
        this.announcements = announcements;
        this.masker = masker;
        this.runMode = runMode;
    }

    private String would() {
        return "[" + runMode.label() + "] Would ";
    }

    /** A node action refused because the node could not be proven off; announced once while it lasts. */
    public Notice unfenced(Action a, Fence.Result fence) {
        String condition = "unfenced:" + a.announcementKey();
        if (!announcements.firstTime(condition)) {
            return null;
        }
        return Notice.of(Notice.Kind.REFUSED, "Not going to " + a.kind().intent() + " " + a.node()
                        + ": it could not be proven off", List.of(new Notice.Field("Node", a.node()),
                        new Notice.Field("Fence", fence.detail())),
                "The out-of-service taint force-detaches the node's volumes and deleting the Node lets its pods start"
                        + " elsewhere: done to a node still running, both can corrupt data. Tried again next cycle.")
                .about(condition);
    }

    /** The notices of the nodes that started flapping or settled this cycle. */
    public List<Notice> flapping(List<Flapping.Event> events) {
        return events.stream().map(e -> e.settled()
                ? Notice.of(Notice.Kind.RECOVERED, "Node " + e.node() + " settled " + (e.ready() ? "Ready" : "not Ready")
                        + " after " + e.transitions() + " readiness changes in " + Durations.humanize(e.over()),
                        List.of(new Notice.Field("Node", e.node())))
                        .about(FLAPPING + e.node())
                : Notice.of(Notice.Kind.WARNING, "Node " + e.node() + " is flapping: " + e.transitions()
                        + " readiness changes in " + Durations.humanize(e.over()), List.of(new Notice.Field("Node",
                        e.node())), "Its refusals are announced once per " + AnnouncementMemory.REPEAT_AFTER
                        + "; a notice follows when it settles.").about(FLAPPING + e.node())).toList();
    }

    /**
     * After the etcd keys and the pod are gone; in dry-run, what would have gone, announced once while it
     * lasts (null after that), since in dry-run the same worker comes back every cycle.
     */
    public Notice removed(Remediation r, PodReaper.Outcome podOutcome, boolean dryRun, long elapsedMillis) {
        if (dryRun && !announcements.firstTime("would-remove:" + r.announcementKey())) {
            return null;
        }
        String keysLabel = dryRun ? "Etcd keys to delete" : "Etcd keys deleted";
        List<Notice.Field> fields = new ArrayList<>(podFields(r));
        fields.add(r.keys().isEmpty() ? new Notice.Field(keysLabel, "none registered")
                : Notice.Field.list(keysLabel, r.keys()));
        fields.add(new Notice.Field("Pod deletion", dryRun ? "would be force-deleted" : String.valueOf(podOutcome)));
        fields.add(new Notice.Field("Took", elapsedMillis + " ms"));
        return dryRun
                ? Notice.of(Notice.Kind.WOULD_ACT, would() + "remove offline Alluxio worker " + r.workerIdText(), fields)
                : Notice.of(Notice.Kind.REMEDIATED, "Removed offline Alluxio worker " + r.workerIdText(), fields);
    }

    /** One opt-in action done (in dry-run: that would be, announced once while it lasts, null after that). */
    public Notice acted(Action a, String outcome, boolean dryRun) {
        if (dryRun && !announcements.firstTime("would-act:" + a.announcementKey())) {
            return null;
        }
        List<Notice.Field> fields = new ArrayList<>();
        fields.add(new Notice.Field("Action", a.kind().intent()));
        fields.add(new Notice.Field("Target", a.target()));
        fields.add(new Notice.Field("Node", a.node()));
        fields.add(new Notice.Field("Why", a.detail()));
        fields.add(new Notice.Field("Result", dryRun ? "dry-run: nothing changed" : outcome));
        Notice.Kind kind = dryRun ? Notice.Kind.WOULD_ACT : a.kind().isRevert() ? Notice.Kind.RECOVERED : Notice.Kind.REMEDIATED;
        String title = (dryRun ? would() : "Done: ") + a.kind().intent() + ": " + a.target();
        return Notice.of(kind, title, fields);
    }

    /** The one message of a batch of opt-in actions, or null when there was none (or all already announced). */
    public Notice actionsSummary(List<?> bodies) {
        List<Notice> notices = bodies == null ? List.of() : bodies.stream()
                .filter(Notice.class::isInstance).map(Notice.class::cast).toList();
        if (notices.size() <= 1) {
            return notices.isEmpty() ? null : notices.get(0);
        }
        boolean dryRun = notices.get(0).kind() == Notice.Kind.WOULD_ACT;
        return Notice.merge(notices.get(0).kind(), (dryRun ? would() + "take " : "Took ") + notices.size()
                + " actions on NotReady nodes", notices);
    }

    /**
     * The one message of a cycle's removals: the removal notices among {@code bodies} (the results of the
     * cycle's split) merged into one, or null when the cycle removed nothing.
     */
    public Notice summary(List<?> bodies) {
        List<Notice> removals = bodies == null ? List.of() : bodies.stream()
                .filter(Notice.class::isInstance).map(Notice.class::cast)
                .filter(n -> n.kind() == Notice.Kind.REMEDIATED || n.kind() == Notice.Kind.WOULD_ACT)
                .toList();
        if (removals.size() <= 1) {
            return removals.isEmpty() ? null : removals.get(0);
        }
        boolean dryRun = removals.get(0).kind() == Notice.Kind.WOULD_ACT;
        return Notice.merge(removals.get(0).kind(), dryRun
                ? would() + "remove " + removals.size() + " offline Alluxio workers"
                : "Removed " + removals.size() + " offline Alluxio workers", removals);
    }

    /** Nodes Ready again while confirmed off: each confirmation is spent, ignored until set again. */
    public List<Notice> confirmationsSpent(List<NodeConfirmations.Spent> spent) {
        return spent.stream().map(c -> Notice.of(Notice.Kind.WARNING, "Node " + c.node() + " is Ready again while "
                + NodeConfirmations.ANNOTATION + " says it is off", List.of(new Notice.Field("Node", c.node()),
                new Notice.Field("Reason given", c.reason())), "The confirmation is ignored from now on; if the node"
                + " goes down again and is off, set it again: kubectl annotate node " + c.node() + " "
                + NodeConfirmations.ANNOTATION + "- && kubectl annotate node " + c.node() + " "
                + NodeConfirmations.ANNOTATION + "=\"<reason>\"")).toList();
    }

    /** A refusal to act, or null when the same refusal was already announced and still holds. */
    public Notice refused(Remediation r) {
        if (!announcements.firstTime(r.announcementKey())) {
            return null;
        }
        String why = switch (r.verdict()) {
            case STILL_HEARTBEATING -> "Not removing Alluxio worker " + r.workerIdText() + ": it is still heartbeating";
            case AMBIGUOUS -> "Not removing any Alluxio worker for pod " + r.pod().qualifiedName()
                    + ": its registration is claimed by several worker pods";
            case UNACCOUNTED_HEARTBEATS -> "Not removing pod " + r.pod().qualifiedName()
                    + ": it has no registration while live heartbeats match no worker pod";
            case EMPTY_REGISTRY -> "Not removing pod " + r.pod().qualifiedName()
                    + ": the configured Alluxio cluster has no registration at all";
            case BUDGET_SPENT -> "Not removing Alluxio worker " + r.workerIdText()
                    + " yet: the hourly removal budget is spent";
            case REQUEST_REFUSED -> "Not removing pod " + r.pod().qualifiedName() + " as asked: it does not qualify";
            case REMOVE -> throw new IllegalArgumentException("a removal is not a refusal");
        };
        List<Notice.Field> fields = new ArrayList<>(podFields(r));
        fields.add(new Notice.Field("Phase", r.pod().phase()));
        return Notice.of(Notice.Kind.REFUSED, why, fields, r.detail()).about(r.announcementKey());
    }

    /** A misconfiguration or registry problem found by {@code RegistryFindings}, with the setting and the fix. */
    public Notice finding(Finding f) {
        List<Notice.Field> fields = new ArrayList<>();
        fields.add(new Notice.Field("Setting", f.setting()));
        f.details().stream().limit(MAX_DETAILS).forEach(d -> fields.add(new Notice.Field("Found", d)));
        if (f.details().size() > MAX_DETAILS) {
            fields.add(new Notice.Field("Found", "and " + (f.details().size() - MAX_DETAILS) + " more (see the log)"));
        }
        return Notice.of(Notice.Kind.WARNING, masker.mask(f.summary()), fields, "fix: " + masker.mask(f.fix()))
                .about(FINDING + f.identity());
    }

    /** A finding announced earlier that the last look no longer had. */
    public Notice findingCleared(Finding f) {
        return Notice.of(Notice.Kind.RECOVERED, "Cleared: " + masker.mask(f.summary()),
                List.of(new Notice.Field("Setting", f.setting())), "the last look at the registry no longer found it")
                .about(FINDING + f.identity());
    }

    private static List<Notice.Field> podFields(Remediation r) {
        WorkerPod pod = r.pod();
        List<Notice.Field> fields = new ArrayList<>(List.of(
                new Notice.Field("Node", "True".equals(pod.node().readyStatus()) ? pod.node().name() + " (Ready)"
                        : pod.node().name() + " (Ready=" + pod.node().readyStatus() + " for "
                        + pod.node().notReadyForText() + ")"),
                new Notice.Field("Pod", pod.qualifiedName()),
                new Notice.Field("IP", pod.ip()),
                new Notice.Field("Worker", r.workerIdText())));
        if (r.request() != null) {
            fields.add(new Notice.Field("Asked by", r.request().requestedBy()));
            fields.add(new Notice.Field("Reason", r.request().reason()));
            if (!r.bypassed().isEmpty()) {
                fields.add(Notice.Field.list("Bypassed", r.bypassed()));
            }
        }
        return fields;
    }

    /** A change of the safety breaker, or null when there is nothing new to say. */
    public Notice breaker(SafetyGate.Admission a) {
        if (!a.changed()) {
            return null;
        }
        Notice.Field counts = new Notice.Field("Nodes not Ready",
                a.notReady().size() + " of " + a.total() + " nodes are not Ready (limit: " + a.limit() + ")");
        return (switch (a.state()) {
            case TRIPPED -> Notice.of(Notice.Kind.REFUSED, "Safety breaker open: remediating nothing",
                    List.of(counts, Notice.Field.list("Not Ready", a.notReady())),
                    "so many nodes at once looks like a network partition or an API-server problem, not dead"
                            + " nodes: check the control plane and the network; the reaper resumes by itself once the"
                            + " count is back within the limit (reaper.safety.max-unhealthy)");
            case COOLING_DOWN -> Notice.of(Notice.Kind.RECOVERED, "Safety breaker cleared", List.of(counts),
                    "remediation resumes after the cooldown, at " + a.resumeAt() + " (reaper.safety.cooldown)");
            case CLOSED -> Notice.of(Notice.Kind.RECOVERED, "Remediation resumed: the safety breaker is closed",
                    List.of(counts));
        }).about(BREAKER);
    }

    /** Failures announced earlier that did not happen during the whole last cycle, or null when none. */
    public Notice recovered() {
        List<String> steps = announcements.cleared().stream().filter(c -> c.startsWith(FAILED))
                .map(c -> c.substring(FAILED.length(), c.indexOf(':', FAILED.length()))).distinct().sorted().toList();
        if (steps.isEmpty()) {
            return null;
        }
        return Notice.of(Notice.Kind.RECOVERED, "Recovered: " + String.join(", ", steps) + " works again",
                List.of(Notice.Field.list("Steps", steps)),
                "the last cycle completed without the failure announced earlier");
    }

    /** The failure of this exchange for the log: root cause, with every secret masked. */
    public String maskedError(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        return cause == null ? "unknown error" : masker.mask(Errors.rootMessage(cause));
    }

    /** A failed step, or null when the same failure was already announced and still holds. */
    public Notice failed(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String route = Optional.ofNullable(exchange.getProperty(Exchange.FAILURE_ROUTE_ID, String.class)).orElse("?");
        String error = cause == null ? "unknown error" : Errors.rootMessage(cause);
        String condition = FAILED + route + ":" + (cause == null ? "" : cause.getClass().getName());
        if (!announcements.firstTime(condition)) {
            return null;
        }
        Object body = exchange.getIn().getBody();
        List<Notice.Field> fields = body instanceof Remediation r ? podFields(r) : List.of();
        return Notice.of(Notice.Kind.FAILED, "Remediation step " + route + " failed: " + masker.mask(error), fields,
                "nothing further was deleted for it in this cycle; the next cycle retries from scratch",
                advice(route, error)).about(condition);
    }

    private static String advice(String route, String error) {
        if (error.contains("UNAUTHENTICATED") || error.contains("PERMISSION_DENIED")
                || error.contains("authentication failed")) {
            return "etcd refused the reaper's credentials: check reaper.etcd.username and reaper.etcd.password"
                    + " and the user's role";
        }
        if (error.contains("Forbidden") || error.contains("is forbidden")) {
            return "the reaper's service account lacks a permission: apply deploy/kubernetes, and for an opt-in"
                    + " remediation its deploy/kubernetes/optional/<feature>/ RBAC";
        }
        return switch (route) {
            case "reap-terminating-pods", "free-local-volumes", "act-on-nodes", "apply-actions" ->
                    "check the reaper's access to the Kubernetes API and the RBAC in deploy/kubernetes/optional/";
            case "call-etcd", "remove-worker-keys", "find-offline-workers" ->
                    "check that etcd is reachable from the reaper (reaper.etcd.endpoints) and healthy";
            case "check-nodes", "delete-worker-pod" ->
                    "check the reaper's access to the Kubernetes API (kubeconfig or service account, RBAC)";
            default -> "see the reaper's log for details";
        };
    }
}
