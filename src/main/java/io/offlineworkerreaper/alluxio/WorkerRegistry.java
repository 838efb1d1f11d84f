package io.offlineworkerreaper.alluxio;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Alluxio workers registered under one etcd prefix ({@code /DHT/<cluster>/AUTHORIZED/} or
 * {@code /ServiceDiscovery/<cluster>/}). Keys are matched on the whole prefix including its trailing slash,
 * so {@code default-alluxio2} never counts as {@code default-alluxio}.
 *
 * <p>Every JSON form Alluxio has written is read: with or without {@code Identity}, {@code State} and
 * {@code GenerationNumber}, {@code Host} as an IP or a host name, {@code ContainerHost} set (Alluxio 2.x chart)
 * or empty. A value that is not such JSON (the binary form of early Dora builds, garbage) is kept with its
 * problem: its key still proves the worker exists (a live heartbeat stays a heartbeat), but it is never
 * matched to a pod.
 *
 * @param prefix  the prefix that was read
 * @param entries one entry per key directly under the prefix
 */
public record WorkerRegistry(String prefix, List<WorkerEntry> entries) {

    private static final Logger LOG = LoggerFactory.getLogger(WorkerRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public WorkerRegistry {
        entries = List.copyOf(entries);
    }

    /** Reads the body of an etcd3 {@code get} with {@code isPrefix}. */
    public static WorkerRegistry fromEtcd(GetResponse response, String prefix) {
        return parse(keyValues(response), prefix);
    }

    /** The keys and values of an etcd3 {@code get}, as UTF-8 text. */
    static List<Map.Entry<String, String>> keyValues(GetResponse response) {
        List<Map.Entry<String, String>> kvs = new ArrayList<>();
        for (KeyValue kv : response.getKvs()) {
            kvs.add(Map.entry(kv.getKey().toString(StandardCharsets.UTF_8),
                    kv.getValue().toString(StandardCharsets.UTF_8)));
        }
        return kvs;
    }

    public static WorkerRegistry parse(List<Map.Entry<String, String>> keyValues, String prefix) {
        List<WorkerEntry> entries = new ArrayList<>();
        for (Map.Entry<String, String> kv : keyValues) {
            WorkerEntry entry = entryUnder(prefix, kv.getKey(), kv.getValue());
            if (entry != null) {
                entries.add(entry);
            }
        }
        return new WorkerRegistry(prefix, entries);
    }

    /**
     * The worker entry of one etcd key directly under {@code prefix} (an unreadable value is an entry that says
     * why, and is logged), or null for any other key (logged when it is deeper under the prefix).
     */
    public static WorkerEntry entryUnder(String prefix, String key, String value) {
        if (!key.startsWith(prefix)) {
            return null;
        }
        String id = key.substring(prefix.length());
        if (id.isEmpty() || id.contains("/")) {
            LOG.warn("Ignoring etcd key {}: not a worker entry directly under {}", key, prefix);
            return null;
        }
        WorkerEntry entry = entry(id, key, value);
        if (!entry.readable()) {
            LOG.warn("etcd value of {} cannot be read ({}): it is never matched to a pod", key, entry.problem());
        }
        return entry;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The entry of this worker id, if it is registered here. */
    public Optional<WorkerEntry> withId(String id) {
        return entries.stream().filter(e -> e.id().equals(id)).findFirst();
    }

    /** One value, in any of the JSON forms; never throws. */
    static WorkerEntry entry(String id, String key, String value) {
        JsonNode root;
        try {
            root = JSON.readTree(value);
        } catch (JsonProcessingException e) {
            return WorkerEntry.unreadable(id, key, "not JSON (binary early-Dora form, or garbage): "
                    + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            return WorkerEntry.unreadable(id, key, "not a JSON object");
        }
        JsonNode address = root.get("WorkerNetAddress");
        if (address == null || !address.isObject()) {
            return WorkerEntry.unreadable(id, key, "no WorkerNetAddress object");
        }
        String host = text(address.get("Host"));
        String containerHost = text(address.get("ContainerHost"));
        if (host == null && containerHost == null) {
            return WorkerEntry.unreadable(id, key, "WorkerNetAddress has neither a Host nor a ContainerHost");
        }
        JsonNode port = address.get("RpcPort");
        int rpcPort = port != null && port.canConvertToInt() && port.isIntegralNumber() ? port.intValue() : 0;
        return WorkerEntry.of(id, key, host, containerHost, Math.max(rpcPort, 0));
    }

    private static String text(JsonNode node) {
        return node != null && node.isTextual() && !node.asText().isBlank() ? node.asText().trim() : null;
    }
}
