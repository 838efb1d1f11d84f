package io.offlineworkerreaper.notify;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;

import io.offlineworkerreaper.settings.Durations;
import io.offlineworkerreaper.settings.SecretMasker;
import io.offlineworkerreaper.text.Untrusted;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers messages to one destination (Slack, Alertmanager, a webhook) on its own thread, so that a slow or
 * failing destination never delays or undoes a remediation, nor holds up the other destinations. A failed post
 * is retried with exponential backoff (1 s doubling up to 1 min), waiting as long as the destination asks with
 * Retry-After (read as seconds or a date, clamped to [1 s, what is left]), for at most
 * {@code reaper.notify.retry-for}; after that the message is logged as undelivered. A message refused outright
 * (a 4xx other than 429) is logged with the destination's reason and counted; nothing that goes wrong with one
 * message stops the ones after it, and a delivery thread that ended anyway is started again by the next message.
 * Messages that come while the destination is down wait in a bounded queue ({@code reaper.notify.queue-size})
 * and are delivered, in order, when it is back; when the queue is full the oldest is dropped, logged, and counted
 * in the next message delivered (where the destination's form has room for a note).
 *
 * @param <T> what is posted: a {@link Notice}, or a batch of Alertmanager alerts
 */
public final class Outbox<T> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    private static final Duration MIN_WAIT = Duration.ofSeconds(1);

    /** Posts one message; throws when the destination did not take it. */
    @FunctionalInterface
    public interface Sender<T> {
        void send(T message) throws Exception;
    }

    private final String destination;
    private final Sender<T> sender;
    private final int capacity;
    private final Duration retryFor;
    private final SecretMasker masker;
    private final DeliveryMetrics.Delivery counters;
    private final Function<T, String> text;
    private final BiFunction<T, String, T> withNote;
    private final Deque<T> queue = new ArrayDeque<>();
    private Thread worker;
    private int dropped;
    private boolean delivering;
    private volatile boolean running = true;

    /**
     * @param destination its name in the log (Slack, Alertmanager, webhook), lower case in the metrics
     * @param text        the message as the log shows it (masked before it is printed)
     * @param withNote    the message with a note appended (the count of dropped messages)
     */
    public Outbox(String destination, Sender<T> sender, int capacity, Duration retryFor, SecretMasker masker,
                  DeliveryMetrics metrics, Function<T, String> text, BiFunction<T, String, T> withNote) {
        this.destination = destination;
        this.sender = sender;
        this.capacity = capacity;
        this.retryFor = retryFor;
        this.masker = masker;
        this.counters = metrics.delivery(destination.toLowerCase(java.util.Locale.ROOT));
        this.text = text;
        this.withNote = withNote;
    }

    /** An outbox of notices, the dropped count added as a note. */
    public static Outbox<Notice> ofNotices(String destination, Sender<Notice> sender, int capacity, Duration retryFor,
                                           SecretMasker masker, DeliveryMetrics metrics) {
        return new Outbox<>(destination, sender, capacity, retryFor, masker, metrics, Notice::text, Notice::withNote);
    }

    public String destination() {
        return destination;
    }

    /** Queues a message; never blocks. */
    public synchronized void offer(T message) {
        if (message == null || !running) {
            return;
        }
        if (queue.size() >= capacity) {
            T oldest = queue.pollFirst();
            dropped++;
            counters.dropped().increment();
            LOG.error("{} queue full ({} messages): dropped the oldest, undelivered: {}", destination, capacity,
                    masker.mask(text.apply(oldest)));
        }
        queue.addLast(message);
        // on the first message (a destination never used has no thread), and again should the thread ever have
        // ended: a destination is never silenced until a restart
        if (worker == null || !worker.isAlive()) {
            if (worker != null) {
                LOG.error("{} delivery thread had ended: started again", destination);
                delivering = false;
            }
            worker = new Thread(this::deliverForever, destination + "-outbox");
            worker.setDaemon(true);
            worker.start();
        }
        notifyAll();
    }

    /** Messages waiting for the destination. */
    public synchronized int pending() {
        return queue.size();
    }

    /**
     * Waits until every queued message was delivered or given up, for at most {@code timeout} ({@code --once}
     * uses it before exiting). Returns whether the queue is idle.
     */
    public synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while ((delivering || !queue.isEmpty()) && System.nanoTime() < until) {
            TimeUnit.NANOSECONDS.timedWait(this, Math.max(1, until - System.nanoTime()));
        }
        return !delivering && queue.isEmpty();
    }

    private synchronized void done() {
        delivering = false;
        notifyAll();
    }

    private synchronized T next() throws InterruptedException {
        while (queue.isEmpty()) {
            wait();
        }
        delivering = true;
        T message = queue.pollFirst();
        if (dropped > 0) {
            message = withNote.apply(message, dropped + " older notice(s) were dropped while " + destination
                    + " was unreachable: see the reaper's log");
            dropped = 0;
        }
        return message;
    }

    private void deliverForever() {
        try {
            while (running) {
                try {
                    deliver(next());
                } catch (RuntimeException | LinkageError | StackOverflowError e) {
                    // a bug or a reply nothing expected: this message is lost, the ones after it are not
                    counters.undelivered().increment();
                    // the type only: the failure's own message or trace may be what failed
                    LOG.error("{} notice undelivered: its delivery failed unexpectedly ({})", destination,
                            e.getClass().getName());
                } finally {
                    done();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliver(T message) throws InterruptedException {
        long giveUpAt = System.nanoTime() + retryFor.toNanos();
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            try {
                sender.send(message);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                DeliveryFailure failure = DeliveryFailure.of(e);
                Duration left = Duration.ofNanos(giveUpAt - System.nanoTime());
                Duration wait = clamp(failure.retryAfter().orElse(backoff), left);
                String error = masker.mask(Untrusted.line(String.valueOf(e.getMessage())));
                if (!failure.retry() || left.compareTo(MIN_WAIT) < 0) {
                    LOG.error("{} notice undelivered after {} attempt(s) ({}): {}", destination, attempt,
                            failure.retry() ? "retried for " + Durations.humanize(retryFor)
                                    : destination + " refused it: " + error,
                            masker.mask(text.apply(message)));
                    counters.undelivered().increment();
                    return;
                }
                LOG.warn("{} post failed (attempt {}{}), retrying in {}: {}", destination, attempt,
                        failure.status() > 0 ? ", HTTP " + failure.status() : "", Durations.humanize(wait), error);
                TimeUnit.NANOSECONDS.sleep(wait.toNanos());
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                continue;
            }
            // outside the try: a failure to log a delivered message must not post it again
            counters.delivered().increment();
            LOG.info("Notice posted to {}{}: {}", destination, attempt > 1 ? " (attempt " + attempt + ")" : "",
                    masker.mask(firstLine(text.apply(message))));
            return;
        }
    }

    /**
     * The wait before the next attempt: what the destination asked (Retry-After) or the backoff, at least
     * {@link #MIN_WAIT} (a Retry-After of 0 must not spin) and at most what is left of the retry time (a huge one
     * must not silence the destination).
     */
    static Duration clamp(Duration wanted, Duration left) {
        Duration wait = wanted.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : wanted;
        return wait.compareTo(left) > 0 ? left : wait;
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    @Override
    public void close() {
        running = false;
        synchronized (this) {
            if (worker != null) {
                worker.interrupt();
            }
        }
        synchronized (this) {
            queue.forEach(m -> LOG.warn("{} notice undelivered at shutdown: {}", destination, masker.mask(text.apply(m))));
            queue.clear();
        }
    }
}
