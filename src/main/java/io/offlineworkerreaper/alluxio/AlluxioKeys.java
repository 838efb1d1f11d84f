package io.offlineworkerreaper.alluxio;

import java.nio.charset.StandardCharsets;

import io.etcd.jetcd.ByteSequence;

/**
 * Where Alluxio 3.x keeps its workers in etcd (EtcdMembershipManager). The prefixes end with a slash: Alluxio
 * itself queries without one, so that {@code default-alluxio2} would match {@code default-alluxio}.
 */
public final class AlluxioKeys {

    private AlluxioKeys() {
    }

    /** {@code /DHT/<cluster>/AUTHORIZED/}: permanent, written once when a worker joins. */
    /** Every cluster's registrations, under /DHT/&lt;cluster&gt;/AUTHORIZED/. */
    public static final String DHT_ROOT = "/DHT/";
    /** Every cluster's heartbeats, under /ServiceDiscovery/&lt;cluster&gt;/. */
    public static final String SERVICE_DISCOVERY_ROOT = "/ServiceDiscovery/";

    public static String authorizedPrefix(String cluster) {
        return "/DHT/" + cluster + "/AUTHORIZED/";
    }

    /** {@code /ServiceDiscovery/<cluster>/}: on the worker's lease, gone when it stops heartbeating. */
    public static String heartbeatPrefix(String cluster) {
        return "/ServiceDiscovery/" + cluster + "/";
    }

    public static String authorizedKey(String cluster, String workerId) {
        return authorizedPrefix(cluster) + workerId;
    }

    public static String heartbeatKey(String cluster, String workerId) {
        return heartbeatPrefix(cluster) + workerId;
    }

    /** A key, prefix or value as etcd takes it: UTF-8 bytes. */
    public static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
