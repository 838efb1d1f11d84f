package io.offlineworkerreaper.observe;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.offlineworkerreaper.alluxio.Finding;
import io.offlineworkerreaper.decision.Action;
import io.offlineworkerreaper.decision.Remediation;
import io.offlineworkerreaper.notify.DeliveryMetrics;

/**
 * The reaper's own Prometheus metrics, next to Camel's, under {@code /observe/metrics}:
 * <ul>
 * <li>{@code reaper_remediations_total{result}}: removed, would_remove (dry-run), refused, failed</li>
 * <li>{@code reaper_refusals_total{reason}}: still_heartbeating, ambiguous, unaccounted_heartbeats,
 * empty_registry, budget_spent</li>
 * <li>{@code reaper_not_ready_nodes}: nodes NotReady in the last cycle (among those considered)</li>
 * <li>{@code reaper_breaker_open}: 1 while the safety breaker holds remediation (open or cooling down)</li>
 * <li>{@code reaper_cycle_duration_seconds}: histogram of cycle wall time</li>
 * <li>{@code reaper_call_errors_total{target}}: failed calls to etcd or the Kubernetes API, after retries</li>
 * <li>{@code reaper_notices_total{destination,result}}: notices for slack, alertmanager, webhook: delivered,
 * undelivered, dropped</li>
 * <li>{@code reaper_last_successful_cycle_timestamp_seconds}: end of the last cycle without a failure</li>
 * <li>{@code reaper_leader}: 1 while this replica remediates (always 1 without leader election)</li>
 * <li>{@code reaper_actions_total{action,result}}: opt-in remediations, done or would_do</li>
 * <li>{@code reaper_findings{finding}}: subjects of each registry finding at the last look (0: none), e.g.
 * selector-matches-nothing, cluster-empty, unaccounted-heartbeats, unmatched-registrations</li>
 * </ul>
 */
public final class ReaperMetrics implements DeliveryMetrics {

    private final MeterRegistry registry;
    private final Clock clock;
    private final AtomicInteger notReadyNodes = new AtomicInteger();
    private final AtomicInteger breakerOpen = new AtomicInteger();
    private final AtomicInteger leader = new AtomicInteger();
    private final AtomicInteger paused = new AtomicInteger();
    private final AtomicInteger removalsLeft = new AtomicInteger(-1);
    private final AtomicLong lastSuccessMillis = new AtomicLong();
    private final Timer cycleDuration;
    private final java.util.Map<Finding.Kind, AtomicInteger> findings = new java.util.EnumMap<>(Finding.Kind.class);

