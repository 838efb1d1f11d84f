package io.offlineworkerreaper.kubernetes;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.offlineworkerreaper.text.Untrusted;

/**
 * An operator's request to remove a worker, through the safeguards: the annotation
 * {@code offline-worker-reaper/remove=<reason>} on its pod, and who set it (the field manager the API server
 * recorded for it: {@code kubectl-annotate} for {@code kubectl annotate}, else the client's name).
 *
 * @param reason      the annotation's value, one line
 * @param requestedBy the field manager that set the annotation, or a note that none is recorded
 */
public record RemovalRequest(String reason, String requestedBy) {

    public static final String ANNOTATION = "offline-worker-reaper/remove";
    private static final int MAX_TEXT = 256;

    /** The pod's request, or null when it has none. */
    public static RemovalRequest of(Pod pod) {
        ObjectMeta meta = pod == null ? null : pod.getMetadata();
        String value = meta == null || meta.getAnnotations() == null ? null : meta.getAnnotations().get(ANNOTATION);
        if (value == null) {
            return null;
        }
        return new RemovalRequest(value.isBlank() ? "(no reason given)" : Untrusted.line(value, MAX_TEXT),
                FieldManagers.setBy(meta.getManagedFields(), ANNOTATION, MAX_TEXT));
    }

    /** Whether a managedFields entry records the annotation (kept on the watch mode's slim pods). */
    public static boolean holdsTheAnnotation(ManagedFieldsEntry entry) {
        return FieldManagers.holds(entry, ANNOTATION);
    }

    /** The kubectl line that withdraws it. */
    public static String withdraw(PodIdentity pod) {
        return "kubectl -n " + pod.namespace() + " annotate pod " + pod.name() + " " + ANNOTATION + "-";
    }
}
