package io.offlineworkerreaper.cycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces an informer that has not been watching for too long. fabric8's informer retries a failed watch by
 * itself (its back-off reaches 32 s), but a reconnect that fails inside Vert.x ("WebSocket is closed", seen under
 * load) can leave it neither watching nor retrying; the cycles then list for themselves, every check-interval, and
 * a node turning NotReady waits for the next one. Looked at every {@link #EVERY} on a thread of its own; after
 * {@link #LIMIT} without a watch the owner starts a new informer.
 */
final class StuckWatch {

    static final Duration LIMIT = Duration.ofSeconds(45);
    static final Duration EVERY = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(StuckWatch.class);

    private final String what;
    private final Clock clock;
    private final Duration limit;
    private final Duration every;
    private Instant notWatchingSince;
    private ScheduledExecutorService looking;

    /** {@code what}: the watch, as the log names it. */
    StuckWatch(String what, Clock clock, Duration limit) {
        this(what, clock, limit, EVERY);
    }

    /** {@code every}: how often it looks. */
    StuckWatch(String what, Clock clock, Duration limit, Duration every) {
        this.what = what;
        this.clock = clock;
        this.limit = limit;
        this.every = every;
    }

    /** Looks every so often until {@link #stop}; once started, later calls do nothing. */
    synchronized void start(BooleanSupplier watching, Runnable restart) {
        if (looking != null) {
            return;
        }
        looking = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, what.toLowerCase(java.util.Locale.ROOT).replace(' ', '-') + "-check");
            thread.setDaemon(true);
            return thread;
        });
        looking.scheduleWithFixedDelay(() -> {
            try {
                look(watching.getAsBoolean(), restart);
            } catch (RuntimeException e) {
                LOG.warn("{}: cannot start a new informer: {}", what, e.getMessage());
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    synchronized void stop() {
        if (looking != null) {
            looking.shutdownNow();
            looking = null;
        }
    }

    /** One look at the informer's state; {@code restart} when it has not watched for the limit. */
    void look(boolean watching, Runnable restart) {
        if (stuck(watching)) {
            LOG.warn("{}: not watching for {} s: starting a new informer (cycles list meanwhile)", what,
                    limit.toSeconds());
            restart.run();
        }
    }

    /** True (once per {@code limit}) when the informer should be started again. */
    synchronized boolean stuck(boolean watching) {
        if (watching) {
            notWatchingSince = null;
            return false;
        }
        Instant now = clock.instant();
        if (notWatchingSince == null) {
            notWatchingSince = now;
            return false;
        }
        if (Duration.between(notWatchingSince, now).compareTo(limit) >= 0) {
            notWatchingSince = now; // the new informer gets the same time to list
            return true;
        }
        return false;
    }
}
