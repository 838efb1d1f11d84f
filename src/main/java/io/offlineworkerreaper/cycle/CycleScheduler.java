package io.offlineworkerreaper.cycle;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.offlineworkerreaper.settings.Durations;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.spi.ScheduledPollConsumerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the cycles of the check-nodes route ({@code scheduler:reaper-cycle?scheduler=#cycleScheduler}): one
 * {@code check-interval} after the previous cycle ended, or at once when {@link #trigger} is called (watch
 * mode). All cycles run on this scheduler's one thread, and the route's consumer is synchronous, so two
 * cycles never overlap. Triggers that arrive while a cycle runs collapse into one more cycle right after it:
 * what changed during a cycle is never missed, and a burst of changes costs one cycle, not one each.
 */
public final class CycleScheduler implements ScheduledPollConsumerScheduler {

    private static final Logger LOG = LoggerFactory.getLogger(CycleScheduler.class);

    private final Duration initialDelay;
    private final Duration interval;
    private final AtomicBoolean requested = new AtomicBoolean();
    private CamelContext camelContext;
    private volatile Runnable cycle;
    private ScheduledExecutorService thread;
    private ScheduledFuture<?> next;
    private volatile boolean started;

    public CycleScheduler(Duration initialDelay, Duration interval) {
        this.initialDelay = initialDelay;
        this.interval = interval;
    }

    /**
     * Runs a cycle as soon as the current one, if any, has ended. Cheap and safe from any thread; does
     * nothing while the route is stopped (not the leader, or shutting down).
     */
    public void trigger(String reason) {
        ScheduledExecutorService executor = executorWhileStarted();
        if (executor == null) {
            return;
        }
        if (requested.compareAndSet(false, true)) {
            LOG.info("Cycle requested: {}", reason);
            try {
                executor.execute(this::runCycle);
            } catch (RejectedExecutionException stopping) {
                requested.set(false);
            }
        }
    }

    /** {@link #trigger} after {@code delay} (e.g. when a NotReady node reaches reaper.nodes.not-ready-for). */
    public void triggerAfter(Duration delay, String reason) {
        ScheduledExecutorService executor = executorWhileStarted();
        if (executor != null) {
            if (!delay.isZero() && !delay.isNegative()) {
                LOG.info("Cycle planned in {}: {}", Durations.humanize(delay), reason);
            }
            try {
                executor.schedule(() -> trigger(reason), Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                // stopping: the next start lists everything anyway
            }
        }
    }

    /** The cycle thread, or null while the route is stopped. */
    private synchronized ScheduledExecutorService executorWhileStarted() {
        return started ? thread : null;
    }

    private void runCycle() {
        requested.set(false);
        Runnable task = cycle;
        if (task == null || !started) {
            return;
        }
        synchronized (this) {
            if (next != null) {
                next.cancel(false);
            }
        }
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("Cycle failed outside the route's error handling", e);
        } finally {
            scheduleNext(interval);
        }
    }

    private synchronized void scheduleNext(Duration after) {
        if (started && thread != null && !thread.isShutdown()) {
            next = thread.schedule(this::runCycle, after.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void onInit(Consumer consumer) {
        // nothing: the consumer hands over its task in scheduleTask
    }

    @Override
    public void scheduleTask(Runnable task) {
        this.cycle = task;
    }

    @Override
    public void unscheduleTask() {
        this.cycle = null;
    }

    @Override
    public synchronized void startScheduler() {
        if (started) {
            return;
        }
        if (thread == null || thread.isShutdown()) {
            thread = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "reaper-cycle");
                t.setDaemon(true);
                return t;
            });
        }
        started = true;
        requested.set(false);
        scheduleNext(initialDelay);
    }

    @Override
    public boolean isSchedulerStarted() {
        return started;
    }

    @Override
    public void start() {
        // started by startScheduler, once the route's consumer is ready
    }

    @Override
    public synchronized void stop() {
        started = false;
        if (next != null) {
            next.cancel(false);
            next = null;
        }
        if (thread != null) {
            thread.shutdown();
        }
    }

    @Override
    public void shutdown() {
        stop();
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }
}
