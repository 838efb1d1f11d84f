package io.offlineworkerreaper.kubernetes;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.offlineworkerreaper.text.Untrusted;

/** Who set an annotation, as the API server records it in an object's managedFields (server-side field tracking). */
public final class FieldManagers {

    private FieldManagers() {
    }

    /** Whether a managedFields entry holds {@code annotation} (its fieldsV1 names it). */
    public static boolean holds(ManagedFieldsEntry entry, String annotation) {
        Map<String, Object> fields = entry.getFieldsV1() == null ? null : entry.getFieldsV1().getAdditionalProperties();
        return fields != null && fields.toString().contains("f:" + annotation);
    }

    /**
     * The manager of the newest entry that holds {@code annotation} ({@code kubectl-annotate} for kubectl annotate),
     * one line, at most {@code max} characters; or a note that none is recorded.
     */
    public static String setBy(List<ManagedFieldsEntry> managed, String annotation, int max) {
        return (managed == null ? List.<ManagedFieldsEntry>of() : managed).stream()
                .filter(e -> holds(e, annotation))
                .max(Comparator.comparing(e -> Objects.toString(e.getTime(), "")))
                .map(e -> Untrusted.line(String.valueOf(e.getManager()), max))
                .orElse("unknown (no managedFields entry for " + annotation + ")");
    }
}
