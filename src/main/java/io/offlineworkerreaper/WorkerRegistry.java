package io.offlineworkerreaper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Alluxio workers registered under one etcd prefix ({@code /DHT/<cluster>/AUTHORIZED/} or
 * {@code /ServiceDiscovery/<cluster>/}). Keys are matched on the whole prefix including its trailing slash,
 * so {@code default-alluxio2} never counts as {@code default-alluxio}. A value that is not JSON or lacks
 * {@code WorkerNetAddress.Host} is kept with a null host: its key still proves the worker exists (a live
 * heartbeat stays a heartbeat) but it is never matched to a pod by address.
 *
 * @param prefix  the prefix that was read
 * @param entries one entry per key directly under the prefix
 */
public record WorkerRegistry(String prefix, List<WorkerEntry> entries) {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    public WorkerRegistry {
        entries = List.copyOf(entries);
    }

    /** Reads the body of an etcd3 {@code get} with {@code isPrefix}. */
    public static WorkerRegistry fromEtcd(GetResponse response, String prefix) {
        List<Map.Entry<String, String>> kvs = new ArrayList<>();
        for (KeyValue kv : response.getKvs()) {
            kvs.add(Map.entry(kv.getKey().toString(StandardCharsets.UTF_8),
                    kv.getValue().toString(StandardCharsets.UTF_8)));
        }
        return parse(kvs, prefix);
    }

    public static WorkerRegistry parse(List<Map.Entry<String, String>> keyValues, String prefix) {
        List<WorkerEntry> entries = new ArrayList<>();
        for (Map.Entry<String, String> kv : keyValues) {
            String key = kv.getKey();
            if (!key.startsWith(prefix)) {
                continue;
            }
            String id = key.substring(prefix.length());
            if (id.isEmpty() || id.contains("/")) {
                LOG.warn("Ignoring etcd key {}: not a worker entry directly under {}", key, prefix);
                continue;
            }
            entries.add(new WorkerEntry(id, key, hostOf(key, kv.getValue()).orElse(null)));
        }
        return new WorkerRegistry(prefix, entries);
    }

    /** The entries whose WorkerNetAddress.Host is exactly this address. */
    public List<WorkerEntry> withHost(String ip) {
        return entries.stream().filter(e -> ip.equals(e.host())).toList();
    }

    /** The entry of this worker id, if it is registered here. */
    public Optional<WorkerEntry> withId(String id) {
        return entries.stream().filter(e -> e.id().equals(id)).findFirst();
    }

    private static Optional<String> hostOf(String key, String value) {
        JsonNode root;
        try {
            root = JSON.readTree(value);
        } catch (JsonProcessingException e) {
            LOG.warn("etcd value of {} is not JSON ({}): it will never be matched to a pod", key,
                    e.getOriginalMessage());
            return Optional.empty();
        }
        JsonNode host = root == null ? null : root.path("WorkerNetAddress").get("Host");
        if (host == null || !host.isTextual() || host.asText().isBlank()) {
            LOG.warn("etcd value of {} has no WorkerNetAddress.Host: it will never be matched to a pod", key);
            return Optional.empty();
        }
        return Optional.of(host.asText());
    }
}
