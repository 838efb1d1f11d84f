package io.offlineworkerreaper.alluxio;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.offlineworkerreaper.alluxio.AlluxioKeys.bytes;

/**
 * Deletes a dead worker's registration in one etcd transaction per worker, guarded by what made it dead: the
 * /DHT/.../AUTHORIZED/<id> key goes only if /ServiceDiscovery/.../<id> is still absent at that instant (compare
 * version = 0), so a worker that came back between the cycle's read and the delete keeps its registration, and
 * its pod is not deleted. A worker removed while still heartbeating (reaper.alluxio.require-lease-expired=false)
 * loses both keys in one transaction. camel-etcd3 has no transactions, hence jetcd here; the calls are bounded
 * by reaper.etcd.timeout like the component's.
 */
public final class KeyDeleter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeyDeleter.class);

    /**
     * What the transactions did.
     *
     * @param deleted     the keys deleted
     * @param cameBack    the workers whose heartbeat key was back: nothing of theirs was deleted
     */
    public record Deletion(List<String> deleted, List<String> cameBack) {
        public boolean complete() {
            return cameBack.isEmpty();
        }
    }

    private final Supplier<Client> clients;
    private final String serviceDiscoveryPrefix;
    private final Duration timeout;
    private final Consumer<String> mayWrite;
    private Client client;

    public KeyDeleter(Supplier<Client> clients, String serviceDiscoveryPrefix, Duration timeout) {
        this(clients, serviceDiscoveryPrefix, timeout, action -> { });
    }

    /**
     * @param mayWrite called right before each transaction with what it is about to do; throws when this replica
     *                 may not write any more (leader election: it no longer holds the Lease)
     */
    public KeyDeleter(Supplier<Client> clients, String serviceDiscoveryPrefix, Duration timeout,
                        Consumer<String> mayWrite) {
        this.clients = clients;
        this.serviceDiscoveryPrefix = serviceDiscoveryPrefix;
        this.timeout = timeout;
        this.mayWrite = mayWrite;
    }

    private synchronized Client client() {
        if (client == null) {
            client = clients.get();
        }
        return client;
    }

    /**
     * Connects to etcd and asks it one cheap question (the number of keys under {@code prefix}), so that the
     * client and its channel are ready when the first deletion comes (the caller runs it on a thread of its own).
     * A failure is only logged at debug level: the cycles report etcd's state.
     */
    public void warmUp(String prefix) {
        try {
            client().getKVClient().get(bytes(prefix), io.etcd.jetcd.options.GetOption.builder().isPrefix(true)
                    .withCountOnly(true).build()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("etcd warm-up: {}", e.getMessage());
        }
    }

    /** Deletes the keys of each of {@code workers} (a removal's registrations), each in one guarded transaction. */
    public Deletion delete(List<WorkerMatching.Registration> workers) throws Exception {
        List<String> deleted = new ArrayList<>();
        List<String> cameBack = new ArrayList<>();
        for (WorkerMatching.Registration worker : workers) {
            String heartbeat = worker.live() ? worker.heartbeat().key() : serviceDiscoveryPrefix + worker.id();
            List<String> keys = new ArrayList<>();
            if (worker.live()) {
                keys.add(heartbeat);
            }
            if (worker.authorized() != null) {
                keys.add(worker.authorized().key());
            }
            List<Op> deletes = keys.stream().map(k -> (Op) Op.delete(bytes(k), DeleteOption.DEFAULT)).toList();
            mayWrite.accept("delete etcd keys " + keys + " of worker " + worker.id());
            var txn = client().getKVClient().txn();
            if (!worker.live()) {
                txn = txn.If(new Cmp(bytes(heartbeat), Cmp.Op.EQUAL, CmpTarget.version(0)));
            }
            TxnResponse answer = txn.Then(deletes.toArray(Op[]::new)).commit()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (answer.isSucceeded()) {
                LOG.warn("Deleted etcd keys {} of worker {}{}", keys, worker.id(),
                        worker.live() ? "" : " (guarded: " + heartbeat + " still absent)");
                deleted.addAll(keys);
            } else {
                LOG.warn("Worker {} came back ({} exists again): its keys {} are kept", worker.id(), heartbeat, keys);
                cameBack.add(worker.id());
            }
        }
        return new Deletion(deleted, cameBack);
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
        }
    }
}
