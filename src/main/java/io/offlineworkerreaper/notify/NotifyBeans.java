package io.offlineworkerreaper.notify;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import io.offlineworkerreaper.decision.RunMode;
import io.offlineworkerreaper.settings.SecretMasker;
import org.apache.camel.CamelContext;

/**
 * The notices and where they go: Slack, Alertmanager and the webhook, those configured, each fed through an outbox
 * of its own that posts through its post-to-... route.
 */
public record NotifyBeans(AnnouncementMemory announcements, NoticeWriter notices, SlackMessages slackMessages,
                          AlertmanagerAlerts alertmanagerAlerts, WebhookMessages webhookMessages,
                          Destinations destinations) {

    public static NotifyBeans create(CamelContext context, NotifySettings notify, boolean slack,
                                     AnnouncementMemory announcements, SecretMasker masker, RunMode runMode,
                                     DeliveryMetrics metrics, Clock clock) {
        Destinations destinations = new Destinations();
        if (slack) {
            destinations.add(Outbox.ofNotices("Slack", new PostThrough<>(context, "direct:post-to-slack"),
                    notify.queueSize(), notify.retryFor(), masker, metrics));
        }
        // made whether configured or not: the routes that use them start either way
        AlertmanagerAlerts alerts = new AlertmanagerAlerts(notify.alertmanager().orElse(null), announcements, clock,
                notify.resendEvery());
        notify.alertmanager().ifPresent(target -> destinations.addAlertmanager(new Outbox<AlertmanagerAlerts.Post>(
                "Alertmanager", new PostThrough<>(context, "direct:post-to-alertmanager"), notify.queueSize(),
                notify.retryFor(), masker, metrics, AlertmanagerAlerts.Post::text, (post, note) -> post), alerts));
        notify.webhook().ifPresent(target -> destinations.add(Outbox.ofNotices("webhook",
                new PostThrough<>(context, "direct:post-to-webhook"), notify.queueSize(), notify.retryFor(), masker,
                metrics)));
        return new NotifyBeans(announcements, new NoticeWriter(announcements, masker, runMode),
                new SlackMessages(runMode::dryRunOrPaused), alerts, new WebhookMessages(notify.webhook().orElse(null)),
                destinations);
    }

    /** The beans the routes name. */
    public Map<String, Object> named() {
        return Map.of("announcementMemory", announcements, "noticeWriter", notices, "slackMessages", slackMessages,
                "alertmanagerAlerts", alertmanagerAlerts, "webhookMessages", webhookMessages,
                "destinations", destinations);
    }

    /** Closed at shutdown: the outboxes, after what they hold was tried. */
    public List<AutoCloseable> closeables() {
        return List.of(destinations);
    }

    /** Posts through a post-to-... route and reports its failure, whatever the component did with it. */
    static final class PostThrough<T> implements Outbox.Sender<T> {
        private final RouteCall post;

        PostThrough(CamelContext context, String route) {
            this.post = new RouteCall(context, route);
        }

        @Override
        public void send(T message) throws Exception {
            post.call(e -> e.getIn().setBody(message));
        }
    }
}
