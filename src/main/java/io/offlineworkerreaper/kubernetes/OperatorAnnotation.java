package io.offlineworkerreaper.kubernetes;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.offlineworkerreaper.text.Untrusted;

/**
 * An annotation an operator sets to tell the reaper something ({@code offline-worker-reaper/remove} on a pod,
 * {@code offline-worker-reaper/confirmed-off} on a node): its value as a reason, and who set it, as the API server
 * records it in the object's managedFields (server-side field tracking).
 *
 * @param annotation the annotation's key
 * @param reason     its value, one line of at most {@value #MAX_TEXT} characters; "(no reason given)" when blank
 * @param setBy      the manager of the newest managedFields entry that holds it ({@code kubectl-annotate} for
 *                   {@code kubectl annotate}), one line; empty when none is recorded (the node lists keep no
 *                   managedFields)
 */
public record OperatorAnnotation(String annotation, String reason, Optional<String> setBy) {

    static final int MAX_TEXT = 256;

    /** The annotation on {@code meta}, or null when it is not set. */
    public static OperatorAnnotation of(ObjectMeta meta, String annotation) {
        String value = meta == null || meta.getAnnotations() == null ? null : meta.getAnnotations().get(annotation);
        if (value == null) {
            return null;
        }
        Optional<String> setBy = (meta.getManagedFields() == null ? List.<ManagedFieldsEntry>of() : meta.getManagedFields())
                .stream().filter(e -> holds(e, annotation))
                .max(Comparator.comparing(e -> Objects.toString(e.getTime(), "")))
                .map(e -> Untrusted.line(String.valueOf(e.getManager()), MAX_TEXT));
        return new OperatorAnnotation(annotation, value.isBlank() ? "(no reason given)" : Untrusted.line(value, MAX_TEXT),
                setBy);
    }

    /** Who set it, or a note that no managedFields entry records it. */
    public String setByText() {
        return setBy.orElse("unknown (no managedFields entry for " + annotation + ")");
    }

    /** Whether a managedFields entry holds {@code annotation} (its fieldsV1 names it). */
    public static boolean holds(ManagedFieldsEntry entry, String annotation) {
        Map<String, Object> fields = entry.getFieldsV1() == null ? null : entry.getFieldsV1().getAdditionalProperties();
        return fields != null && fields.toString().contains("f:" + annotation);
    }
}
