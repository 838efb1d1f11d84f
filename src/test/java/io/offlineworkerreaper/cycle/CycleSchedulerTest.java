package io.offlineworkerreaper.cycle;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** When cycles run: one interval after the previous one ended, at once on a trigger, never two at a time. */
class CycleSchedulerTest {

    private static final Duration LONG = Duration.ofHours(1);

    private CycleScheduler scheduler;
    private final AtomicInteger cycles = new AtomicInteger();

    private void start(Duration initialDelay, Duration interval, Runnable cycle) {
        scheduler = new CycleScheduler(initialDelay, interval);
        scheduler.scheduleTask(cycle);
        scheduler.startScheduler();
    }

    @AfterEach
    void stop() {
        if (scheduler != null) {
            scheduler.stop();
        }
    }

    @Test
    void should_start_the_next_cycle_one_interval_after_the_previous_one_ended() {
        List<Long> starts = new CopyOnWriteArrayList<>();
        List<Long> ends = new CopyOnWriteArrayList<>();
        start(Duration.ZERO, Duration.ofMillis(150), () -> {
            starts.add(System.nanoTime());
            work(100); // a cycle that takes time: the interval counts from its end, not its start
            ends.add(System.nanoTime());
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> starts.size() >= 3);

        for (int i = 1; i < 3; i++) {
            assertThat(TimeUnit.NANOSECONDS.toMillis(starts.get(i) - ends.get(i - 1)))
                    .as("gap before cycle %d", i + 1).isGreaterThanOrEqualTo(140);
        }
    }

    @Test
    void should_collapse_triggers_during_a_cycle_into_one_more_cycle_right_after_it() throws Exception {
        CountDownLatch inFirstCycle = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        start(Duration.ZERO, LONG, () -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            if (cycles.incrementAndGet() == 1) {
                inFirstCycle.countDown();
                awaitQuietly(release);
            }
            running.decrementAndGet();
        });
        assertThat(inFirstCycle.await(10, TimeUnit.SECONDS)).isTrue();

        for (int i = 0; i < 5; i++) {
            scheduler.trigger("node worker" + i + " changed");
        }
        release.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> cycles.get() == 2);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> cycles.get() == 2);
        assertThat(mostAtOnce.get()).as("cycles never overlap").isEqualTo(1);
    }

    @Test
    void should_run_a_triggered_cycle_at_once_and_a_planned_one_after_its_delay() {
        start(LONG, LONG, cycles::incrementAndGet);

        scheduler.trigger("heartbeat of worker-1 deleted");
        await().atMost(Duration.ofSeconds(5)).until(() -> cycles.get() == 1);

        long planned = System.nanoTime();
        scheduler.triggerAfter(Duration.ofMillis(300), "worker3 NotReady for reaper.nodes.not-ready-for");
        await().atMost(Duration.ofSeconds(5)).until(() -> cycles.get() == 2);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - planned)).isGreaterThanOrEqualTo(290);
    }

    @Test
    void should_keep_running_after_a_cycle_throws_and_do_nothing_once_stopped() {
        CycleScheduler notStarted = new CycleScheduler(Duration.ZERO, Duration.ZERO);
        notStarted.scheduleTask(cycles::incrementAndGet);
        notStarted.trigger("before start");
        // a trigger before the scheduler starts runs nothing
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> cycles.get() == 0);

        start(Duration.ZERO, Duration.ofMillis(50), () -> {
            cycles.incrementAndGet();
            throw new IllegalStateException("a failure outside the route's error handling");
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> cycles.get() >= 2);

        scheduler.stop();
        int afterStop = cycles.get();
        scheduler.trigger("after stop");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> cycles.get() == afterStop);
        assertThat(scheduler.isSchedulerStarted()).isFalse();
    }

    /** Stands for the time a cycle's calls take. */
    private static void work(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
