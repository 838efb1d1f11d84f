package io.offlineworkerreaper;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.Scenario.CLUSTER;
import static io.offlineworkerreaper.Scenario.WORKER_3;
import static io.offlineworkerreaper.Scenario.podExists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Alertmanager (API v2) and the generic webhook, beside Slack, each behind a stand-in: what they receive, how a
 * condition's alert fires and resolves, and that an outage of one holds up neither the others nor a removal.
 */
class NotificationDestinationsTest extends ReaperWorld {

    private static final String POD_3 = "alluxio-worker-577545dc9-2q7z7";
    private static final String PASSWORD = "am-Pa55word";
    private static final String WEBHOOK_TOKEN = "/hooks/GATEWAY-T0KEN-9f8e";

    HttpStandIn alertmanager;
    HttpStandIn webhook;

    @BeforeEach
    void startPeers() throws Exception {
        alertmanager = new HttpStandIn();
        webhook = new HttpStandIn();
    }

    @AfterEach
    void stopPeers() {
        alertmanager.close();
        webhook.close();
    }

    private Map<String, String> destinations() {
        return Map.of("reaper.alertmanager.url", alertmanager.baseUrl().replace("//", "//reaper:" + PASSWORD + "@"),
                "reaper.alertmanager.resend-every", "400ms", "reaper.webhook.url", webhook.baseUrl() + WEBHOOK_TOKEN);
    }

    /** Every alert Alertmanager accepted, in order. */
    private List<JsonNode> alertsDelivered() {
        List<JsonNode> alerts = new ArrayList<>();
        List<JsonNode> bodies = alertmanager.json();
        for (int i = 0; i < bodies.size(); i++) {
            if (alertmanager.posts().get(i).status() == 200) {
                bodies.get(i).forEach(alerts::add);
            }
        }
        return alerts;
    }

    private List<JsonNode> alertsNamed(String alertname) {
        return alertsDelivered().stream().filter(a -> a.get("labels").get("alertname").asText().equals(alertname))
                .toList();
    }

    @Test
    void should_fire_an_alert_while_a_worker_is_refused_and_resolve_it_once_it_is_removed() throws Exception {
        // given the crashed worker still heartbeating (the live workers too: the registry is never empty)
        Scenario.seedCrash(client, registry);
        registry.registerLiveWorker(CLUSTER, WORKER_3, "10.244.4.5", 2);

        // when the reaper runs with Alertmanager and the webhook configured
        startReaper(destinations());

        // then Alertmanager gets a firing refusal, labelled by node, pod and worker, with the credential of its URL
        await().atMost(Duration.ofSeconds(15)).until(() -> !alertsNamed("OfflineWorkerReaperRefused").isEmpty());
        JsonNode refusal = alertsNamed("OfflineWorkerReaperRefused").get(0);
        assertThat(refusal.get("labels").toString()).isEqualTo("{\"alertname\":\"OfflineWorkerReaperRefused\","
                + "\"severity\":\"warning\",\"node\":\"alluxio-e2e-worker3\",\"pod\":\"default/" + POD_3 + "\","
                + "\"worker\":\"" + WORKER_3 + "\"}");
        assertThat(refusal.get("annotations").get("summary").asText())
                .isEqualTo("Not removing Alluxio worker " + WORKER_3 + ": it is still heartbeating");
        assertThat(Instant.parse(refusal.get("endsAt").asText())).isAfter(Instant.now());
        assertThat(alertmanager.posts().get(0).path()).isEqualTo("/api/v2/alerts");
        assertThat(alertmanager.posts().get(0).authorization())
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString(("reaper:" + PASSWORD).getBytes()));
        // and it stays firing: re-posted, each time with an endsAt further ahead
        await().atMost(Duration.ofSeconds(10)).until(() -> alertsNamed("OfflineWorkerReaperRefused").size() >= 3);

        // when the lease expires and the reaper removes the worker
        registry.stopHeartbeat(WORKER_3);
        await().atMost(Duration.ofSeconds(20)).until(() -> !podExists(client, "default", POD_3));

