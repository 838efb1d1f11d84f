package io.offlineworkerreaper.notify;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.offlineworkerreaper.settings.Durations;
import io.offlineworkerreaper.settings.Reader;

/**
 * How notices are delivered, whatever the destination: how often the same condition may be announced
 * ({@code reaper.notify.repeat-after}), how many wait while a destination is down and how long one is retried;
 * and the two destinations beside Slack, Alertmanager and a generic webhook.
 *
 * @param repeatAfter     a refusal, a warning or a failure on the same subject is announced at most once per
 *                        this, even when it flaps; removals and actions are always announced
 * @param queueSize       notices waiting per destination while it is unreachable
 * @param retryFor        how long one notice is retried before it is logged as undelivered
 * @param alertmanager    Alertmanager's base URL (its API v2 is under it), may carry user:password
 * @param resendEvery     how often firing alerts are posted to Alertmanager again (Prometheus' resend delay)
 * @param webhook         a URL every notice is posted to as JSON; secret as a whole (Teams and PagerDuty
 *                        gateways put their token in the URL)
 */
public record NotifySettings(Duration repeatAfter, int queueSize, Duration retryFor, Optional<HttpTarget> alertmanager,
                             Duration resendEvery, Optional<HttpTarget> webhook) {

    public static final String QUEUE_SIZE = "reaper.notify.queue-size";
    public static final String RETRY_FOR = "reaper.notify.retry-for";
    public static final String ALERTMANAGER_URL = "reaper.alertmanager.url";
    public static final String RESEND_EVERY = "reaper.alertmanager.resend-every";
    public static final String WEBHOOK_URL = "reaper.webhook.url";

    public static NotifySettings from(Reader in) {
        Optional<HttpTarget> alertmanager = in.optionalUrl(ALERTMANAGER_URL, false)
                .map(url -> HttpTarget.of(url.replaceAll("/+$", "") + "/api/v2/alerts", false));
        Optional<HttpTarget> webhook = in.optionalUrl(WEBHOOK_URL, true).map(url -> HttpTarget.of(url, true));
        return new NotifySettings(in.duration(AnnouncementMemory.REPEAT_AFTER, Duration.ZERO),
                in.integer(QUEUE_SIZE, 1, 100_000), in.duration(RETRY_FOR, Duration.ZERO), alertmanager,
                in.duration(RESEND_EVERY, Duration.ofMillis(100)), webhook);
    }

    /** The secrets to mask: the user info of the Alertmanager URL, the whole webhook URL. */
    public java.util.List<String> secrets() {
        java.util.List<String> secrets = new java.util.ArrayList<>();
        alertmanager.ifPresent(t -> secrets.addAll(t.secrets()));
        webhook.ifPresent(t -> secrets.addAll(t.secrets()));
        return secrets;
    }

    public Map<String, String> describe() {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put(AnnouncementMemory.REPEAT_AFTER, Durations.humanize(repeatAfter));
        shown.put(QUEUE_SIZE, String.valueOf(queueSize));
        shown.put(RETRY_FOR, Durations.humanize(retryFor));
        shown.put(ALERTMANAGER_URL, alertmanager.map(HttpTarget::shown).orElse("(not set)"));
        shown.put(RESEND_EVERY, Durations.humanize(resendEvery));
        shown.put(WEBHOOK_URL, webhook.map(HttpTarget::shown).orElse("(not set)"));
        return shown;
    }
}