    public ReaperMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        Gauge.builder("reaper.not.ready.nodes", notReadyNodes, AtomicInteger::get)
                .description("Nodes NotReady in the last cycle, among those considered").register(registry);
        Gauge.builder("reaper.breaker.open", breakerOpen, AtomicInteger::get)
                .description("1 while the safety breaker holds remediation (open or cooling down)").register(registry);
        Gauge.builder("reaper.leader", leader, AtomicInteger::get)
                .description("1 while this replica is the one that remediates").register(registry);
        Gauge.builder("reaper.paused", paused, AtomicInteger::get)
                .description("1 while the control ConfigMap pauses every destructive step").register(registry);
        Gauge.builder("reaper.removals.left.this.hour", removalsLeft, AtomicInteger::get)
                .description("Removals and actions reaper.safety.max-removals-per-hour still allows (-1: no limit)")
                .register(registry);
        Gauge.builder("reaper.last.successful.cycle.timestamp", lastSuccessMillis, ms -> ms.get() / 1000.0)
                .baseUnit("seconds").description("Unix time at which the last cycle without a failure ended")
                .register(registry);
        cycleDuration = Timer.builder("reaper.cycle.duration").description("Wall time of one cycle")
                .serviceLevelObjectives(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
                        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
                        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60))
                .register(registry);
        for (String result : new String[] {"removed", "would_remove", "refused", "failed"}) {
            remediations(result); // present at 0 from the start, so that rate() and alerts work at once
        }
        for (Finding.Kind kind : Finding.Kind.values()) {
            AtomicInteger count = new AtomicInteger();
            findings.put(kind, count);
            Gauge.builder("reaper.findings", count, AtomicInteger::get).tag("finding", kind.label())
                    .description("Subjects of each registry finding at the last look (0: none)").register(registry);
        }
        for (Action.Kind kind : Action.Kind.values()) {
            actions(kind.label(), "done");
            actions(kind.label(), "would_do");
        }
        for (Remediation.Verdict reason : Remediation.Verdict.values()) {
            if (reason != Remediation.Verdict.REMOVE) {
                refusals(reason);
            }
        }
        for (String target : new String[] {"etcd", "kubernetes"}) {
            callErrors(target);
        }
    }

    public MeterRegistry registry() {
        return registry;
    }

    void removed(boolean dryRun) {
        remediations(dryRun ? "would_remove" : "removed").increment();
    }

    /** {@code reaper_actions_total{action, result}}: the opt-in remediations, done or would_do (dry-run). */
    void acted(Action.Kind kind, boolean dryRun) {
        actions(kind.label(), dryRun ? "would_do" : "done").increment();
    }

    private Counter actions(String action, String result) {
        return Counter.builder("reaper.actions").tag("action", action).tag("result", result)
                .description("Opt-in remediations (stuck pods, node actions, local volumes) by action and result")
                .register(registry);
    }

    /** A worker left alone: {@code reaper_remediations_total{result="refused"}} and {@code reaper_refusals_total{reason}}. */
    void refused(Remediation.Verdict reason) {
        remediations("refused").increment();
        refusals(reason).increment();
    }

    private Counter refusals(Remediation.Verdict reason) {
        return Counter.builder("reaper.refusals").tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT))
                .description("Workers left alone, by the reason").register(registry);
    }

    /** {@code reaper_actions_total{result="refused_unfenced"}}: a node action refused, the node not proven off. */
    void unfenced() {
        actions("fence", "refused_unfenced").increment();
    }

    public void paused(boolean isPaused) {
        paused.set(isPaused ? 1 : 0);
    }

    public void removalsLeft(int left) {
        removalsLeft.set(left == Integer.MAX_VALUE ? -1 : left);
    }

    /** A failed step: one failed remediation when it was about a worker, and an error by what was called. */
    void failed(boolean aboutAWorker, Throwable cause, String routeId) {
        if (aboutAWorker) {
            remediations("failed").increment();
        }
        String target = target(cause, routeId);
        if (target != null) {
            callErrors(target).increment();
        }
    }

    void nodes(int notReady, boolean breakerHolds) {
        notReadyNodes.set(notReady);
        breakerOpen.set(breakerHolds ? 1 : 0);
    }

    /** The last look at the registry: the number of subjects per finding, absent kinds at 0. */
    public void findings(java.util.Map<Finding.Kind, Integer> counts) {
        findings.forEach((kind, gauge) -> gauge.set(counts.getOrDefault(kind, 0)));
    }

    public void leader(boolean leading) {
        leader.set(leading ? 1 : 0);
    }

    public void cycleEnded(Duration took, boolean success) {
        cycleDuration.record(took);
        if (success) {
            lastSuccessMillis.set(clock.millis());
        }
    }

    /**
     * {@code reaper_notices_total{destination, result}} for one destination (slack, alertmanager, webhook): its
     * three results registered at 0 at once, so that rate() and alerts work from the start.
     */
    @Override
    public Delivery delivery(String destination) {
        return new Delivery(notices(destination, "delivered"), notices(destination, "undelivered"),
                notices(destination, "dropped"));
    }


    /** What a failure was a call to: etcd, kubernetes, or null when neither (a bug, a bad value). */
    static String target(Throwable cause, String routeId) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof KubernetesClientException) {
                return "kubernetes";
            }
            String type = t.getClass().getName();
            if (type.startsWith("io.grpc.") || type.startsWith("io.etcd.")) {
                return "etcd";
            }
        }
        if (routeId == null) {
            return null;
        }
        return switch (routeId) {
            case "call-etcd", "remove-worker-keys" -> "etcd";
            case "check-nodes", "delete-worker-pod" -> "kubernetes";
            default -> null;
        };
    }

    private Counter remediations(String result) {
        return Counter.builder("reaper.remediations").tag("result", result)
                .description("Worker remediations by result").register(registry);
    }

    private Counter callErrors(String target) {
        return Counter.builder("reaper.call.errors").tag("target", target)
                .description("Calls to etcd or the Kubernetes API that failed after retries").register(registry);
    }

    private Counter notices(String destination, String result) {
        return Counter.builder("reaper.notices").tag("destination", destination).tag("result", result)
                .description("NoticeWriter by destination and result").register(registry);
    }
}
