package io.offlineworkerreaper.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.offlineworkerreaper.text.Bounded;
import org.apache.camel.Exchange;

/**
 * NoticeWriter as Alertmanager alerts (API v2, {@code POST /api/v2/alerts}). Labels: alertname, severity, and node,
 * pod, worker where the notice names them (plus step or setting, so that two conditions never share an
 * alert); annotations: summary (the title) and description (the plain text).
 * <p>
 * A lasting condition (a refusal, a failed step, a finding, the open breaker) fires until it ends, as
 * Prometheus' alerts do: each post carries every firing alert again with endsAt four times
 * {@code reaper.alertmanager.resend-every} ahead, and {@link Destinations} re-posts them that often while any
 * fires, so that they resolve by themselves if the reaper goes away. A condition ends with the RECOVERED notice about it, or, for those kept by
 * {@link AnnouncementMemory}, once it was not seen for a whole cycle: its alert is then posted with endsAt now, which
 * resolves it. An event (a removal, a dry-run's "would", a recovery) is posted once and resolves after
 * {@link #EVENT_FOR}.
 */
public final class AlertmanagerAlerts {

    static final Duration EVENT_FOR = Duration.ofMinutes(5);
    /**
     * Alertmanager sets no size, but its receivers do (PagerDuty: a summary of 1,024 characters; Opsgenie: a
     * description of 15,000) and every label value is kept in its memory and in each notification's group key:
     * labels name one object (253 characters at most in Kubernetes), the summary and description are cut.
     */
    static final int MAX_LABEL = 256;
    static final int MAX_SUMMARY = 1_024;
    static final int MAX_DESCRIPTION = 8_192;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One post: a notice, or (notice null) the refresh of the firing alerts. */
    public record Post(Notice notice) {
        static Post refresh() {
            return new Post(null);
        }

        public String text() {
            return notice == null ? "the firing alerts, refreshed" : notice.text();
        }
    }

    /** {@code kept}: its condition is one {@link AnnouncementMemory} keeps (then it ends once forgotten there too). */
    private record Alert(Map<String, String> labels, Map<String, String> annotations, Instant startsAt,
                         boolean kept) {
        Map<String, Object> until(Instant endsAt) {
            Map<String, Object> alert = new LinkedHashMap<>();
            alert.put("labels", labels);
            alert.put("annotations", annotations);
            alert.put("startsAt", startsAt.toString());
            alert.put("endsAt", endsAt.toString());
            return alert;
        }
    }

    private final HttpTarget target;
    private final AnnouncementMemory announcements;
    private final Clock clock;
    private final Duration resendEvery;
    private final Map<String, Alert> firing = new LinkedHashMap<>();

    public AlertmanagerAlerts(HttpTarget target, AnnouncementMemory announcements, Clock clock, Duration resendEvery) {
        this.target = target;
        this.resendEvery = resendEvery;
        this.announcements = announcements;
        this.clock = clock;
    }

    /** Turns the exchange's {@link Post} into the POST camel-http sends. */
    public void request(Exchange exchange) {
        Post post = exchange.getIn().getBody(Post.class);
        target.applyTo(exchange.getIn());
        exchange.getIn().setBody(json(post.notice()));
    }

    /** How often the firing alerts are posted again while any fires. */
    public Duration resendEvery() {
        return resendEvery;
    }

    /** Whether any alert is firing (then the firing alerts are re-posted every {@link #resendEvery()}). */
    public synchronized boolean anyFiring() {
        return !firing.isEmpty();
    }

