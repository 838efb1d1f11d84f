package io.offlineworkerreaper.notify;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;

/**
 * A notice as the generic webhook ({@code reaper.webhook.url}) receives it, one JSON object per notice:
 * {@code {"kind", "severity", "subject", "fields": [{"label", "value"}], "text"}}, where subject is the
 * notice's title and text its plain-text form (the log's). Teams and PagerDuty webhook gateways map it on.
 */
public final class WebhookMessages {

    private static final ObjectMapper JSON = new ObjectMapper();

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
        List<Map<String, String>> fields = new ArrayList<>();
        notice.sections().forEach(section -> section.forEach(f -> {
            Map<String, String> field = new LinkedHashMap<>();
            field.put("label", f.label());
            field.put("value", f.value());
            fields.add(field);
        }));
        body.put("fields", fields);
        body.put("text", notice.text());
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write a notice as JSON", e);
        }
    }
}
