package io.offlineworkerreaper.notify;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import com.slack.api.model.Message;
import com.slack.api.model.block.ContextBlock;
import com.slack.api.model.block.DividerBlock;
import com.slack.api.model.block.HeaderBlock;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.SectionBlock;
import com.slack.api.model.block.composition.MarkdownTextObject;
import com.slack.api.model.block.composition.PlainTextObject;
import com.slack.api.model.block.composition.TextObject;
import io.offlineworkerreaper.text.Bounded;

/**
 * Lays a {@link Notice} out in Slack Block Kit, readable on a phone: a header with an emoji per kind, one
 * section of two-column fields per worker (dividers between workers), the notes, and a context line. The
 * plain-text form goes in {@code text}, Slack's fallback for notifications.
 * <p>
 * Whatever the cluster, the message fits Block Kit's documented limits (50 blocks, a header of 150 characters,
 * 10 fields of 2,000 characters per section, 3,000 per section text): a long list shows as many items as fit and
 * "… and N more"; sections that do not fit are counted in a last note. The full notice stays in the log. Every
 * text is escaped for mrkdwn as Slack documents ({@code &}, {@code <}, {@code >}): nothing in a notice, most of
 * which comes from etcd and the cluster, can become a mention ({@code <!channel>}, {@code <@U…>}) or a link
 * whose text hides its address ({@code <url|text>}).
 */
public final class SlackMessages {

    static final int MAX_BLOCKS = 50;
    static final int MAX_HEADER = 150;
    static final int MAX_FIELDS = 10;
    static final int MAX_FIELD = 2_000;
    static final int MAX_SECTION_TEXT = 3_000;
    /** Slack cuts a message's text at 40,000 characters and advises under 4,000: the fallback keeps to that. */
    static final int MAX_TEXT = 4_000;
    /** Notes shown at most (the notices have one to three). */
    private static final int MAX_NOTES = 5;

    private final BooleanSupplier dryRun;

    public SlackMessages(BooleanSupplier dryRun) {
        this.dryRun = dryRun;
    }

    public Message message(Notice notice) {
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(HeaderBlock.builder().text(plain(Bounded.text(emoji(notice.kind()) + " " + notice.title(),
                MAX_HEADER))).build());
        List<String> notes = new ArrayList<>(notice.notes().subList(0, Math.min(MAX_NOTES, notice.notes().size())));
        // room for the notes, the context line and one note that counts what was left out
        int room = MAX_BLOCKS - blocks.size() - notes.size() - 2;
        int shown = 0;
        for (List<Notice.Field> section : notice.sections()) {
            List<LayoutBlock> laid = section(section, shown > 0);
            if (laid.size() > room) {
                break;
            }
            blocks.addAll(laid);
            room -= laid.size();
            shown++;
        }
        int left = notice.sections().size() - shown;
        if (left > 0) {
            notes.add("… and " + left + " more (" + notice.sections().size() + " in all): the reaper's log has every"
                    + " one");
        }
        for (String note : notes) {
            blocks.add(SectionBlock.builder().text(markdown(Bounded.text(escape(note), MAX_SECTION_TEXT))).build());
        }
        blocks.add(ContextBlock.builder().elements(List.of(markdown("offline-worker-reaper · "
                + notice.kind().name().toLowerCase().replace('_', '-') + (dryRun.getAsBoolean() ? " · dry-run" : "")))).build());
        Message message = new Message();
        message.setText(Bounded.text(escape(notice.text()), MAX_TEXT));
        message.setBlocks(blocks);
        return message;
    }

    /** One subject's fields, ten to a section block, after a divider unless it comes first. */
    private static List<LayoutBlock> section(List<Notice.Field> section, boolean divider) {
        List<LayoutBlock> blocks = new ArrayList<>();
        if (divider) {
            blocks.add(DividerBlock.builder().build());
        }
        for (int from = 0; from < section.size(); from += MAX_FIELDS) {
            List<TextObject> fields = new ArrayList<>();
            for (Notice.Field field : section.subList(from, Math.min(section.size(), from + MAX_FIELDS))) {
                fields.add(markdown(field(field)));
            }
            blocks.add(SectionBlock.builder().fields(fields).build());
        }
        return blocks;
    }

    /** "*Label*\nvalue", within a field's 2,000 characters: a list shows the items that fit, then "… and N more". */
    static String field(Notice.Field field) {
        String label = "*" + Bounded.text(escape(field.label()), 100) + "*\n";
        int room = MAX_FIELD - label.length();
        String value = field.items().isEmpty() ? Bounded.text(escape(field.value()), room)
                : Bounded.list(field.items().stream().map(SlackMessages::escape).toList(), room);
        return label + value;
    }

    /** Slack's own escaping for mrkdwn: the three characters that start its markup for mentions and links. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String emoji(Notice.Kind kind) {
        return switch (kind) {
            case REMEDIATED -> ":white_check_mark:";
            case WOULD_ACT -> ":mag:";
            case REFUSED -> ":no_entry:";
            case FAILED -> ":x:";
            case RECOVERED -> ":large_green_circle:";
            case WARNING -> ":warning:";
        };
    }

    private static PlainTextObject plain(String text) {
        return PlainTextObject.builder().text(text).emoji(true).build();
    }

    private static MarkdownTextObject markdown(String text) {
        return MarkdownTextObject.builder().text(text).build();
    }
}
