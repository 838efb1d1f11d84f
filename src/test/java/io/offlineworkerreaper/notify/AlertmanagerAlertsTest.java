package io.offlineworkerreaper.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.offlineworkerreaper.testing.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AlertmanagerAlertsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final AnnouncementMemory announcements = new AnnouncementMemory(Duration.ZERO, clock);
    private final AlertmanagerAlerts alerts = new AlertmanagerAlerts(HttpTarget.of("http://am:9093/api/v2/alerts",
            false), announcements, clock, Duration.ofMinutes(1));

    private JsonNode post(Notice notice) throws Exception {
        return JSON.readTree(alerts.json(notice));
    }

    private static Notice refusal() {
        return Notice.of(Notice.Kind.REFUSED, "Not removing Alluxio worker w-3: it is still heartbeating",
                List.of(new Notice.Field("Node", "node-3 (Ready=Unknown for 2m)"), new Notice.Field("Pod", "default/p-3"),
                        new Notice.Field("Worker", "w-3")), "its lease has not expired").about("refused:default/p-3");
    }

    @Test
    void should_fire_a_refusal_until_its_condition_is_not_seen_for_a_whole_cycle() throws Exception {
        // given a refusal announced in cycle 1
        announcements.newCycle();
        assertThat(announcements.firstTime("refused:default/p-3")).isTrue();
        JsonNode first = post(refusal());

        // then it fires: labelled by node, pod and worker, endsAt four resends ahead
        assertThat(first).hasSize(1);
        assertThat(first.get(0).get("labels").toString()).isEqualTo("{\"alertname\":\"OfflineWorkerReaperRefused\","
                + "\"severity\":\"warning\",\"node\":\"node-3\",\"pod\":\"default/p-3\",\"worker\":\"w-3\"}");
        assertThat(first.get(0).get("annotations").get("summary").asText()).startsWith("Not removing Alluxio worker w-3");
        assertThat(first.get(0).get("annotations").get("description").asText()).contains("• pod: default/p-3");
        assertThat(first.get(0).get("endsAt").asText()).isEqualTo("2026-12-01T10:04:00Z");

        // when it is still seen a cycle later, a refresh carries it again, moved on
        announcements.newCycle();
        announcements.firstTime("refused:default/p-3");
        clock.advance(Duration.ofMinutes(1));
        JsonNode refreshed = post(null);
        assertThat(refreshed).hasSize(1);
        assertThat(refreshed.get(0).get("startsAt").asText()).isEqualTo("2026-12-01T10:00:00Z");
        assertThat(refreshed.get(0).get("endsAt").asText()).isEqualTo("2026-12-01T10:05:00Z");
        assertThat(alerts.anyFiring()).isTrue();

        // when a whole cycle passes without it, the next post resolves it (endsAt now) and forgets it
        announcements.newCycle();
        announcements.newCycle();
        JsonNode resolved = post(null);
        assertThat(resolved).hasSize(1);
        assertThat(resolved.get(0).get("endsAt").asText()).isEqualTo("2026-12-01T10:01:00Z");
        assertThat(alerts.anyFiring()).isFalse();
        assertThat(post(null)).isEmpty();
    }

    @Test
    void should_resolve_the_breaker_with_its_recovery_even_after_a_restart() throws Exception {
        Notice open = Notice.of(Notice.Kind.REFUSED, "Safety breaker open: remediating nothing",
                List.of(new Notice.Field("Nodes not Ready", "3 of 4")), "check the network").about(NoticeWriter.BREAKER);
        Notice cleared = Notice.of(Notice.Kind.RECOVERED, "Safety breaker cleared",
                List.of(new Notice.Field("Nodes not Ready", "0 of 4"))).about(NoticeWriter.BREAKER);

        // the open breaker fires as critical; its recovery resolves the same labels
        JsonNode fired = post(open);
        assertThat(fired.get(0).get("labels").toString())
                .isEqualTo("{\"alertname\":\"OfflineWorkerReaperBreakerOpen\",\"severity\":\"critical\"}");
        clock.advance(Duration.ofSeconds(30));
        JsonNode resolved = post(cleared);
        assertThat(resolved).hasSize(1);
        assertThat(resolved.get(0).get("labels")).isEqualTo(fired.get(0).get("labels"));
        assertThat(resolved.get(0).get("endsAt").asText()).isEqualTo("2026-12-01T10:00:30Z");

        // a new process that never saw it open still resolves the alert the old one raised
        AlertmanagerAlerts restarted = new AlertmanagerAlerts(null, new AnnouncementMemory(), clock, Duration.ofMinutes(1));
        JsonNode afterRestart = JSON.readTree(restarted.json(cleared));
        assertThat(afterRestart.get(0).get("labels")).isEqualTo(fired.get(0).get("labels"));
    }

    @Test
    void should_post_a_removal_once_as_an_alert_that_resolves_by_itself() throws Exception {
        Notice removed = Notice.of(Notice.Kind.REMEDIATED, "Removed offline Alluxio worker w-3",
                List.of(new Notice.Field("Node", "node-3 (Ready=Unknown for 5m)"), new Notice.Field("Pod", "default/p-3"),
                        new Notice.Field("Worker", "w-3")));
        JsonNode posted = post(removed);
        assertThat(posted).hasSize(1);
        assertThat(posted.get(0).get("labels").get("alertname").asText()).isEqualTo("OfflineWorkerReaperRemoved");
        assertThat(posted.get(0).get("labels").get("severity").asText()).isEqualTo("info");
        assertThat(posted.get(0).get("endsAt").asText()).isEqualTo("2026-12-01T10:05:00Z");
        assertThat(alerts.anyFiring()).isFalse();
    }

    @Test
    void should_tell_two_failed_steps_apart() throws Exception {
        announcements.newCycle();
        Notice etcd = Notice.of(Notice.Kind.FAILED, "Remediation step call-etcd failed", List.of())
                .about("failed:call-etcd:io.grpc.StatusRuntimeException");
        Notice api = Notice.of(Notice.Kind.FAILED, "Remediation step check-nodes failed", List.of())
                .about("failed:check-nodes:io.fabric8.kubernetes.client.KubernetesClientException");
        announcements.firstTime(etcd.condition());
        announcements.firstTime(api.condition());
        post(etcd);
        JsonNode both = post(api);
        assertThat(both).extracting(a -> a.get("labels").get("step").asText()).containsExactly("call-etcd", "check-nodes");
        assertThat(both).extracting(a -> a.get("labels").get("severity").asText()).containsOnly("critical");
    }

    @Test
    void should_bound_labels_and_annotations_and_make_values_single_line() throws Exception {
        String huge = "node-" + "n".repeat(5_000) + "\nforged";
        Notice notice = Notice.of(Notice.Kind.REMEDIATED, "Removed " + "t".repeat(5_000),
                List.of(new Notice.Field("Node", huge), new Notice.Field("Pod", "default/" + "p".repeat(5_000)),
                        Notice.Field.list("Etcd keys deleted", java.util.Collections.nCopies(100, "k".repeat(900)))));

        JsonNode alert = post(notice).get(0);

        alert.get("labels").forEach(v -> assertThat(v.asText()).hasSizeLessThanOrEqualTo(AlertmanagerAlerts.MAX_LABEL)
                .doesNotContain("\n"));
        assertThat(alert.get("annotations").get("summary").asText())
                .hasSizeLessThanOrEqualTo(AlertmanagerAlerts.MAX_SUMMARY);
        assertThat(alert.get("annotations").get("description").asText())
                .hasSizeLessThanOrEqualTo(AlertmanagerAlerts.MAX_DESCRIPTION).endsWith(" more characters)");
    }

    @Test
    void should_bound_the_webhook_message() throws Exception {
        List<Notice.Field> fields = new java.util.ArrayList<>();
        for (int i = 0; i < 80; i++) {
            fields.add(new Notice.Field("Found", "value " + i));
        }
        fields.add(Notice.Field.list("Not Ready", java.util.Collections.nCopies(500, "ip-10-42-3-130.compute.internal")));
        Notice notice = Notice.of(Notice.Kind.WARNING, "many", fields);

        JsonNode body = JSON.readTree(WebhookMessages.json(notice));

        assertThat(body.get("fields")).hasSize(WebhookMessages.MAX_FIELDS);
        assertThat(body.get("fields_omitted").asInt()).isEqualTo(31);
        assertThat(body.get("text").asText()).hasSizeLessThanOrEqualTo(WebhookMessages.MAX_TEXT);
        body.get("fields").forEach(f -> assertThat(f.get("value").asText())
                .hasSizeLessThanOrEqualTo(WebhookMessages.MAX_VALUE));
    }

    @Test
    void should_resolve_a_refusal_whose_condition_was_forgotten_while_no_post_went_out() throws Exception {
        // given a refusal firing
        announcements.newCycle();
        announcements.firstTime("refused:default/p-3");
        post(refusal());

        // when it ends and no post goes out for two hours (the announcements forget it meanwhile)
        announcements.newCycle();
        announcements.newCycle();
        clock.advance(Duration.ofHours(2));
        announcements.newCycle();
        assertThat(announcements.lasting("refused:default/p-3")).isEmpty();

        // then the next post still resolves it, and nothing fires any more
        JsonNode resolved = post(null);
        assertThat(resolved).singleElement().satisfies(a -> assertThat(a.get("endsAt").asText())
                .isEqualTo(clock.instant().toString()));
        assertThat(alerts.anyFiring()).isFalse();
    }
}
