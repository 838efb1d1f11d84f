package io.offlineworkerreaper.notify;

import java.time.Duration;
import java.time.Instant;

import io.offlineworkerreaper.testing.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** reaper.notify.repeat-after: a condition that comes and goes is announced at most once per window. */
class RepeatAfterTest {

    @Test
    void should_announce_a_returning_condition_again_only_after_repeat_after() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T12:00:00Z"));
        AnnouncementMemory announcements = new AnnouncementMemory(Duration.ofHours(1), clock);
        int announced = 0;
        // a node flapping every cycle for 20 cycles: the refusal comes and goes
        for (int cycle = 0; cycle < 20; cycle++) {
            announcements.newCycle();
            clock.advance(Duration.ofSeconds(1));
            if (cycle % 2 == 0 && announcements.firstTime("heartbeating:worker-3")) {
                announced++;
            }
        }
        assertThat(announced).isEqualTo(1);

        clock.advance(Duration.ofHours(1));
        announcements.newCycle();
        announcements.newCycle();
        assertThat(announcements.firstTime("heartbeating:worker-3")).as("an hour later").isTrue();
    }
}
