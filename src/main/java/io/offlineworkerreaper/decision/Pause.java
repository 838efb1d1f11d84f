package io.offlineworkerreaper.decision;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;

/**
 * Whether an operator paused the reaper: the annotation {@code offline-worker-reaper/paused} (its value: the
 * reason) on the control ConfigMap, ended by itself at {@code offline-worker-reaper/paused-until} (RFC 3339) if
 * set. While paused every destructive step is reported as "would", as in dry-run.
 *
 * @param active whether destructive steps are paused now
 * @param reason what the operator wrote
 * @param until  when the pause ends by itself, if set
 * @param setBy  the field manager that set the annotation (from managedFields), or "unknown"
 * @param note   a problem with the annotations, if any (an unreadable paused-until keeps the pause)
 */
public record Pause(boolean active, String reason, Optional<Instant> until, String setBy, Optional<String> note) {

    public static final String PAUSED = "offline-worker-reaper/paused";
    public static final String PAUSED_UNTIL = "offline-worker-reaper/paused-until";
    public static final Pause NONE = new Pause(false, "", Optional.empty(), "", Optional.empty());

    /** The pause the annotations say, at {@code now}. */
    public static Pause from(Map<String, String> annotations, List<ManagedFieldsEntry> managedFields, Instant now) {
        String reason = annotations == null ? null : annotations.get(PAUSED);
        if (reason == null || reason.isBlank()) {
            return NONE;
        }
        String setBy = managerOf(managedFields);
        String untilText = annotations.get(PAUSED_UNTIL);
        if (untilText == null || untilText.isBlank()) {
            return new Pause(true, reason.trim(), Optional.empty(), setBy, Optional.empty());
        }
        Instant until;
        try {
            until = java.time.OffsetDateTime.parse(untilText.trim()).toInstant();
        } catch (DateTimeParseException e) {
            return new Pause(true, reason.trim(), Optional.empty(), setBy, Optional.of(PAUSED_UNTIL + "=" + untilText
                    + " is not an RFC 3339 time (e.g. 2026-12-01T18:00:00Z): the pause stays until the annotation goes"));
        }
        return new Pause(now.isBefore(until), reason.trim(), Optional.of(until), setBy, Optional.empty());
    }

    /** The manager whose managed fields hold the paused annotation: kubectl-annotate, a GitOps tool, ... */
    static String managerOf(List<ManagedFieldsEntry> managedFields) {
        if (managedFields == null) {
            return "unknown";
        }
        return managedFields.stream()
                .filter(m -> m.getFieldsV1() != null
                        && String.valueOf(m.getFieldsV1().getAdditionalProperties()).contains("f:" + PAUSED))
                .map(ManagedFieldsEntry::getManager).filter(java.util.Objects::nonNull)
                .reduce((first, second) -> second).orElse("unknown");
    }

    /** One line: why, by whom, until when. */
    public String text() {
        return "\"" + reason + "\" (set by " + setBy + until.map(u -> ", until " + u).orElse(", no end set") + ")";
    }
}
