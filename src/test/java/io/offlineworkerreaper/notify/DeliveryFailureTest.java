package io.offlineworkerreaper.notify;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryFailureTest {

    private static IllegalStateException webhook(int code, String headers) {
        return new IllegalStateException("Error POSTing to Slack API: WebhookResponse(code=" + code
                + ", message=, headers={" + headers + "}, body=x)");
    }

    @Test
    void should_retry_server_errors_and_rate_limits_with_slacks_retry_after() {
        assertThat(DeliveryFailure.of(webhook(503, "content-type=[text/plain]")))
                .isEqualTo(new DeliveryFailure(true, Optional.empty(), 503));
        assertThat(DeliveryFailure.of(webhook(429, "content-type=[text/plain], retry-after=[7]")))
                .isEqualTo(new DeliveryFailure(true, Optional.of(Duration.ofSeconds(7)), 429));
        assertThat(DeliveryFailure.of(new RuntimeException(new java.net.ConnectException("refused"))).retry()).isTrue();
    }

    @Test
    void should_read_the_status_and_retry_after_of_an_http_destination() {
        assertThat(DeliveryFailure.of(http(429, java.util.Map.of("retry-after", "3"))))
                .isEqualTo(new DeliveryFailure(true, Optional.of(Duration.ofSeconds(3)), 429));
        assertThat(DeliveryFailure.of(new org.apache.camel.CamelExecutionException("post failed", null,
                http(502, java.util.Map.of())))).isEqualTo(new DeliveryFailure(true, Optional.empty(), 502));
        assertThat(DeliveryFailure.of(http(400, java.util.Map.of())).retry()).isFalse();
    }

    private static org.apache.camel.http.base.HttpOperationFailedException http(int status,
                                                                                java.util.Map<String, String> headers) {
        return new org.apache.camel.http.base.HttpOperationFailedException("http://alertmanager:9093/api/v2/alerts",
                status, "status", null, headers, "");
    }

    @Test
    void should_not_retry_what_slack_refuses() {
        assertThat(DeliveryFailure.of(webhook(400, "")).retry()).isFalse();
        assertThat(DeliveryFailure.of(webhook(404, "")).retry()).isFalse();
        assertThat(DeliveryFailure.of(new IllegalStateException(
                "Error POSTing to Slack API: ChatPostMessageResponse(ok=false, error=channel_not_found)")).retry())
                .isFalse();
    }

    @Test
    void should_read_retry_after_as_seconds_or_an_http_date_and_ignore_garbage() {
        java.time.Instant now = java.time.Instant.parse("2026-12-04T10:00:00Z");
        assertThat(DeliveryFailure.retryAfter(" 5 ", now)).contains(Duration.ofSeconds(5));
        assertThat(DeliveryFailure.retryAfter("0", now)).contains(Duration.ZERO);
        assertThat(DeliveryFailure.retryAfter("Fri, 04 Dec 2026 10:00:30 GMT", now)).contains(Duration.ofSeconds(30));
        assertThat(DeliveryFailure.retryAfter("Fri, 04 Dec 2026 09:00:00 GMT", now)).contains(Duration.ZERO);
        assertThat(DeliveryFailure.retryAfter("99999999999", now).orElseThrow()).isGreaterThan(Duration.ofDays(300));
        assertThat(DeliveryFailure.retryAfter("9".repeat(400), now)).isEmpty();
        for (String garbage : new String[] {"-5", "1.5", "soon", "", "0x10", "Friday"}) {
            assertThat(DeliveryFailure.retryAfter(garbage, now)).as(garbage).isEmpty();
        }
    }

    @Test
    void should_read_a_huge_or_dated_retry_after_from_slacks_webhook_answer() {
        assertThat(DeliveryFailure.of(webhook(429, "retry-after=[99999999999]")).retryAfter().orElseThrow())
                .isGreaterThan(Duration.ofDays(300));
        assertThat(DeliveryFailure.of(webhook(429, "retry-after=[Wed, 21 Oct 2015 07:28:00 GMT], x=[y]")))
                .isEqualTo(new DeliveryFailure(true, Optional.of(Duration.ZERO), 429));
        assertThat(DeliveryFailure.of(webhook(429, "retry-after=[-1]")).retryAfter()).isEmpty();
    }
}
