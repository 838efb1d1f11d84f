package io.offlineworkerreaper.cycle;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import io.offlineworkerreaper.testing.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** An informer that has not watched for the limit is started again, once per limit, by a look every few seconds. */
class StuckWatchTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T01:00:00Z"));
    private final StuckWatch stuck = new StuckWatch("Node watch", clock, Duration.ofMinutes(2));
    private final AtomicInteger restarts = new AtomicInteger();

    private boolean look(boolean watching) {
        stuck.look(watching, restarts::incrementAndGet);
        return watching;
    }

    @Test
    void should_start_a_new_informer_after_the_limit_without_a_watch_and_not_before() {
        assertThat(look(false)).isFalse();
        clock.advance(Duration.ofSeconds(119));
        look(false);
        assertThat(restarts).hasValue(0);
        clock.advance(Duration.ofSeconds(1));
        look(false);
        assertThat(restarts).hasValue(1);
        // the new one gets its own two minutes
        clock.advance(Duration.ofSeconds(60));
        look(false);
        assertThat(restarts).hasValue(1);
        clock.advance(Duration.ofSeconds(60));
        look(false);
        assertThat(restarts).hasValue(2);
    }

    @Test
    void should_forget_the_outage_once_it_watches_again() {
        look(false);
        clock.advance(Duration.ofSeconds(100));
        assertThat(look(true)).isTrue();
        clock.advance(Duration.ofSeconds(100));
        look(false);
        clock.advance(Duration.ofSeconds(100));
        look(false);
        assertThat(restarts).hasValue(0);
    }

    @Test
    void should_look_on_a_thread_of_its_own_until_stopped() throws Exception {
        StuckWatch quick = new StuckWatch("Node watch", java.time.Clock.systemUTC(), Duration.ZERO, Duration.ofMillis(50));
        quick.start(() -> false, restarts::incrementAndGet);
        quick.start(() -> false, restarts::incrementAndGet); // once started, started once
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> restarts.get() >= 2);
        quick.stop();
        int after = restarts.get();
        // stopped: no more looks (a look already running may still end)
        org.awaitility.Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> restarts.get() <= after + 1);
    }
}
