package io.offlineworkerreaper.notify;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Once per condition, not once per cycle; a condition gone for a whole cycle is announced again when it returns. */
class AnnouncementMemoryTest {

    private final AnnouncementMemory announcements = new AnnouncementMemory();

    @Test
    void should_announce_a_condition_once_while_it_lasts_cycle_after_cycle() {
        assertThat(announcements.newCycle()).isEqualTo(1);
        assertThat(announcements.firstTime("heartbeating:worker-1")).isTrue();
        assertThat(announcements.firstTime("heartbeating:worker-1")).as("same cycle").isFalse();

        for (int cycle = 2; cycle <= 5; cycle++) {
            assertThat(announcements.newCycle()).isEqualTo(cycle);
            assertThat(announcements.firstTime("heartbeating:worker-1")).as("cycle %d", cycle).isFalse();
        }
        assertThat(announcements.currentCycle()).isEqualTo(5);
    }

    @Test
    void should_forget_a_condition_missing_for_a_whole_cycle_and_say_it_cleared_once() {
        announcements.newCycle();
        announcements.firstTime("step-failed:read-heartbeats");
        announcements.firstTime("heartbeating:worker-1");

        announcements.newCycle(); // cycle 2: only the worker is still seen
        announcements.firstTime("heartbeating:worker-1");
        assertThat(announcements.cleared()).as("not gone for a whole cycle yet").isEmpty();

        announcements.newCycle(); // cycle 3 starts: the failure was not seen during all of cycle 2
        assertThat(announcements.cleared()).containsExactly("step-failed:read-heartbeats");
        assertThat(announcements.firstTime("heartbeating:worker-1")).isFalse();

        announcements.newCycle();
        assertThat(announcements.cleared()).as("cleared is said once").isEmpty();
        assertThat(announcements.firstTime("step-failed:read-heartbeats")).as("back again: announced again").isTrue();
    }

    @Test
    void should_count_no_cycle_before_the_first() {
        assertThat(announcements.currentCycle()).isZero();
        assertThat(announcements.cleared()).isEmpty();
    }

    @Test
    void should_forget_conditions_gone_for_longer_than_repeat_after() {
        io.offlineworkerreaper.testing.MutableClock clock = new io.offlineworkerreaper.testing.MutableClock(
                java.time.Instant.parse("2026-12-04T10:00:00Z"));
        AnnouncementMemory memory = new AnnouncementMemory(java.time.Duration.ofHours(1), clock);
        // a month of refusals of pods that come and go, one new pod a minute, one lasting refusal
        for (int minute = 0; minute < 30 * 24 * 60; minute += 7) {
            memory.newCycle();
            memory.firstTime("refused:pod-" + minute);
            memory.firstTime("refused:the-lasting-one");
            clock.advance(java.time.Duration.ofMinutes(7));
        }
        // then only what lasts and what ended within the last hour (at least) are remembered
        assertThat(memory.remembered()).isLessThan(40);
        assertThat(memory.firstTime("refused:the-lasting-one")).isFalse();
    }
}
