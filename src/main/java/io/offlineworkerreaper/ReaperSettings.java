package io.offlineworkerreaper;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.offlineworkerreaper.alluxio.AlluxioSettings;
import io.offlineworkerreaper.alluxio.EtcdSettings;
import io.offlineworkerreaper.cycle.ControlSettings;
import io.offlineworkerreaper.cycle.CycleSettings;
import io.offlineworkerreaper.cycle.LeaderElectionSettings;
import io.offlineworkerreaper.cycle.RetrySettings;
import io.offlineworkerreaper.decision.NodeSettings;
import io.offlineworkerreaper.decision.SafetySettings;
import io.offlineworkerreaper.kubernetes.KubernetesSettings;
import io.offlineworkerreaper.notify.NotifySettings;
import io.offlineworkerreaper.notify.SlackSettings;
import io.offlineworkerreaper.observe.AuditSettings;
import io.offlineworkerreaper.optin.FenceSettings;
import io.offlineworkerreaper.optin.OptInSettings;
import io.offlineworkerreaper.settings.InvalidSettingException;
import io.offlineworkerreaper.settings.Reader;
import io.offlineworkerreaper.settings.SecretMasker;

/**
 * Every {@code reaper.*} setting, parsed and validated once at startup. A value that cannot be used stops
 * the application with an {@link InvalidSettingException} naming the key, before any route starts. Each section
 * lives in the package that uses it, with its keys, its validation and its description.
 *
 * @param cycle          when cycles run (cycle)
 * @param retry          how a failed call out is retried (cycle)
 * @param nodes          which nodes count as NotReady (decision)
 * @param alluxio        the worker pods and their registrations (alluxio)
 * @param dryRun         compute, log and notify, but delete nothing
 * @param etcd           the etcd Alluxio registers in (alluxio)
 * @param kubernetes     the Kubernetes API (kubernetes)
 * @param safety         the circuit breaker and the per-cycle cap (decision)
 * @param audit          where the JSON audit log goes, if anywhere, and its rotation (observe)
 * @param slack          where notices go besides the log (notify)
 * @param leaderElection leader election among replicas (cycle)
 * @param optIn          the opt-in remediations: stuck Terminating pods, node actions, local volumes (optin)
 * @param fence          the proof a node is off before the out-of-service taint or its deletion (optin)
 * @param control        the ConfigMap that pauses the reaper and keeps the hourly window (cycle)
 * @param notifications  how often the same condition may be announced (notify)
 */
public record ReaperSettings(
        CycleSettings cycle,
        RetrySettings retry,
        NodeSettings nodes,
        AlluxioSettings alluxio,
        boolean dryRun,
        EtcdSettings etcd,
        KubernetesSettings kubernetes,
        SafetySettings safety,
        AuditSettings audit,
        SlackSettings slack,
        LeaderElectionSettings leaderElection,
        OptInSettings optIn,
        FenceSettings fence,
        ControlSettings control,
        NotifySettings notifications) {

    public static final String DRY_RUN = "reaper.dry-run";

    /** Reads and validates every setting; {@code lookup} returns the configured value of a key, if any. */
    public static ReaperSettings from(Function<String, Optional<String>> lookup) {
        Reader in = new Reader(lookup);
        return new ReaperSettings(
                CycleSettings.from(in),
                RetrySettings.from(in),
                NodeSettings.from(in),
                AlluxioSettings.from(in),
                in.bool(DRY_RUN),
                EtcdSettings.from(in),
                KubernetesSettings.from(in),
                SafetySettings.from(in),
                AuditSettings.from(in),
                SlackSettings.from(in),
                LeaderElectionSettings.from(in, Optional.ofNullable(System.getenv("HOSTNAME"))),
                OptInSettings.from(in),
                FenceSettings.from(in),
                ControlSettings.from(in),
                NotifySettings.from(in));
    }

    /** The environment variable that overrides a key: {@code reaper.check-interval} -> {@code REAPER_CHECK_INTERVAL}. */
    public static String environmentVariableOf(String key) {
        return Reader.environmentVariableOf(key);
    }

    /** Masks every configured secret: Slack token and webhook URL, etcd password, the fence's and the notifiers' URL credentials. */
    public SecretMasker masker() {
        return new SecretMasker(java.util.stream.Stream.concat(java.util.stream.Stream.of(slack().webhookUrl(),
                        slack().token(), etcd().security().password(), fence().credential())
                .flatMap(Optional::stream), notifications().secrets().stream()).toList());
    }

    /** The settings for the startup log: every value, with secrets masked. */
    public Map<String, String> describe() {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.putAll(cycle.describe());
        shown.putAll(retry.describe());
        shown.putAll(nodes.describe());
        shown.putAll(alluxio.describe());
        shown.put(DRY_RUN, String.valueOf(dryRun));
        shown.putAll(etcd.describe());
        shown.putAll(kubernetes.describe());
        shown.putAll(safety.describe());
        shown.putAll(audit.describe());
        shown.putAll(slack.describe());
        shown.putAll(leaderElection.describe());
        shown.putAll(optIn.describe());
        shown.putAll(fence.describe());
        shown.putAll(control.describe());
        shown.putAll(notifications.describe());
        return shown;
    }
}
