package io.offlineworkerreaper.kubernetes;

import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.offlineworkerreaper.decision.Remediation;

/**
 * Force-deletes a worker pod (grace period 0), the way {@code kubectl delete pod --grace-period=0 --force}
 * does. Camel's kubernetes-pods {@code deletePod} cannot set a grace period, so this one call lives here.
 * The pod is re-read first: a pod that is gone counts as done, and a pod re-created under the same name
 * (a StatefulSet replacement, a different uid) is never deleted.
 */
public final class PodReaper {

    /** What happened to the pod. */
    public enum Outcome {
        DELETED("force-deleted"),
        ALREADY_GONE("already gone"),
        REPLACED("already replaced by a new pod with the same name, left alone");

        private final String text;

        Outcome(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private final KubernetesClient client;

    public PodReaper(KubernetesClient client) {
        this.client = client;
    }

    /**
     * Why the pod a cycle decided on is no longer that pod, re-read from the API server before its worker's keys
     * are deleted (the decision may come from the watch mode's cache): null while it is the same pod (same uid,
     * same node), or gone (then only its dead worker's keys are left to remove); otherwise what changed.
     */
    public String changedSinceRead(Remediation remediation) {
        WorkerPod target = remediation.pod();
        Pod current = client.pods().inNamespace(target.namespace()).withName(target.name()).get();
        if (current == null) {
            return null;
        }
        if (target.uid() != null && !target.uid().equals(current.getMetadata().getUid())) {
            return "pod " + target.qualifiedName() + " was replaced by a new pod (uid " + current.getMetadata().getUid()
                    + ") since the cycle read it";
        }
        String node = current.getSpec() == null ? null : current.getSpec().getNodeName();
        if (node != null && !node.equals(target.node().name())) {
            return "pod " + target.qualifiedName() + " is on node " + node + ", not " + target.node().name();
        }
        return null;
    }

    public Outcome forceDelete(Remediation remediation) {
        WorkerPod target = remediation.pod();
        return forceDelete(target.namespace(), target.name(), target.uid());
    }

    /** Force-deletes this pod if it is still the one with this uid (any pod when uid is null). */
    public Outcome forceDelete(String namespace, String name, String uid) {
        PodResource resource = client.pods().inNamespace(namespace).withName(name);
        Pod current = resource.get();
        if (current == null) {
            return Outcome.ALREADY_GONE;
        }
        if (uid != null && !uid.equals(current.getMetadata().getUid())) {
            return Outcome.REPLACED;
        }
        List<StatusDetails> deleted = resource.withGracePeriod(0).delete();
        return deleted.isEmpty() ? Outcome.ALREADY_GONE : Outcome.DELETED;
    }
}
