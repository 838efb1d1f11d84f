package io.offlineworkerreaper.optin;

import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.offlineworkerreaper.decision.OptOut;

/**
 * The pods no opt-in remediation ever touches: Alluxio worker pods (their etcd keys must go first, which is
 * the worker remediation's job), DaemonSet pods (they belong to the node and come back with it), and pods
 * opted out with {@code offline-worker-reaper/exclude}.
 */
public final class SparedPods {

    private final String workersNamespace;
    private final Map<String, String> workersSelector;

    public SparedPods(String workersNamespace, Map<String, String> workersSelector) {
        this.workersNamespace = workersNamespace;
        this.workersSelector = Map.copyOf(workersSelector);
    }

    /** Why this pod is spared, or null when an opt-in remediation may act on it. */
    public String reason(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
        if (workersNamespace.equals(pod.getMetadata().getNamespace())
                && labels.entrySet().containsAll(workersSelector.entrySet())) {
            return "Alluxio worker pod (handled with its etcd keys)";
        }
        if (pod.getMetadata().getOwnerReferences().stream().anyMatch(o -> "DaemonSet".equals(o.getKind()))) {
            return "DaemonSet pod";
        }
        if (OptOut.isExcluded(pod)) {
            return "opted out";
        }
        return null;
    }
}
