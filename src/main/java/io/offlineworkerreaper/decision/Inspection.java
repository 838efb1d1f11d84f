package io.offlineworkerreaper.decision;

import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.offlineworkerreaper.alluxio.AlluxioClusters;
import io.offlineworkerreaper.alluxio.Finding;
import io.offlineworkerreaper.alluxio.Registrations;
import io.offlineworkerreaper.alluxio.RegistryFindings;
import io.offlineworkerreaper.alluxio.WorkerMatching;
import io.offlineworkerreaper.alluxio.WorkerRegistry;
import io.offlineworkerreaper.kubernetes.WorkerPod;
import io.offlineworkerreaper.text.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remediation pipeline, from what a cycle read to what it does: each worker pod matched to its Alluxio
 * registrations, what is misconfigured (findings), the pods on NotReady nodes and, for each, remove or refuse,
 * within the per-cycle cap and the hourly budget. The find-offline-workers route calls it as one step and
 * {@code --check} calls the same object, so that the check shows the verdicts the reaper would take.
 */
public final class Inspection {

    private static final Logger LOG = LoggerFactory.getLogger(Inspection.class);

    /**
     * What a finding needs read only when it is there (a selector matching nothing, a cluster with no
     * registration), to suggest the fix. A read that fails is logged and the finding is reported without it.
     */
    public interface Diagnostics {
        /** Reads nothing: the findings go without a suggestion. */
        Diagnostics NONE = new Diagnostics() {
            @Override
            public List<Pod> namespacePods() {
                return null;
            }

            @Override
            public List<AlluxioClusters.Cluster> clusters() {
                return null;
            }
        };

        /** Every pod of reaper.workers.namespace. */
        List<Pod> namespacePods() throws Exception;

        /** Every Alluxio cluster with registrations in this etcd. */
        List<AlluxioClusters.Cluster> clusters() throws Exception;
    }

    /**
     * What the pipeline concluded.
     *
     * @param matching     which worker pod each registration belongs to
     * @param findings     what is misconfigured, with the fix
     * @param onNotReady   the worker pods on NotReady nodes
     * @param remediations for each of those, remove or refuse, within the cap and the budget
     */
    public record Result(WorkerMatching matching, List<Finding> findings, List<WorkerPod> onNotReady,
                         List<Remediation> remediations) {

        @Override
        public String toString() { // the remediations are what a log line wants
            return remediations.toString();
        }
    }

    private final WorkerPods workerPods;
    private final Registrations registrations;
    private final RegistryFindings registryFindings;
    private final RemediationPlanner planner;
    private final SafetyGate safetyGate;
    private final HourlyBudget budget;
    private final Diagnostics diagnostics;

    public Inspection(WorkerPods workerPods, Registrations registrations, RegistryFindings registryFindings,
                      RemediationPlanner planner, SafetyGate safetyGate, HourlyBudget budget, Diagnostics diagnostics) {
        this.workerPods = workerPods;
        this.registrations = registrations;
        this.registryFindings = registryFindings;
        this.planner = planner;
        this.safetyGate = safetyGate;
        this.budget = budget;
        this.diagnostics = diagnostics;
    }

    /** The cycle's step: what it read, the reads a finding needs made by this inspection's own diagnostics. */
    public Result inspect(NodeCheck nodes, List<Pod> workerPods, WorkerRegistry authorized, WorkerRegistry heartbeats) {
        return inspect(nodes, new Reading(workerPods, authorized, heartbeats));
    }

    /** What the cycle read, the reads a finding needs made by this inspection's own diagnostics. */
    public Result inspect(NodeCheck nodes, Reading reading) {
        return inspect(nodes, reading, diagnostics);
    }