    /**
     * The alerts of one post, as Alertmanager's API takes them: this notice's (none for a refresh), then every
     * firing alert refreshed, and the alerts of the conditions that ended, resolved.
     */
    synchronized String json(Notice notice) {
        Instant now = clock.instant();
        List<Map<String, Object>> alerts = new ArrayList<>();
        if (notice != null) {
            Alert alert = alert(notice, now);
            String condition = notice.condition();
            if (notice.kind() == Notice.Kind.RECOVERED && condition != null) {
                Alert ended = firing.remove(condition);
                // after a restart nothing is remembered: the labels the firing alert had (they name the condition)
                alerts.add((ended != null ? ended : asFiring(alert)).until(now));
            } else if (condition != null && notice.kind() != Notice.Kind.WOULD_ACT) {
                firing.putIfAbsent(condition, new Alert(alert.labels(), alert.annotations(), alert.startsAt(),
                        announcements.lasting(condition).isPresent()));
            } else {
                alerts.add(alert.until(now.plus(EVENT_FOR)));
            }
        }
        for (Iterator<Map.Entry<String, Alert>> it = firing.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Alert> e = it.next();
            // a kept condition the announcements forgot has ended too (long ago: the refresh was not running)
            boolean ended = announcements.lasting(e.getKey()).map(lasts -> !lasts).orElse(e.getValue().kept());
            alerts.add(e.getValue().until(ended ? now : now.plus(resendEvery.multipliedBy(4))));
            if (ended) {
                it.remove();
            }
        }
        try {
            return JSON.writeValueAsString(alerts);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write alerts as JSON", e);
        }
    }

    private static Alert alert(Notice notice, Instant now) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", alertname(notice));
        labels.put("severity", notice.severity());
        notice.field("Node").map(n -> n.split(" ", 2)[0]).ifPresent(n -> labels.put("node", label(n)));
        notice.field("Pod").ifPresent(p -> labels.put("pod", label(p)));
        notice.field("Worker").ifPresent(w -> labels.put("worker", label(w)));
        notice.field("Setting").ifPresent(s -> labels.put("setting", label(s)));
        step(notice.condition()).ifPresent(s -> labels.put("step", label(s)));
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("summary", Bounded.text(notice.title(), MAX_SUMMARY));
        annotations.put("description", Bounded.text(notice.text(), MAX_DESCRIPTION));
        return new Alert(labels, annotations, now, false);
    }

    private static String label(String value) {
        return Bounded.text(value, MAX_LABEL);
    }

    /** The alert a RECOVERED notice ends, as it was labelled while firing (breaker: critical; others: warning). */
    private static Alert asFiring(Alert recovered) {
        Map<String, String> labels = new LinkedHashMap<>(recovered.labels());
        labels.put("severity", labels.get("alertname").equals("OfflineWorkerReaperBreakerOpen") ? "critical" : "warning");
        return new Alert(labels, recovered.annotations(), recovered.startsAt(), false);
    }

    /** The route of a failed step ("failed:<route>:<error type>"). */
    private static Optional<String> step(String condition) {
        if (condition == null || !condition.startsWith("failed:")) {
            return Optional.empty();
        }
        String rest = condition.substring("failed:".length());
        int colon = rest.indexOf(':');
        return Optional.of(colon < 0 ? rest : rest.substring(0, colon));
    }

    static String alertname(Notice notice) {
        String condition = notice.condition() == null ? "" : notice.condition();
        if (condition.equals(NoticeWriter.BREAKER)) {
            return "OfflineWorkerReaperBreakerOpen";
        }
        if (condition.startsWith(NoticeWriter.FINDING)) {
            return "OfflineWorkerReaperRegistryFinding";
        }
        if (condition.startsWith(NoticeWriter.FLAPPING)) {
            return "OfflineWorkerReaperNodeFlapping";
        }
        if (condition.startsWith("unfenced:")) {
            return "OfflineWorkerReaperNodeNotProvenOff";
        }
        return switch (notice.kind()) {
            case REMEDIATED -> "OfflineWorkerReaperRemoved";
            case WOULD_ACT -> "OfflineWorkerReaperWouldAct";
            case REFUSED -> "OfflineWorkerReaperRefused";
            case FAILED -> "OfflineWorkerReaperStepFailed";
            case WARNING -> "OfflineWorkerReaperWarning";
            case RECOVERED -> "OfflineWorkerReaperRecovered";
        };
    }
}
