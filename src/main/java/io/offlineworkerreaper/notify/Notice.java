package io.offlineworkerreaper.notify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.offlineworkerreaper.text.Untrusted;

/**
 * A message for operators, sent to the log and to Slack: a title, one section of labelled fields per worker
 * it is about, and free notes (why, what to do). {@link #text()} is the plain-text form, used in the log and
 * as Slack's fallback {@code text}; {@link SlackMessages} lays the same content out in Block Kit.
 *
 * @param kind     what happened
 * @param title    one line
 * @param sections one list of fields per subject (a worker, the cluster)
 * @param notes    sentences that follow the fields
 * @param condition what a lasting condition is called ({@link AnnouncementMemory}: a refusal, a failure, the breaker),
 *                  so that an alert raised for it can be resolved when it ends; for a RECOVERED notice, the
 *                  condition it ends; null for an event (a removal)
 */
public record Notice(Kind kind, String title, List<List<Field>> sections, List<String> notes, String condition) {

    public enum Kind { REMEDIATED, WOULD_ACT, REFUSED, FAILED, RECOVERED, WARNING }

    /**
     * One labelled value; for a list (nodes, keys), also its items, so that a destination with a size limit can
     * show as many as fit and count the rest. The value is made single-line and bounded here ({@link Untrusted}):
     * it often comes from outside (etcd, an object's fields, an HTTP reply, an exception).
     */
    public record Field(String label, String value, List<String> items) {

        public Field {
            items = items.stream().map(Untrusted::line).toList();
            value = items.isEmpty() ? Untrusted.line(value, MAX_VALUE) : String.join(", ", items);
        }

        public Field(String label, String value) {
            this(label, value, List.of());
        }

        /** A list, shown in full in the log and as much of it as fits elsewhere ("… and N more"). */
        public static Field list(String label, List<String> items) {
            return new Field(label, "", items);
        }
    }

    /**
     * The longest title, value or note kept (a list's value is as long as its items): a failure's title quotes the
     * error. Each destination cuts further to its own limits.
     */
    static final int MAX_VALUE = 4_096;

    public Notice {
        title = Untrusted.line(title, MAX_VALUE);
        sections = sections.stream().map(List::copyOf).toList();
        notes = notes.stream().map(n -> Untrusted.line(n, MAX_VALUE)).toList();
    }

    public Notice(Kind kind, String title, List<List<Field>> sections, List<String> notes) {
        this(kind, title, sections, notes, null);
    }

    /** The same notice about a lasting condition (see {@code condition}). */
    public Notice about(String lastingCondition) {
        return new Notice(kind, title, sections, notes, lastingCondition);
    }

    /** The same notice with one more note. */
    public Notice withNote(String note) {
        List<String> more = new ArrayList<>(notes);
        more.add(note);
        return new Notice(kind, title, sections, more, condition);
    }

    /**
     * How urgent it is, for Alertmanager and the webhook: critical for a failed step and the open breaker,
     * warning for a refusal or a warning, info for a removal, a dry-run's "would" and a recovery.
     */
    public String severity() {
        return switch (kind) {
            case FAILED -> "critical";
            case REFUSED -> NoticeWriter.BREAKER.equals(condition) ? "critical" : "warning";
            case WARNING -> "warning";
            case REMEDIATED, WOULD_ACT, RECOVERED -> "info";
        };
    }

    /** The value of the first field with this label, if any (for the node, pod and worker of an alert). */
    public java.util.Optional<String> field(String label) {
        return sections.stream().flatMap(List::stream).filter(f -> f.label().equals(label)).map(Field::value)
                .findFirst();
    }

    public static Notice of(Kind kind, String title, List<Field> fields, String... notes) {
        return new Notice(kind, title, fields.isEmpty() ? List.of() : List.of(fields), List.of(notes));
    }

    /** The plain-text form: the title, then "• label: value" per field and "• note" per note. */
    public String text() {
        StringBuilder text = new StringBuilder(title);
        for (int i = 0; i < sections.size(); i++) {
            if (i > 0) {
                text.append('\n');
            }
            for (Field field : sections.get(i)) {
                text.append("\n• ").append(field.label().toLowerCase(Locale.ROOT)).append(": ").append(field.value());
            }
        }
        for (String note : notes) {
            text.append("\n• ").append(note);
        }
        return text.toString();
    }

    /** Several notices of the same kind as one, their sections one after the other. */
    static Notice merge(Kind kind, String title, List<Notice> notices) {
        List<List<Field>> all = new ArrayList<>();
        notices.forEach(n -> all.addAll(n.sections()));
        return new Notice(kind, title, all, List.of());
    }

    @Override
    public String toString() {
        return text();
    }
}
