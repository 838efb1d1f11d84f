package io.offlineworkerreaper.decision;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import io.offlineworkerreaper.alluxio.AlluxioBeans;
import io.offlineworkerreaper.alluxio.AlluxioSettings;

/** The decisions: which nodes count, the breaker, the caps, and the pipeline (Inspection) built from them. */
public record DecisionBeans(RunMode runMode, NodeReadiness nodeReadiness, Flapping flapping, SafetyGate safetyGate,
                            HourlyBudget hourlyBudget, RemediationPlanner remediationPlanner, Inspection inspection) {

    /**
     * @param breaker     where the breaker's state outlives a restart (the control object)
     * @param remaining   removals left in the hour's window; {@code nextAllowed} when the next is allowed
     * @param progress    where "keys removed, pod pending" is kept (the control object)
     * @param diagnostics the reads a finding needs for its fix
     */
    public static DecisionBeans create(RunMode runMode, NodeSettings nodes, SafetySettings safety, AlluxioSettings alluxio,
                                       AlluxioBeans registry, Clock clock, SafetyGate.BreakerMemory breaker,
                                       IntSupplier remaining, Supplier<Instant> nextAllowed,
                                       RemediationPlanner.Progress progress, Inspection.Diagnostics diagnostics) {
        SafetyGate gate = new SafetyGate(safety.maxUnhealthy(), safety.cooldown(), safety.maxPodsPerCycle(), clock, breaker);
        HourlyBudget budget = new HourlyBudget(safety.maxRemovalsPerHour(), remaining, nextAllowed);
        RemediationPlanner planner = new RemediationPlanner(alluxio.requireLeaseExpired(), alluxio.unaccountedHeartbeats(),
                progress);
        return new DecisionBeans(runMode, new NodeReadiness(nodes.notReadyFor(), nodes.selector(), clock),
                new Flapping(clock), gate, budget, planner, new Inspection(new WorkerPods(alluxio.workersNamespace()),
                registry.registrations(), registry.findings(), planner, gate, budget, diagnostics));
    }

    /** The beans the routes name. */
    public Map<String, Object> named() {
        return Map.of("runMode", runMode, "nodeReadiness", nodeReadiness, "flapping", flapping,
                "safetyGate", safetyGate, "hourlyBudget", hourlyBudget, "remediationPlanner", remediationPlanner,
                "inspection", inspection);
    }
}
