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

/**
 * Lays a {@link Notice} out in Slack Block Kit, readable on a phone: a header with an emoji per kind, one
 * section of two-column fields per worker (dividers between workers), the notes, and a context line. The
 * plain-text form goes in {@code text}, Slack's fallback for notifications.
 */
public final class SlackMessages {

    /** Slack allows at most 10 fields in a section and 150 characters in a header. */
    private static final int MAX_FIELDS = 10;
    private static final int MAX_HEADER = 150;

    private final BooleanSupplier dryRun;

    public SlackMessages(BooleanSupplier dryRun) {
        this.dryRun = dryRun;
    }

    public Message message(Notice notice) {
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(HeaderBlock.builder().text(plain(truncate(emoji(notice.kind()) + " " + notice.title()))).build());
        for (int i = 0; i < notice.sections().size(); i++) {
            if (i > 0) {
                blocks.add(DividerBlock.builder().build());
            }
            List<Notice.Field> section = notice.sections().get(i);
            for (int from = 0; from < section.size(); from += MAX_FIELDS) {
                List<TextObject> fields = new ArrayList<>();
                for (Notice.Field field : section.subList(from, Math.min(section.size(), from + MAX_FIELDS))) {
                    fields.add(markdown("*" + field.label() + "*\n" + field.value()));
                }
                blocks.add(SectionBlock.builder().fields(fields).build());
            }
        }
        for (String note : notice.notes()) {
            blocks.add(SectionBlock.builder().text(markdown(note)).build());
        }
        blocks.add(ContextBlock.builder().elements(List.of(markdown("offline-worker-reaper · "
                + notice.kind().name().toLowerCase().replace('_', '-') + (dryRun.getAsBoolean() ? " · dry-run" : "")))).build());
        Message message = new Message();
        message.setText(notice.text());
        message.setBlocks(blocks);
        return message;
    }

    static String emoji(Notice.Kind kind) {
        return switch (kind) {
            case REMEDIATED -> ":white_check_mark:";
            case WOULD_REMOVE -> ":mag:";
            case REFUSED -> ":no_entry:";
            case FAILED -> ":x:";
            case RECOVERED -> ":large_green_circle:";
            case WARNING -> ":warning:";
        };
    }

    private static String truncate(String header) {
        return header.length() <= MAX_HEADER ? header : header.substring(0, MAX_HEADER - 1) + "…";
    }

    private static PlainTextObject plain(String text) {
        return PlainTextObject.builder().text(text).emoji(true).build();
    }

    private static MarkdownTextObject markdown(String text) {
        return MarkdownTextObject.builder().text(text).build();
    }
}
