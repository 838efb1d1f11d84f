package io.offlineworkerreaper.demo;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import io.offlineworkerreaper.alluxio.AlluxioKeys;

import static io.offlineworkerreaper.alluxio.AlluxioKeys.bytes;

/**
 * Registers Alluxio workers in etcd the way Alluxio 3.x does (EtcdMembershipManager): a permanent
 * {@code /DHT/<cluster>/AUTHORIZED/<id>} key and a {@code /ServiceDiscovery/<cluster>/<id>} key bound to a
 * lease that the worker keeps alive. Used by the demo to play the workers, and by the tests.
 */
public final class AlluxioRegistry implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Client client;
    private final Map<String, CloseableClient> heartbeats = new ConcurrentHashMap<>();

    public AlluxioRegistry(String endpoint) {
        this(Client.builder().endpoints(endpoint).build());
    }

    /** Over a client built elsewhere, e.g. with credentials or TLS. The registry closes it. */
    public AlluxioRegistry(Client client) {
        this.client = client;
    }

    /** The JSON value Alluxio writes under both keys of a worker. */
    public static String workerValue(String workerId, String host) {
        return workerValue(workerId, host, "");
    }

    /** The same with a ContainerHost, as in the Alluxio 2.x chart form (Host: the node IP, ContainerHost: the pod IP). */
    public static String workerValue(String workerId, String host, String containerHost) {
        ObjectNode value = JSON.createObjectNode();
        value.putObject("Identity").put("version", 1)
                .put("identifier", workerId.replace("worker-", "").replace("-", ""));
        ObjectNode address = value.putObject("WorkerNetAddress");
        address.put("Host", host).put("ContainerHost", containerHost).put("RpcPort", 29999).put("DataPort", 29997)
                .put("SecureRpcPort", 0).put("NettyDataPort", 29997).put("WebPort", 30000)
                .put("DomainSocketPath", "").put("HttpServerPort", 28080);
        value.put("State", "AUTHORIZED").put("GenerationNumber", -1).put("ServiceEntityName", workerId);
        return value.toString();
    }

    /** A worker that joined (its /DHT key) and heartbeats (its /ServiceDiscovery key, on a kept-alive lease). */
    public void registerLiveWorker(String cluster, String workerId, String host, long leaseTtlSeconds) {
        authorize(cluster, workerId, host);
        heartbeat(cluster, workerId, host, leaseTtlSeconds);
    }

    /** The permanent /DHT/<cluster>/AUTHORIZED/<id> key. */
    public void authorize(String cluster, String workerId, String host) {
        put(AlluxioKeys.authorizedKey(cluster, workerId), workerValue(workerId, host));
    }

    /** The lease-bound /ServiceDiscovery/<cluster>/<id> key, kept alive until {@link #stopHeartbeat}. */
    public void heartbeat(String cluster, String workerId, String host, long leaseTtlSeconds) {
        heartbeatWithValue(cluster, workerId, workerValue(workerId, host), leaseTtlSeconds);
    }

    /** A worker that joined and heartbeats with this value under both keys, in whatever form it was written. */
    public void registerLiveWorkerWithValue(String cluster, String workerId, String value, long leaseTtlSeconds) {
        put(AlluxioKeys.authorizedKey(cluster, workerId), value);
        heartbeatWithValue(cluster, workerId, value, leaseTtlSeconds);
    }

    /** The heartbeat key with this value, in whatever form it was written, kept alive until {@link #stopHeartbeat}. */
    public void heartbeatWithValue(String cluster, String workerId, String value, long leaseTtlSeconds) {
        long lease = await(client.getLeaseClient().grant(leaseTtlSeconds)).getID();
        await(client.getKVClient().put(bytes(AlluxioKeys.heartbeatKey(cluster, workerId)),
                bytes(value), PutOption.builder().withLeaseId(lease).build()));
        heartbeats.put(workerId, client.getLeaseClient().keepAlive(lease, new StreamObserver<>() {
            @Override
            public void onNext(LeaseKeepAliveResponse value) {
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        }));
    }

    /** The worker stops renewing its lease, as when its node dies: the key goes when the lease expires. */
    public void stopHeartbeat(String workerId) {
        CloseableClient keepAlive = heartbeats.remove(workerId);
        if (keepAlive != null) {
            keepAlive.close();
        }
    }

    public void put(String key, String value) {
        await(client.getKVClient().put(bytes(key), bytes(value)));
    }

    public boolean exists(String key) {
        return await(client.getKVClient().get(bytes(key), GetOption.builder().withCountOnly(true).build()))
                .getCount() > 0;
    }

    /** Deletes every key under a prefix. */
    public void deletePrefix(String prefix) {
        await(client.getKVClient().delete(bytes(prefix),
                io.etcd.jetcd.options.DeleteOption.builder().isPrefix(true).build()));
    }

    /** Every key (with its value) under a prefix. */
    public Map<String, String> read(String prefix) {
        Map<String, String> found = new java.util.TreeMap<>();
        await(client.getKVClient().get(bytes(prefix), GetOption.builder().isPrefix(true).build())).getKvs()
                .forEach(kv -> found.put(kv.getKey().toString(StandardCharsets.UTF_8),
                        kv.getValue().toString(StandardCharsets.UTF_8)));
        return found;
    }

    @Override
    public void close() {
        heartbeats.values().forEach(CloseableClient::close);
        heartbeats.clear();
        client.close();
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> call) {
        try {
            return call.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while calling etcd", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("etcd call failed: " + e, e);
        }
    }
}
