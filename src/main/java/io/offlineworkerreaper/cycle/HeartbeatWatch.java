package io.offlineworkerreaper.cycle;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.offlineworkerreaper.settings.Durations;
import io.offlineworkerreaper.settings.SecretMasker;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watch mode, etcd side: watches /ServiceDiscovery/&lt;cluster&gt;/ and starts a cycle as soon as a worker's
 * heartbeat key is deleted (its lease expired or the worker stopped). A failed watch is logged and started
 * again after {@code retry}, with a cycle then, since a deletion may have been missed in between.
 */
public final class HeartbeatWatch extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatWatch.class);

    private final Supplier<Client> clients;
    private final String prefix;
    private final CycleScheduler cycles;
    private final Duration retry;
    private final SecretMasker masker;
    private ScheduledExecutorService retries;
    private Client client;
    private Watch.Watcher watcher;

    public HeartbeatWatch(Supplier<Client> clients, String prefix, CycleScheduler cycles, Duration retry,
                          SecretMasker masker) {
        this.clients = clients;
        this.prefix = prefix;
        this.cycles = cycles;
        this.retry = retry;
        this.masker = masker;
    }

    @Override
    protected synchronized void doStart() {
        retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "heartbeat-watch");
            t.setDaemon(true);
            return t;
        });
        client = clients.get();
        watch();
    }

    private synchronized void watch() {
        if (!isStarted() && !isStarting()) {
            return;
        }
        watcher = client.getWatchClient().watch(ByteSequence.from(prefix, StandardCharsets.UTF_8),
                WatchOption.builder().isPrefix(true).withNoPut(true).build(),
                Watch.listener(this::onResponse, this::onError, this::onCompleted));
        LOG.info("Heartbeat watch: watching deletions under {}", prefix);
    }

    private void onResponse(WatchResponse response) {
        for (WatchEvent event : response.getEvents()) {
            if (event.getEventType() == WatchEvent.EventType.DELETE) {
                cycles.trigger("heartbeat " + event.getKeyValue().getKey().toString(StandardCharsets.UTF_8)
                        + " is gone from etcd");
            }
        }
    }

    private void onError(Throwable error) {
        if (!isRunAllowed()) {
            return;
        }
        LOG.warn("Heartbeat watch on {} failed: {}; watching again in {} (cycles still run every check-interval)",
                prefix, masker.mask(String.valueOf(error.getMessage())), Durations.humanize(retry));
        again();
    }

    private void onCompleted() {
        if (!isRunAllowed()) {
            return;
        }
        LOG.info("Heartbeat watch on {} ended; watching again in {}", prefix, Durations.humanize(retry));
        again();
    }

    private synchronized void again() {
        if (retries == null || retries.isShutdown() || !(isStarted() || isStarting())) {
            return;
        }
        retries.schedule(() -> {
            watch();
            cycles.trigger("heartbeat watch restarted: a deletion may have been missed");
        }, retry.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected synchronized void doStop() {
        if (retries != null) {
            retries.shutdownNow();
        }
        if (watcher != null) {
            watcher.close();
        }
        if (client != null) {
            client.close();
        }
    }
}
