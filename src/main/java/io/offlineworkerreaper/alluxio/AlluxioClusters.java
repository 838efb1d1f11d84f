package io.offlineworkerreaper.alluxio;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.etcd.jetcd.kv.GetResponse;

/**
 * Every Alluxio cluster that has workers registered in this etcd, read from all of {@code /DHT/} and
 * {@code /ServiceDiscovery/}: for telling an operator which {@code reaper.alluxio.cluster-name} to set when the
 * configured one has no registration.
 */
public final class AlluxioClusters {

    /** One cluster's registrations, under both prefixes. */
    public record Cluster(String name, WorkerRegistry authorized, WorkerRegistry heartbeats) {
    }

    private AlluxioClusters() {
    }

    /** From a prefix read of {@code /DHT/} and one of {@code /ServiceDiscovery/}. */
    public static List<Cluster> fromEtcd(GetResponse dht, GetResponse serviceDiscovery) {
        return of(WorkerRegistry.keyValues(dht), WorkerRegistry.keyValues(serviceDiscovery));
    }

    public static List<Cluster> of(List<Map.Entry<String, String>> dht, List<Map.Entry<String, String>> sd) {
        Map<String, List<Map.Entry<String, String>>[]> byName = new TreeMap<>();
        collect(dht, "/DHT/", "/AUTHORIZED/", 0, byName);
        collect(sd, "/ServiceDiscovery/", "/", 1, byName);
        List<Cluster> clusters = new ArrayList<>();
        byName.forEach((name, kvs) -> clusters.add(new Cluster(name,
                WorkerRegistry.parse(kvs[0], AlluxioKeys.authorizedPrefix(name)),
                WorkerRegistry.parse(kvs[1], AlluxioKeys.heartbeatPrefix(name)))));
        return clusters;
    }

    @SuppressWarnings("unchecked")
    private static void collect(List<Map.Entry<String, String>> kvs, String root, String after, int slot,
                                Map<String, List<Map.Entry<String, String>>[]> byName) {
        for (Map.Entry<String, String> kv : kvs) {
            String key = kv.getKey();
            if (!key.startsWith(root)) {
                continue;
            }
            int end = key.indexOf(after, root.length());
            if (end <= root.length()) {
                continue;
            }
            String name = key.substring(root.length(), end);
            byName.computeIfAbsent(name, n -> new List[] {new ArrayList<>(), new ArrayList<>()})[slot].add(kv);
        }
    }
}
