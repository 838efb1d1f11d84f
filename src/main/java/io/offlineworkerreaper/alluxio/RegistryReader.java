package io.offlineworkerreaper.alluxio;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.offlineworkerreaper.text.Errors;

/**
 * Reads from etcd outside the cycle's own reads (which go through the call-etcd route): {@code --check}'s, and the
 * listing of every cluster a finding needs. One client, made on the first read, each read bounded by the timeout.
 */
public final class RegistryReader implements AutoCloseable {

    private final Supplier<Client> clients;
    private final Duration timeout;
    private Client client;

    public RegistryReader(Supplier<Client> clients, Duration timeout) {
        this.clients = clients;
        this.timeout = timeout;
    }

    /** The registrations under {@code prefix}. */
    public WorkerRegistry read(String prefix) {
        return WorkerRegistry.fromEtcd(get(prefix), prefix);
    }

    /** Every Alluxio cluster with workers in this etcd, whatever its name. */
    public List<AlluxioClusters.Cluster> clusters() {
        return AlluxioClusters.fromEtcd(get(AlluxioKeys.DHT_ROOT), get(AlluxioKeys.SERVICE_DISCOVERY_ROOT));
    }

    private GetResponse get(String prefix) {
        try {
            return client().getKVClient().get(AlluxioKeys.bytes(prefix), GetOption.builder().isPrefix(true).build())
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException(Errors.rootMessage(e), e);
        }
    }

    private synchronized Client client() {
        if (client == null) {
            client = clients.get();
        }
        return client;
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
