package io.offlineworkerreaper.cycle;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import io.offlineworkerreaper.settings.Durations;
import io.offlineworkerreaper.settings.InvalidSettingException;
import io.offlineworkerreaper.settings.Reader;

/**
 * Leader election among replicas ({@code reaper.leader-election.*}): only the replica holding the
 * {@code coordination.k8s.io} Lease remediates. Off by default, so that a jar started on a laptop or a single
 * replica needs no Lease and no RBAC for it.
 *
 * @param enabled       whether to take part in leader election at all
 * @param leaseName     name of the Lease object
 * @param namespace     namespace of the Lease and of the replicas' pods; empty: the namespace the client runs in
 * @param podName       this replica's pod name (the Lease holder identity)
 * @param podLabels     labels of the replicas' pods: only a Running and Ready pod with them can lead
 * @param leaseDuration how long the Lease is held; a new leader also waits this long before acting
 * @param renewDeadline a leader that could not renew for this long stops remediating
 * @param retryPeriod   time between two looks at the Lease
 */
public record LeaderElectionSettings(boolean enabled, String leaseName, Optional<String> namespace, String podName,
                                     Map<String, String> podLabels, Duration leaseDuration, Duration renewDeadline,
                                     Duration retryPeriod) {

    public static final String ENABLED = "reaper.leader-election.enabled";
    public static final String LEASE_NAME = "reaper.leader-election.lease-name";
    public static final String NAMESPACE = "reaper.leader-election.namespace";
    public static final String POD_NAME = "reaper.leader-election.pod-name";
    public static final String POD_LABELS = "reaper.leader-election.pod-labels";
    public static final String LEASE_DURATION = "reaper.leader-election.lease-duration";
    public static final String RENEW_DEADLINE = "reaper.leader-election.renew-deadline";
    public static final String RETRY_PERIOD = "reaper.leader-election.retry-period";

    /** Camel's lock waits jitter (up to 1.2 x) on top of the retry period. */
    static final double JITTER = 1.2;

    // Camel names the Lease <resource>-<group>: the name needs a '-' to be split into the two.
    private static final Pattern LEASE = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?-[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern NAMESPACE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public LeaderElectionSettings {
        podLabels = Map.copyOf(podLabels);
    }

    public static LeaderElectionSettings from(Reader in, Optional<String> hostname) {
        boolean enabled = in.bool(ENABLED);
        String lease = in.matching(LEASE_NAME, LEASE,
                "a Lease name with at least one '-' (lowercase letters, digits and '-'), e.g. offline-worker-reaper");
        if (lease.length() > 253) {
            throw new InvalidSettingException(LEASE_NAME, lease, "at most 253 characters");
        }
        Optional<String> namespace = in.optional(NAMESPACE);
        namespace.filter(n -> !NAMESPACE_NAME.matcher(n).matches()).ifPresent(n -> {
            throw new InvalidSettingException(NAMESPACE, n, "a namespace name (lowercase DNS label), or empty");
        });
        String pod = in.optional(POD_NAME).or(() -> hostname).orElse("");
        if (enabled && pod.isBlank()) {
            throw new InvalidSettingException(POD_NAME, "''",
                    "this replica's pod name (set POD_NAME from the downward API, or HOSTNAME must be set)");
        }
        Map<String, String> labels = in.selector(POD_LABELS);
        Duration leaseDuration = in.duration(LEASE_DURATION, Duration.ofSeconds(1));
        Duration renew = in.duration(RENEW_DEADLINE, Duration.ofMillis(500));
        Duration retry = in.duration(RETRY_PERIOD, Duration.ofMillis(100));
        if (renew.compareTo(leaseDuration) >= 0) {
            throw new InvalidSettingException(RENEW_DEADLINE, Durations.humanize(renew),
                    "less than " + LEASE_DURATION + " (" + Durations.humanize(leaseDuration) + ")");
        }
        if (renew.toMillis() <= JITTER * retry.toMillis()) {
            throw new InvalidSettingException(RETRY_PERIOD, Durations.humanize(retry),
                    "less than " + RENEW_DEADLINE + " / " + JITTER + " (" + Durations.humanize(renew) + " / " + JITTER + ")");
        }
        return new LeaderElectionSettings(enabled, lease, namespace, pod, labels, leaseDuration, renew, retry);
    }

    /** Camel builds the Lease name as {@code <resource>-<group>}; these two give back {@link #leaseName}. */
    public String resourcePart() {
        return leaseName.substring(0, leaseName.lastIndexOf('-'));
    }

    public String groupPart() {
        return leaseName.substring(leaseName.lastIndexOf('-') + 1);
    }

    public Map<String, String> describe() {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put(ENABLED, String.valueOf(enabled));
        if (enabled) {
            shown.put(LEASE_NAME, leaseName);
            shown.put(NAMESPACE, namespace.orElse("(the reaper's own namespace)"));
            shown.put(POD_NAME, podName);
            shown.put(POD_LABELS, podLabels.toString());
            shown.put(LEASE_DURATION, Durations.humanize(leaseDuration));
            shown.put(RENEW_DEADLINE, Durations.humanize(renewDeadline));
            shown.put(RETRY_PERIOD, Durations.humanize(retryPeriod));
        }
        return shown;
    }
}