    public Result inspect(NodeCheck nodes, Reading reading, Diagnostics diagnostics) {
        WorkerMatching matching = registrations.match(workerPods.identities(reading.workerPods()),
                reading.authorized(), reading.heartbeats());
        List<Pod> namespacePods = registryFindings.needsNamespacePods(matching)
                ? read("list the pods of the workers' namespace to suggest a worker selector", diagnostics::namespacePods)
                : null;
        List<AlluxioClusters.Cluster> clusters = registryFindings.needsClusterListing(matching)
                ? read("list the Alluxio clusters in etcd to suggest a cluster name", diagnostics::clusters)
                : null;
        List<Finding> findings = registryFindings.findings(matching, namespacePods, clusters);
        // while the breaker holds, nothing but what an operator asked for
        List<WorkerPod> onNotReady = nodes.held() ? List.of()
                : workerPods.onNotReadyNodes(reading.workerPods(), nodes.notReady());
        List<Remediation> remediations = new ArrayList<>(nodes.held() ? List.of()
                : budget.limit(safetyGate.limit(planner.plan(onNotReady, matching))));
        List<WorkerPods.Requested> requested = workerPods.requested(reading.workerPods(), nodes.down());
        if (!requested.isEmpty()) {
            remediations = requested(nodes, matching, onNotReady, requested, remediations);
            List<WorkerPod> acted = new ArrayList<>(onNotReady);
            for (WorkerPods.Requested r : requested) {
                if (acted.stream().noneMatch(o -> o.uid().equals(r.pod().uid()))) {
                    acted.add(r.pod());
                }
            }
            onNotReady = acted;
        }
        return new Result(matching, findings, onNotReady, remediations);
    }

    /**
     * The operators' requests decided (RemediationPlanner#requested) in place of, or after, the cycle's own
     * verdicts on those pods; what each bypasses is named: the breaker, reaper.nodes.not-ready-for, the per-cycle cap
     * and the hourly budget when this cycle's removals have reached them.
     */
    private List<Remediation> requested(NodeCheck nodes, WorkerMatching matching, List<WorkerPod> onNotReady,
                                        List<WorkerPods.Requested> requested, List<Remediation> planned) {
        java.util.Set<String> candidates = new java.util.HashSet<>();
        onNotReady.forEach(p -> candidates.add(p.uid()));
        requested.forEach(r -> candidates.add(r.pod().uid()));
        java.util.Set<String> longEnough = new java.util.HashSet<>();
        nodes.notReady().forEach(n -> longEnough.add(n.name()));
        java.util.Map<String, Remediation> byPod = new java.util.LinkedHashMap<>();
        planned.forEach(r -> byPod.put(r.pod().uid(), r));
        int removals = (int) planned.stream().filter(Remediation::isRemoval).count();
        int budgetLeft = budget.remaining();
        for (WorkerPods.Requested asked : requested) {
            WorkerPod pod = asked.pod();
            Remediation own = byPod.get(pod.uid());
            if (own != null && own.isRemoval()) { // removed this cycle anyway: the request is answered with it
                byPod.put(pod.uid(), new Remediation(own.pod(), own.verdict(), own.workers(), own.detail()
                        + "; also asked for by " + pod.request().requestedBy(), pod.request(), List.of()));
                continue;
            }
            List<String> bypassed = new ArrayList<>();
            if (nodes.held()) {
                bypassed.add("the safety breaker (" + nodes.admission().reason() + ")");
            }
            if (!longEnough.contains(pod.node().name())) {
                bypassed.add(NodeSettings.NOT_READY_FOR + " (NotReady for " + pod.node().notReadyForText() + ")");
            }
            if (removals >= safetyGate.maxRemovalsPerCycle()) {
                bypassed.add("reaper.safety.max-pods-per-cycle=" + safetyGate.maxRemovalsPerCycle());
            }
            if (removals >= budgetLeft) {
                bypassed.add(HourlyBudget.MAX_PER_HOUR + "=" + budget.maxPerHour() + " (spent)");
            }
            Remediation decided = planner.requested(pod, matching, candidates, bypassed, asked.optedOut());
            if (decided.isRemoval()) {
                removals++;
            }
            byPod.put(pod.uid(), decided);
        }
        return new ArrayList<>(byPod.values());
    }

    private interface Read<T> {
        T read() throws Exception;
    }

    private static <T> T read(String what, Read<T> read) {
        try {
            return read.read();
        } catch (Exception e) {
            LOG.warn("Cannot {}: {}", what, Errors.rootMessage(e));
            return null;
        }
    }
}
