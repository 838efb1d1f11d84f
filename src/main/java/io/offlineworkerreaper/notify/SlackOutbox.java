package io.offlineworkerreaper.notify;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

import io.offlineworkerreaper.observe.ReaperMetrics;
import io.offlineworkerreaper.settings.Durations;
import io.offlineworkerreaper.settings.SecretMasker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notices to Slack on its own thread, so that Slack never delays or undoes a remediation. A failed
 * post is retried with exponential backoff (1 s doubling up to 1 min), waiting as long as Slack asks on 429
 * Retry-After, for at most {@code reaper.slack.retry-for}; after that the notice is logged as undelivered.
 * Notices that come while Slack is down wait in a bounded queue ({@code reaper.slack.queue-size}) and are
 * delivered, in order, when it is back; when the queue is full the oldest is dropped, logged, and counted in
 * the next notice delivered.
 */
public final class SlackOutbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SlackOutbox.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    /** Posts one notice; throws when Slack did not take it. */
    @FunctionalInterface
    public interface Sender {
        void send(Notice notice) throws Exception;
    }

    private final Sender sender;
    private final int capacity;
    private final Duration retryFor;
    private final SecretMasker masker;
    private final ReaperMetrics metrics;
    private final Deque<Notice> queue = new ArrayDeque<>();
    private final Thread worker;
    private int dropped;
    private boolean delivering;
    private volatile boolean running = true;

    public SlackOutbox(Sender sender, int capacity, Duration retryFor, SecretMasker masker, ReaperMetrics metrics) {
        this.sender = sender;
        this.metrics = metrics;
        this.capacity = capacity;
        this.retryFor = retryFor;
        this.masker = masker;
        this.worker = new Thread(this::deliverForever, "slack-outbox");
        this.worker.setDaemon(true);
    }

    /** Queues a notice for Slack; never blocks. */
    public synchronized void offer(Notice notice) {
        if (notice == null || !running) {
            return;
        }
        if (queue.size() >= capacity) {
            Notice oldest = queue.pollFirst();
            dropped++;
            metrics.slackDropped();
            LOG.error("Slack queue full ({} notices): dropped the oldest, undelivered: {}", capacity,
                    masker.mask(oldest.text()));
        }
        queue.addLast(notice);
        if (worker.getState() == Thread.State.NEW) {
            worker.start(); // on the first notice: with Slack off there is none, and no thread
        }
        notifyAll();
    }

    /** Notices waiting for Slack. */
    public synchronized int pending() {
        return queue.size();
    }

    /**
     * Waits until every queued notice was delivered or given up, for at most {@code timeout} ({@code --once}
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

    private synchronized Notice next() throws InterruptedException {
        while (queue.isEmpty()) {
            wait();
        }
        delivering = true;
        Notice notice = queue.pollFirst();
        if (dropped > 0) {
            notice = new Notice(notice.kind(), notice.title(), notice.sections(), append(notice,
                    dropped + " older notice(s) were dropped while Slack was unreachable: see the reaper's log"));
            dropped = 0;
        }
        return notice;
    }

    private static java.util.List<String> append(Notice notice, String note) {
        java.util.List<String> notes = new java.util.ArrayList<>(notice.notes());
        notes.add(note);
        return notes;
    }

    private void deliverForever() {
        try {
            while (running) {
                try {
                    deliver(next());
                } finally {
                    done();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliver(Notice notice) throws InterruptedException {
        long giveUpAt = System.nanoTime() + retryFor.toNanos();
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            try {
                sender.send(notice);
                LOG.info("Notice posted to Slack{}: {}", attempt > 1 ? " (attempt " + attempt + ")" : "",
                        notice.title());
                metrics.slackDelivered();
                return;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                SlackFailure failure = SlackFailure.of(e);
                Duration wait = failure.retryAfter().orElse(backoff);
                String error = masker.mask(String.valueOf(e.getMessage()));
                if (!failure.retry() || System.nanoTime() + wait.toNanos() > giveUpAt) {
                    LOG.error("Slack notice undelivered after {} attempt(s) ({}): {}", attempt,
                            failure.retry() ? "retried for " + Durations.humanize(retryFor) : "Slack refused it: " + error,
                            masker.mask(notice.text()));
                    metrics.slackUndelivered();
                    return;
                }
                LOG.warn("Slack post failed (attempt {}{}), retrying in {}: {}", attempt,
                        failure.status() > 0 ? ", HTTP " + failure.status() : "", Durations.humanize(wait), error);
                TimeUnit.NANOSECONDS.sleep(wait.toNanos());
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        worker.interrupt();
        synchronized (this) {
            queue.forEach(n -> LOG.warn("Slack notice undelivered at shutdown: {}", masker.mask(n.text())));
            queue.clear();
        }
    }
}
