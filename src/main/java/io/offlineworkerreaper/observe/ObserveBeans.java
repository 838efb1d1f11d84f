package io.offlineworkerreaper.observe;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.offlineworkerreaper.decision.DecisionBeans;
import io.offlineworkerreaper.notify.NotifyBeans;
import io.offlineworkerreaper.optin.NodeConfirmations;
import io.offlineworkerreaper.settings.SecretMasker;

/**
 * What the reaper tells about itself: metrics, the audit log, Kubernetes Events, what each outcome records, the
 * status page, the registry's findings, and the readiness check.
 */
public record ObserveBeans(ReaperMetrics metrics, CycleTracker cycles, AuditLog audit, OutcomeRecorder outcomes,
                           StatusPage status, RegistryAudit registryAudit, ConnectivityCheck connectivity) {

    /**
     * @param instance           who writes the Events: the replica's pod name, or "standalone"
     * @param countAgainstBudget called for each removal or action done (the hourly window)
     * @param kubernetes         readiness's cheap call to the API server; {@code etcd} its read of one key
     */
    public static ObserveBeans create(ReaperMetrics metrics, CycleTracker cycles, KubernetesClient client,
                                      boolean events, String instance, AuditSettings auditSettings,
                                      java.time.Duration auditInterval, DecisionBeans decisions, NotifyBeans notify,
                                      Runnable countAgainstBudget, ConnectivityCheck.Probe kubernetes,
                                      ConnectivityCheck.Probe etcd, SecretMasker masker,
                                      NodeConfirmations confirmations, Clock clock) {
        AuditLog audit = new AuditLog(auditSettings, decisions.runMode()::dryRunOrPaused, masker, notify.announcements(), clock);
        OutcomeRecorder outcomes = new OutcomeRecorder(audit, metrics, new KubernetesEvents(client, events, instance, clock, metrics),
                cycles, decisions.runMode(), countAgainstBudget, notify.announcements()::currentCycle, clock);
        return new ObserveBeans(metrics, cycles, audit, outcomes, new StatusPage(decisions.nodeReadiness(),
                decisions.runMode(), decisions.hourlyBudget(), outcomes, clock, confirmations),
                new RegistryAudit(auditInterval, clock, notify.notices(), metrics),
                new ConnectivityCheck(kubernetes, etcd, masker));
    }

    /** The beans the routes name. */
    public Map<String, Object> named() {
        return Map.of("metrics", metrics, "cycles", cycles, "outcomeRecorder", outcomes, "status", status,
                "registryAudit", registryAudit, "connectivity", connectivity);
    }

    /** Closed at shutdown: the audit file. */
    public List<AutoCloseable> closeables() {
        return List.of(audit);
    }
}
