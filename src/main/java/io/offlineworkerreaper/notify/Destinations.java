package io.offlineworkerreaper.notify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Where notices go besides the log: Slack, Alertmanager, the generic webhook, each configured one through an
 * {@link Outbox} of its own (bean {@code destinations}, called by the notify route). One that is slow or down
 * holds up neither the others nor a remediation.
 */
public final class Destinations implements AutoCloseable {

    private final List<String> names = new ArrayList<>();
    private final List<Consumer<Notice>> offers = new ArrayList<>();
    private final List<Outbox<?>> outboxes = new ArrayList<>();
    private ScheduledExecutorService refresher;

    /** A destination that takes notices as they are (Slack, the webhook). */
    public Destinations add(Outbox<Notice> outbox) {
        names.add(outbox.destination());
        offers.add(outbox::offer);
        outboxes.add(outbox);
        return this;
    }

    /** Alertmanager: its firing alerts are re-posted while any fires, so that they stay firing. */
    public Destinations addAlertmanager(Outbox<AlertmanagerAlerts.Post> outbox, AlertmanagerAlerts alerts) {
        names.add(outbox.destination());
        offers.add(n -> outbox.offer(new AlertmanagerAlerts.Post(n)));
        outboxes.add(outbox);
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "alertmanager-refresh");
            t.setDaemon(true);
            return t;
        });
        long every = alerts.resendEvery().toMillis();
        refresher.scheduleAtFixedRate(() -> {
            if (alerts.anyFiring() && outbox.pending() == 0) {
                outbox.offer(AlertmanagerAlerts.Post.refresh());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Whether any destination is configured. */
    public boolean any() {
        return !names.isEmpty();
    }

    /** The configured destinations, for the log: "Slack, Alertmanager". */
    public String names() {
        return String.join(", ", names);
    }

    /** Queues the notice for every destination; never blocks. */
    public void offer(Notice notice) {
        offers.forEach(o -> o.accept(notice));
    }

    /** Waits until every destination's queue is idle, for at most {@code timeout} in all ({@code --once}). */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        boolean idle = true;
        for (Outbox<?> outbox : outboxes) {
            idle &= outbox.awaitIdle(Duration.ofNanos(Math.max(0, until - System.nanoTime())));
        }
        return idle;
    }

    @Override
    public void close() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
        outboxes.forEach(Outbox::close);
    }
}
