package io.offlineworkerreaper.cycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Tells when an informer has not been watching for too long. fabric8's informer retries a failed watch by itself,
 * but a reconnect that fails inside Vert.x ("WebSocket is closed", seen under load) can leave it neither watching
 * nor retrying; the cycles then list for themselves, every check-interval, and a node turning NotReady waits for
 * the next one. After {@link #LIMIT} without a watch the owner starts a new informer.
 */
final class StuckWatch {

    static final Duration LIMIT = Duration.ofMinutes(2);

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StuckWatch.class);

    private final String what;
    private final Clock clock;
    private final Duration limit;
    private Instant notWatchingSince;

    /** {@code what}: the watch, as the log names it. */
    StuckWatch(String what, Clock clock, Duration limit) {
        this.what = what;
        this.clock = clock;
        this.limit = limit;
    }

    /**
     * The informer's state at a look ({@code watching}); when it has not watched for the limit while its service
     * runs, {@code restart} starts a new one. Returns {@code watching}.
     */
    boolean watchingOrRestart(boolean watching, boolean running, Runnable restart) {
        if (stuck(watching) && running) {
            LOG.warn("{}: not watching for {}: starting a new informer (cycles list meanwhile)", what, limit);
            restart.run();
        }
        return watching;
    }

    /** Called with the informer's state at each look: true (once per {@code limit}) when it should be started again. */
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
