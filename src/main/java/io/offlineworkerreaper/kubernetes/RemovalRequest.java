package io.offlineworkerreaper.kubernetes;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * An operator's request to remove a worker, through the safeguards: the annotation
 * {@code offline-worker-reaper/remove=<reason>} on its pod, and who set it (the field manager the API server
 * recorded for it: {@code kubectl-annotate} for {@code kubectl annotate}, else the client's name; see
 * {@link OperatorAnnotation}).
 *
 * @param reason      the annotation's value, one line
 * @param requestedBy the field manager that set the annotation, or a note that none is recorded
 */
public record RemovalRequest(String reason, String requestedBy) {

    public static final String ANNOTATION = "offline-worker-reaper/remove";

    /** The pod's request, or null when it has none. */
    public static RemovalRequest of(Pod pod) {
        OperatorAnnotation asked = OperatorAnnotation.of(pod == null ? null : pod.getMetadata(), ANNOTATION);
        return asked == null ? null : new RemovalRequest(asked.reason(), asked.setByText());
    }

    /** Whether a managedFields entry records the annotation (kept on the watch mode's slim pods). */
    public static boolean holdsTheAnnotation(ManagedFieldsEntry entry) {
        return OperatorAnnotation.holds(entry, ANNOTATION);
    }

    /** The kubectl line that withdraws it. */
    public static String withdraw(PodIdentity pod) {
        return "kubectl -n " + pod.namespace() + " annotate pod " + pod.name() + " " + ANNOTATION + "-";
    }
}
