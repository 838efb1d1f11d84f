package io.offlineworkerreaper.optin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Pod;
import io.offlineworkerreaper.decision.Action;
import io.offlineworkerreaper.kubernetes.NotReadyNode;
import io.offlineworkerreaper.settings.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which pods stuck Terminating on NotReady nodes to force-delete: the kubelet that would finish their deletion
 * is gone, so they stay Terminating forever. Never a DaemonSet pod (it belongs to the node and comes back with
 * it), a static (mirror) pod, an opted-out pod, or an Alluxio worker pod (its etcd keys must go first: the
 * worker remediation handles it).
 */
public final class TerminatingPods {

    private static final Logger LOG = LoggerFactory.getLogger(TerminatingPods.class);
    static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";

    private final OptInSettings settings;
    private final SparedPods spared;
    private final Clock clock;

    public TerminatingPods(OptInSettings settings, SparedPods spared, Clock clock) {
        this.settings = settings;
        this.spared = spared;
        this.clock = clock;
    }

    /** The force-deletions due among {@code pods} (as listed for the NotReady nodes). */
    public List<Action> select(List<Pod> pods, List<NotReadyNode> notReady) {
        Set<String> nodes = notReady.stream().map(NotReadyNode::name).collect(Collectors.toSet());
        Instant now = clock.instant();
        List<Action> actions = new ArrayList<>();
        for (Pod pod : pods) {
            String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
            String deleting = pod.getMetadata().getDeletionTimestamp();
            // the node is checked here again: a list by field selector is not trusted to have filtered
            if (node == null || !nodes.contains(node) || deleting == null) {
                continue;
            }
            String namespace = pod.getMetadata().getNamespace();
            String why = skipReason(pod, namespace);
            if (why != null) {
                LOG.debug("Not force-deleting {}/{}: {}", namespace, pod.getMetadata().getName(), why);
                continue;
            }
            Duration pending;
            try {
                pending = Duration.between(Instant.parse(deleting), now);
            } catch (DateTimeParseException e) {
                LOG.warn("Pod {}/{} has an unreadable deletionTimestamp '{}': left alone", namespace,
                        pod.getMetadata().getName(), deleting);
                continue;
            }
            if (pending.compareTo(settings.terminatingOlderThan()) < 0) {
                continue;
            }
            actions.add(Action.onPod(Action.Kind.FORCE_DELETE_STUCK_POD, namespace, pod.getMetadata().getName(),
                    pod.getMetadata().getUid(), node, null, "Terminating for " + Durations.humanize(pending)
                            + " on NotReady node " + node + ", longer than " + OptInSettings.TERMINATING_OLDER_THAN
                            + "=" + Durations.humanize(settings.terminatingOlderThan())));
        }
        return actions;
    }

    private String skipReason(Pod pod, String namespace) {
        if (!settings.terminatingNamespace(namespace)) {
            return "namespace excluded";
        }
        if (pod.getMetadata().getAnnotations() != null
                && pod.getMetadata().getAnnotations().containsKey(MIRROR_ANNOTATION)) {
            return "static pod";
        }
        return spared.reason(pod);
    }
}
