package io.offlineworkerreaper.observe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Node;
import io.offlineworkerreaper.decision.HourlyBudget;
import io.offlineworkerreaper.decision.NodeReadiness;
import io.offlineworkerreaper.decision.Pause;
import io.offlineworkerreaper.decision.Remediation;
import io.offlineworkerreaper.decision.RunMode;
import io.offlineworkerreaper.decision.SafetyGate;
import io.offlineworkerreaper.kubernetes.NotReadyNode;
import io.offlineworkerreaper.optin.NodeConfirmations;

/**
 * {@code GET /observe/status} on the management port (bean {@code status}): what the reaper sees and waits for,
 * as of its last cycle. The NotReady nodes and since when, each worker pod on them with its verdict and reason,
 * what it waits for (not-ready-for, a lease, the breaker's cooldown, a pause, the hourly budget) and until when,
 * the breaker, the pause, the last removals. Read-only; it holds no setting, so no secret. The same as HTML for
 * a browser at {@code /observe/status.html}.
 */
public final class StatusPage {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final NodeReadiness readiness;
    private final RunMode runMode;
    private final HourlyBudget budget;
    private final OutcomeRecorder outcomes;
    private final Clock clock;
    private final NodeConfirmations confirmations;
    private volatile List<Node> considered = List.of();
    private volatile List<NotReadyNode> notReady = List.of();
    private volatile List<Remediation> verdicts = List.of();
    private volatile SafetyGate.Admission admission;
    private volatile Instant cycleAt;

    public StatusPage(NodeReadiness readiness, RunMode runMode, HourlyBudget budget, OutcomeRecorder outcomes, Clock clock,
                      NodeConfirmations confirmations) {
        this.confirmations = confirmations;
        this.readiness = readiness;
        this.runMode = runMode;
        this.budget = budget;
        this.outcomes = outcomes;
        this.clock = clock;
    }

    /** check-nodes: the nodes considered, the breaker's verdict. */
    public void nodes(List<Node> nodes, SafetyGate.Admission admitted) {
        considered = nodes == null ? List.of() : List.copyOf(nodes);
        admission = admitted;
        cycleAt = clock.instant();
    }

    /**
     * check-nodes: those NotReady for long enough. The verdicts shown stay those of the last cycle until this
     * cycle's are known (a page read mid-cycle is never half empty); with no NotReady node there are none.
     */
    public void notReady(List<NotReadyNode> nodes) {
        notReady = nodes == null ? List.of() : List.copyOf(nodes);
        if (notReady.isEmpty()) {
            verdicts = List.of();
        }
    }

    /** find-offline-workers: the verdict for each worker pod on them (none: no worker pod there). */
    public void verdicts(List<Remediation> plans) {
        verdicts = plans == null ? List.of() : List.copyOf(plans);
    }

    public String json() {
        Instant now = clock.instant();
        ObjectNode root = JSON.createObjectNode();
        root.put("time", now.toString());
        root.put("lastCycle", cycleAt == null ? null : cycleAt.toString());
        root.put("dryRun", runMode.dryRunOrPaused());
        Pause pause = runMode.pause();
        ObjectNode paused = root.putObject("pause").put("paused", pause.active());
        if (pause.active()) {
            paused.put("reason", pause.reason()).put("setBy", pause.setBy())
                    .put("until", pause.until().map(Instant::toString).orElse(null));
        }
        ObjectNode breaker = root.putObject("breaker");
        if (admission != null) {
            breaker.put("state", admission.state().name()).put("notReady", admission.notReady().size())
                    .put("of", admission.total()).put("limit", admission.limit()).put("reason", admission.reason());
        }
        ObjectNode window = root.putObject("budget").put("maxPerHour", budget.maxPerHour());
        int left = budget.remaining();
        window.put("left", left == Integer.MAX_VALUE ? -1 : left);
        ArrayNode nodes = root.putArray("notReadyNodes");
        notReady.forEach(n -> nodes.addObject().put("node", n.name()).put("ready", n.readyStatus())
                .put("since", n.since().toString()));
        ArrayNode pods = root.putArray("workerPods");
        verdicts.forEach(r -> pods.addObject().put("pod", r.pod().qualifiedName()).put("node", r.pod().node().name())
                .put("worker", r.workerIdText()).put("verdict", r.verdict().name()).put("reason", r.detail()));
        // operators' removal requests ({@code offline-worker-reaper/remove}) and their verdicts
        ArrayNode asked = root.putArray("removalRequests");
        verdicts.stream().filter(r -> r.request() != null).forEach(r -> asked.addObject()
                .put("pod", r.pod().qualifiedName()).put("askedBy", r.request().requestedBy())
                .put("reason", r.request().reason()).put("verdict", r.verdict().name()).put("detail", r.detail()));
        ArrayNode confirmed = root.putArray("nodesConfirmedOff");
        confirmations.current().forEach(c -> confirmed.addObject().put("node", c.node())
                .put("confirmedBy", c.confirmedBy()).put("reason", c.reason()));
        ArrayNode waits = root.putArray("waitingFor");
        for (Node node : considered) {
            Optional<Duration> due = readiness.dueIn(node);
            if (due.isPresent() && !due.get().isZero()) {
                waits.addObject().put("what", "reaper.nodes.not-ready-for").put("subject", node.getMetadata().getName())
                        .put("until", now.plus(due.get()).toString());
            }
        }
        verdicts.stream().filter(r -> r.verdict() == Remediation.Verdict.STILL_HEARTBEATING).forEach(r -> waits
                .addObject().put("what", "the worker's etcd lease to expire").put("subject", r.pod().qualifiedName())
                .put("until", (String) null));
        if (admission != null && admission.state() == SafetyGate.State.COOLING_DOWN) {
            waits.addObject().put("what", "reaper.safety.cooldown").put("subject", "safety breaker")
                    .put("until", admission.resumeAt().toString());
        }
        if (pause.active()) {
            waits.addObject().put("what", "the pause to end").put("subject", pause.reason())
                    .put("until", pause.until().map(Instant::toString).orElse(null));
        }
        if (left == 0) {
            waits.addObject().put("what", "reaper.safety.max-removals-per-hour").put("subject", "hourly budget")
                    .put("until", budget.nextAllowed().toString());
        }
        ArrayNode last = root.putArray("lastRemovals");
        outcomes.lastRemovals().forEach(last::add);
        return root.toPrettyString();
    }
}
