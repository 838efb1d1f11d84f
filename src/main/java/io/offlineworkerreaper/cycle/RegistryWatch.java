package io.offlineworkerreaper.cycle;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.offlineworkerreaper.alluxio.WorkerEntry;
import io.offlineworkerreaper.alluxio.WorkerRegistry;
import io.offlineworkerreaper.settings.Durations;
import io.offlineworkerreaper.settings.SecretMasker;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.offlineworkerreaper.alluxio.AlluxioKeys.bytes;

/**
 * Watch mode, etcd side: the Alluxio registry kept in memory, so that a cycle started by a watch reads nothing
 * from etcd, and a cycle started as soon as a worker's heartbeat key is deleted (its lease expired). Both
 * prefixes, /DHT/&lt;cluster&gt;/AUTHORIZED/ and /ServiceDiscovery/&lt;cluster&gt;/, are read at one revision, then
 * watched from the next one. A watch that fails is watched again from the revision after the last event it
 * delivered (nothing is missed, nothing applied twice), with a cycle then; a watch whose revision was compacted
 * away is answered by reading both prefixes again. While either prefix is not being watched, {@link #authorized()}
 * and {@link #heartbeats()} are null and cycles read etcd. What a cycle decides from this cache is confirmed
 * before anything is deleted: the keys go in a transaction guarded by the heartbeat's absence.
 */
