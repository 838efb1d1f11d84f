package io.offlineworkerreaper.notify;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.offlineworkerreaper.observe.ReaperMetrics;
import io.offlineworkerreaper.settings.SecretMasker;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class OutboxTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ReaperMetrics metrics = new ReaperMetrics(meters, Clock.systemUTC());

    private double count(String result) {
        return meters.get("reaper.notices").tag("destination", "slack").tag("result", result).counter().count();
    }

    private static Notice notice(String title) {
        return Notice.of(Notice.Kind.REFUSED, title, List.of());
    }

    @Test
    void should_drop_the_oldest_when_full_and_say_so_in_the_next_notice_delivered() throws Exception {
        // given Slack down and a queue of two
        AtomicBoolean slackUp = new AtomicBoolean(false);
        List<Notice> delivered = new CopyOnWriteArrayList<>();
        List<String> attempts = new CopyOnWriteArrayList<>();
        try (Outbox<Notice> outbox = Outbox.ofNotices("Slack", n -> {
            attempts.add(n.title());
            if (!slackUp.get()) {
                throw new java.io.IOException("connection refused");
            }
            delivered.add(n);
        }, 2, Duration.ofMinutes(1), new SecretMasker(List.of()), metrics)) {

            // when four notices come while the first is being retried
            outbox.offer(notice("first"));
            await().atMost(Duration.ofSeconds(5)).until(() -> !attempts.isEmpty());
            outbox.offer(notice("second"));
            outbox.offer(notice("third"));
            outbox.offer(notice("fourth"));
            assertThat(outbox.pending()).isEqualTo(2);

            // then, once Slack is back, the first and the two newest arrive, the next one counting the drop
            slackUp.set(true);
            await().atMost(Duration.ofSeconds(10)).until(() -> delivered.size() == 3);
            assertThat(delivered).extracting(Notice::title).containsExactly("first", "third", "fourth");
            assertThat(delivered.get(1).text()).contains("1 older notice(s) were dropped while Slack was unreachable");
            assertThat(delivered.get(2).notes()).isEmpty();
            assertThat(outbox.awaitIdle(Duration.ofSeconds(5))).isTrue();
            assertThat(count("delivered")).isEqualTo(3);
            assertThat(count("dropped")).isEqualTo(1);
            assertThat(count("undelivered")).isZero();
        }
    }

    @Test
    void should_give_up_on_a_notice_slack_refuses_and_go_on_with_the_next() throws Exception {
        List<String> attempts = new CopyOnWriteArrayList<>();
        try (Outbox<Notice> outbox = Outbox.ofNotices("Slack", n -> {
            attempts.add(n.title());
            if (n.title().equals("bad")) {
                throw new IllegalStateException("Error POSTing to Slack API: WebhookResponse(code=400, message=, "
                        + "headers={}, body=invalid_blocks)");
            }
        }, 10, Duration.ofMinutes(1), new SecretMasker(List.of()), metrics)) {
            outbox.offer(notice("bad"));
            outbox.offer(notice("good"));

            await().atMost(Duration.ofSeconds(5)).until(() -> attempts.contains("good"));
            assertThat(attempts).containsExactly("bad", "good");
            assertThat(outbox.awaitIdle(Duration.ofSeconds(5))).isTrue();
            assertThat(count("undelivered")).isEqualTo(1);
            assertThat(count("delivered")).isEqualTo(1);
        }
    }

    @Test
    void should_wait_at_least_a_second_and_never_past_the_retry_time() {
        Duration left = Duration.ofSeconds(30);
        assertThat(Outbox.clamp(Duration.ZERO, left)).isEqualTo(Duration.ofSeconds(1));
        assertThat(Outbox.clamp(Duration.ofMillis(-5), left)).isEqualTo(Duration.ofSeconds(1));
        assertThat(Outbox.clamp(Duration.ofSeconds(7), left)).isEqualTo(Duration.ofSeconds(7));
        assertThat(Outbox.clamp(Duration.ofDays(365), left)).isEqualTo(left);
    }

    @Test
    void should_start_its_delivery_thread_again_when_it_ended() throws Exception {
        // given a sender that kills the delivery thread on the first message (an Error nothing catches)
        List<String> delivered = new CopyOnWriteArrayList<>();
        try (Outbox<Notice> outbox = Outbox.ofNotices("Doomed", n -> {
            if (n.title().equals("fatal")) {
                throw new Error("simulated: an error nothing catches ends the delivery thread");
            }
            delivered.add(n.title());
        }, 10, Duration.ofMinutes(1), new SecretMasker(List.of()), metrics)) {
            outbox.offer(notice("fatal"));
            // (the thread's death is the point here: Awaitility must not fail on it)
            await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces()
                    .keySet().stream().noneMatch(t -> t.getName().equals("Doomed-outbox")) && outbox.pending() == 0);

            // when the next notice comes
            outbox.offer(notice("after"));

            // then it is delivered by a new thread
            await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(5)).until(() -> delivered.contains("after"));
            assertThat(outbox.awaitIdle(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void should_count_a_message_whose_delivery_throws_unexpectedly_and_go_on() throws Exception {
        // given a destination whose failure cannot even be read (a bug, or a reply nothing expected), then works
        List<String> delivered = new CopyOnWriteArrayList<>();
        try (Outbox<Notice> outbox = Outbox.ofNotices("Slack", n -> {
            if (n.title().equals("bad")) {
                throw new IllegalStateException() {
                    @Override
                    public String getMessage() {
                        throw new UnsupportedOperationException("unreadable failure");
                    }
                };
            }
            delivered.add(n.title());
        }, 10, Duration.ofMinutes(1), new SecretMasker(List.of()), metrics)) {

            // when that message is followed by another
            outbox.offer(notice("bad"));
            outbox.offer(notice("good"));

            // then the second is delivered and the first counted as undelivered
            await().atMost(Duration.ofSeconds(5)).until(() -> delivered.contains("good"));
            assertThat(outbox.awaitIdle(Duration.ofSeconds(5))).isTrue();
            assertThat(count("undelivered")).isEqualTo(1);
            assertThat(count("delivered")).isEqualTo(1);
        }
    }
}