        // then the removal is posted, and the refusal resolves (endsAt no later than the post)
        await().atMost(Duration.ofSeconds(15)).until(() -> !alertsNamed("OfflineWorkerReaperRemoved").isEmpty()
                && alertsNamed("OfflineWorkerReaperRefused").stream()
                        .anyMatch(a -> !Instant.parse(a.get("endsAt").asText()).isAfter(Instant.now())));
        JsonNode removal = alertsNamed("OfflineWorkerReaperRemoved").get(0);
        assertThat(removal.get("labels").get("worker").asText()).isEqualTo(WORKER_3);
        assertThat(removal.get("labels").get("severity").asText()).isEqualTo("info");
        // and nothing fires any more: the posts stop (two resend periods and more without one)
        reaper.awaitCycles(4);
        int settled = alertmanager.posts().size();
        Thread.sleep(1000);
        assertThat(alertmanager.posts()).hasSize(settled);

        // and the webhook got the same notices as JSON, at the secret URL
        List<JsonNode> hooks = webhook.json();
        assertThat(hooks).extracting(h -> h.get("kind").asText()).startsWith("REFUSED").contains("REMEDIATED");
        JsonNode removed = hooks.stream().filter(h -> h.get("kind").asText().equals("REMEDIATED")).findFirst().orElseThrow();
        assertThat(removed.get("severity").asText()).isEqualTo("info");
        assertThat(removed.get("subject").asText()).isEqualTo("Removed offline Alluxio worker " + WORKER_3);
        assertThat(removed.get("fields").get(1).toString())
                .isEqualTo("{\"label\":\"Pod\",\"value\":\"default/" + POD_3 + "\"}");
        assertThat(removed.get("text").asText()).startsWith("Removed offline Alluxio worker " + WORKER_3 + "\n• node: ");
        assertThat(webhook.posts().get(0).path()).isEqualTo(WEBHOOK_TOKEN);

        // and neither secret is in the log
        assertThat(log()).contains("also sent to Slack, Alertmanager, webhook").doesNotContain(PASSWORD)
                .doesNotContain("GATEWAY-T0KEN");
    }

    @Test
    void should_deliver_to_each_destination_once_it_is_back_without_holding_up_the_others() throws Exception {
        // given Alertmanager down, the webhook rate-limiting its first post for 2 s, and Slack down throughout
        alertmanager.answerWith(503);
        webhook.script(new HttpStandIn.Answer(429, Map.of("Retry-After", "2")));
        slack.answerWith(500);
        Scenario.seedCrash(client, registry);

        // when the reaper removes the dead worker
        startReaper(destinations());
        await().atMost(Duration.ofSeconds(20)).until(() -> !podExists(client, "default", POD_3));

        // then the webhook's second attempt comes as late as it asked, and is delivered
        await().atMost(Duration.ofSeconds(15)).until(() -> webhook.deliveredTexts().size() >= 1);
        Duration gap = Duration.ofNanos(webhook.posts().get(1).nanoTime() - webhook.posts().get(0).nanoTime());
        assertThat(gap).isGreaterThanOrEqualTo(Duration.ofSeconds(2)).isLessThan(Duration.ofSeconds(5));
        assertThat(webhook.json().get(1).get("kind").asText()).isEqualTo("REMEDIATED");

        // and once Alertmanager is back, the removal reaches it, while Slack still fails
        await().atMost(Duration.ofSeconds(10)).until(() -> alertmanager.posts().size() >= 2);
        alertmanager.answerWith(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> !alertsNamed("OfflineWorkerReaperRemoved").isEmpty());
        assertThat(log()).contains("Alertmanager post failed (attempt 1, HTTP 503), retrying in 1s")
                .contains("webhook post failed (attempt 1, HTTP 429), retrying in 2s");
        assertThat(slack.deliveredTexts()).isEmpty();
    }
}