public final class RegistryWatch extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryWatch.class);

    /** One prefix: its entries by key, in etcd's order, and the revision of the last change applied. */
    private final class Prefix {
        final String prefix;
        final boolean heartbeats;
        final Map<String, WorkerEntry> entries = new ConcurrentSkipListMap<>();
        volatile long revision;
        volatile boolean watching;
        Watch.Watcher watcher;
        /** Which watch is current: what an older one (closed by us) still reports is ignored. */
        int generation;
        /** The entries as a registry, made once per change (cycles take it as it is: 5,000 workers). */
        private WorkerRegistry snapshot;

        Prefix(String prefix, boolean heartbeats) {
            this.prefix = prefix;
            this.heartbeats = heartbeats;
        }

        synchronized void load(GetResponse response) {
            snapshot = null;
            entries.clear();
            for (KeyValue kv : response.getKvs()) {
                put(kv);
            }
            revision = response.getHeader().getRevision();
        }

        synchronized void put(KeyValue kv) {
            snapshot = null;
            String key = kv.getKey().toString(StandardCharsets.UTF_8);
            WorkerEntry entry = WorkerRegistry.entryUnder(prefix, key, kv.getValue().toString(StandardCharsets.UTF_8));
            if (entry != null) {
                entries.put(key, entry);
            }
        }

        void watch() {
            int current = ++generation;
            watcher = client.getWatchClient().watch(bytes(prefix),
                    WatchOption.builder().isPrefix(true).withRevision(revision + 1).build(),
                    Watch.listener(r -> onResponse(current, r), e -> onError(current, e), () -> onError(current, null)));
            watching = true;
        }

        private void onResponse(int from, WatchResponse response) {
            if (from != generation) {
                return;
            }
            for (WatchEvent event : response.getEvents()) {
                KeyValue kv = event.getKeyValue();
                String key = kv.getKey().toString(StandardCharsets.UTF_8);
                if (event.getEventType() == WatchEvent.EventType.PUT) {
                    put(kv);
                } else if (event.getEventType() == WatchEvent.EventType.DELETE) {
                    remove(key);
                    if (heartbeats) {
                        cycles.trigger("heartbeat " + key + " is gone from etcd");
                    }
                }
                revision = Math.max(revision, kv.getModRevision());
            }
        }

        private synchronized void remove(String key) {
            snapshot = null;
            entries.remove(key);
        }

        synchronized WorkerRegistry snapshot() {
            if (snapshot == null) {
                snapshot = new WorkerRegistry(prefix, List.copyOf(entries.values()));
            }
            return snapshot;
        }

        private void onError(int from, Throwable error) {
            if (from != generation || !watching) {
                return; // an older watch, or this one's failure already handled
            }
            watching = false;
            if (!isRunAllowed()) {
                return;
            }
            boolean compacted = causedBy(error, CompactedException.class);
            LOG.warn("Registry watch on {} {}; {} in {} (cycles read etcd meanwhile)", prefix,
                    error == null ? "ended" : "failed: " + masker.mask(String.valueOf(error.getMessage())),
                    compacted ? "reading both prefixes again" : "watching again from revision " + (revision + 1),
                    Durations.humanize(retry));
            if (!compacted) {
                schedule(this::rewatch);
            } else if (reloading.compareAndSet(false, true)) {
                schedule(RegistryWatch.this::load); // once for both prefixes
            }
        }

        private void rewatch() {
            synchronized (RegistryWatch.this) {
                close(); // first: what the old watch says as it closes is then ignored
                watch();
            }
            cycles.trigger("registry watch restarted: a deletion may have been missed");
        }

        void close() {
            generation++;
            watching = false;
            if (watcher != null) {
                watcher.close();
                watcher = null;
            }
        }
    }

    private final Supplier<Client> clients;
    private final CycleScheduler cycles;
    private final Duration retry;
    private final SecretMasker masker;
    private final Prefix authorized;
    private final Prefix heartbeats;
    private ScheduledExecutorService executor;
    private Client client;
    private final java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean reloading = new java.util.concurrent.atomic.AtomicBoolean();

    public RegistryWatch(Supplier<Client> clients, String authorizedPrefix, String heartbeatPrefix,
                         CycleScheduler cycles, Duration retry, SecretMasker masker) {
        this.clients = clients;
        this.cycles = cycles;
        this.retry = retry;
        this.masker = masker;
        this.authorized = new Prefix(authorizedPrefix, false);
        this.heartbeats = new Prefix(heartbeatPrefix, true);
    }

    @Override
    protected synchronized void doStart() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "registry-watch");
            t.setDaemon(true);
            return t;
        });
        client = clients.get();
        executor.execute(this::load);
    }

    /** Reads both prefixes at one revision, then watches both from the next. */
    private void load() {
        reloading.set(false);
        synchronized (this) {
            if (!isRunAllowed()) {
                return;
            }
            authorized.close();
            heartbeats.close();
        }
        try {
            GetResponse dht = client.getKVClient().get(bytes(authorized.prefix),
                    GetOption.builder().isPrefix(true).build()).get(retry.toMillis() * 10, TimeUnit.MILLISECONDS);
            GetResponse sd = client.getKVClient().get(bytes(heartbeats.prefix), GetOption.builder().isPrefix(true)
                    .withRevision(dht.getHeader().getRevision()).build()).get(retry.toMillis() * 10, TimeUnit.MILLISECONDS);
            reads.incrementAndGet();
            synchronized (this) {
                authorized.load(dht);
                heartbeats.load(sd);
                authorized.watch();
                heartbeats.watch();
            }
            LOG.info("Heartbeat watch: watching deletions under {}; registry watch: {} registrations, {} heartbeats"
                    + " at revision {}", heartbeats.prefix, authorized.entries.size(), heartbeats.entries.size(),
                    authorized.revision);
            cycles.trigger("registry read again: a deletion may have been missed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (!isRunAllowed()) {
                return;
            }
            LOG.warn("Registry watch cannot read {} and {}: {}; trying again in {} (cycles read etcd meanwhile)",
                    authorized.prefix, heartbeats.prefix, masker.mask(String.valueOf(e.getMessage())),
                    Durations.humanize(retry));
            schedule(this::load);
        }
    }

    private synchronized void schedule(Runnable task) {
        if (executor != null && !executor.isShutdown()) {
            executor.schedule(task, retry.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** How many times both prefixes were read whole: once at start, then once per compacted revision. */
    int reads() {
        return reads.get();
    }

    /**
     * Both watches fail as a halted stream makes them fail (jetcd resumes transient breaks by itself and reports
     * the others): the path a real failure takes, for the tests.
     */
    void failWatches(Throwable why) {
        for (Prefix prefix : List.of(authorized, heartbeats)) {
            int current = prefix.generation;
            prefix.watcher.close(); // a halted stream delivers nothing more
            prefix.onError(current, why);
        }
    }

    /** True while both prefixes are read and watched. */
    public boolean isWatching() {
        return authorized.watching && heartbeats.watching;
    }

    /** The registrations under /DHT/&lt;cluster&gt;/AUTHORIZED/ while watched; null otherwise (the cycle reads etcd). */
    public WorkerRegistry authorized() {
        return isWatching() ? authorized.snapshot() : null;
    }

    /** The heartbeats under /ServiceDiscovery/&lt;cluster&gt;/ while watched; null otherwise. */
    public WorkerRegistry heartbeats() {
        return isWatching() ? heartbeats.snapshot() : null;
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected synchronized void doStop() {
        if (executor != null) {
            executor.shutdownNow();
        }
        authorized.close();
        heartbeats.close();
        if (client != null) {
            client.close();
        }
    }
}
