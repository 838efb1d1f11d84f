package io.offlineworkerreaper.notify;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SlackFailureTest {

    private static IllegalStateException webhook(int code, String headers) {
        return new IllegalStateException("Error POSTing to Slack API: WebhookResponse(code=" + code
                + ", message=, headers={" + headers + "}, body=x)");
    }

    @Test
    void should_retry_server_errors_and_rate_limits_with_slacks_retry_after() {
        assertThat(SlackFailure.of(webhook(503, "content-type=[text/plain]")))
                .isEqualTo(new SlackFailure(true, Optional.empty(), 503));
        assertThat(SlackFailure.of(webhook(429, "content-type=[text/plain], retry-after=[7]")))
                .isEqualTo(new SlackFailure(true, Optional.of(Duration.ofSeconds(7)), 429));
        assertThat(SlackFailure.of(new RuntimeException(new java.net.ConnectException("refused"))).retry()).isTrue();
    }

    @Test
    void should_not_retry_what_slack_refuses() {
        assertThat(SlackFailure.of(webhook(400, "")).retry()).isFalse();
        assertThat(SlackFailure.of(webhook(404, "")).retry()).isFalse();
        assertThat(SlackFailure.of(new IllegalStateException(
                "Error POSTing to Slack API: ChatPostMessageResponse(ok=false, error=channel_not_found)")).retry())
                .isFalse();
    }
}
