package io.offlineworkerreaper.notify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A message for operators, sent to the log and to Slack: a title, one section of labelled fields per worker
 * it is about, and free notes (why, what to do). {@link #text()} is the plain-text form, used in the log and
 * as Slack's fallback {@code text}; {@link SlackMessages} lays the same content out in Block Kit.
 *
 * @param kind     what happened
 * @param title    one line
 * @param sections one list of fields per subject (a worker, the cluster)
 * @param notes    sentences that follow the fields
 */
public record Notice(Kind kind, String title, List<List<Field>> sections, List<String> notes) {

    public enum Kind { REMEDIATED, WOULD_REMOVE, REFUSED, FAILED, RECOVERED, WARNING }

    /** One labelled value. */
    public record Field(String label, String value) {
    }

    public Notice {
        sections = sections.stream().map(List::copyOf).toList();
        notes = List.copyOf(notes);
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
