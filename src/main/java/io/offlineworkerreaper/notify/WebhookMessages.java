package io.offlineworkerreaper.notify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.offlineworkerreaper.text.Bounded;
import org.apache.camel.Exchange;

/**
 * A notice as the generic webhook ({@code reaper.webhook.url}) receives it, one JSON object per notice:
 * {@code {"kind", "severity", "subject", "fields": [{"label", "value"}], "text"}} (and {@code fields_omitted}
 * when a notice had more fields than {@link #MAX_FIELDS}), where subject is the
 * notice's title and text its plain-text form (the log's). Teams and PagerDuty webhook gateways map it on.
 */
public final class WebhookMessages {

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The gateways behind a webhook cut or refuse big messages (a Teams card about 28 KB, a Slack-compatible
     * field 2,000 characters): at most 50 fields of 2,000 characters ({@code fields_omitted} counts the rest) and
     * a text of 16,000, so one post stays under 128 KB whatever the cluster.
     */
    static final int MAX_FIELDS = 50;
    static final int MAX_VALUE = 2_000;
    static final int MAX_TEXT = 16_000;

    private final HttpTarget target;

    public WebhookMessages(HttpTarget target) {
        this.target = target;
    }

    /** Turns the exchange's notice into the POST camel-http sends. */
    public void request(Exchange exchange) {
        Notice notice = exchange.getIn().getBody(Notice.class);
        target.applyTo(exchange.getIn());
        exchange.getIn().setBody(json(notice));
    }

    static String json(Notice notice) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", notice.kind().name());
        body.put("severity", notice.severity());
        body.put("subject", notice.title());
        List<Notice.Field> all = notice.sections().stream().flatMap(List::stream).toList();
        List<Map<String, String>> fields = new ArrayList<>();
        for (Notice.Field f : all.subList(0, Math.min(MAX_FIELDS, all.size()))) {
            Map<String, String> field = new LinkedHashMap<>();
            field.put("label", f.label());
            field.put("value", f.items().isEmpty() ? Bounded.text(f.value(), MAX_VALUE)
                    : Bounded.list(f.items(), MAX_VALUE));
            fields.add(field);
        }
        body.put("fields", fields);
        if (all.size() > MAX_FIELDS) {
            body.put("fields_omitted", all.size() - MAX_FIELDS);
        }
        body.put("text", Bounded.text(notice.text(), MAX_TEXT));
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a notice as JSON", e);
        }
    }
}
