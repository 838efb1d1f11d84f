package io.offlineworkerreaper.alluxio;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What this package gives the routes and the other packages: the bounded etcd configuration (camel-etcd3's and
 * every client's), the guarded key deletion, the registry reads and matching, the findings.
 */
public record AlluxioBeans(BoundedEtcdConfiguration etcd, KeyDeleter keyDeleter, Registrations registrations,
                           RegistryReader registryReader, RegistryFindings findings) {

    /** {@code mayWrite}: called right before each etcd transaction; throws when this replica may not write. */
    public static AlluxioBeans create(AlluxioSettings alluxio, EtcdSettings etcdSettings, Consumer<String> mayWrite) {
        // camel-etcd3 waits for etcd without any bound by default; this configuration bounds every call
        BoundedEtcdConfiguration etcd = new BoundedEtcdConfiguration(etcdSettings.timeout(), etcdSettings.security());
        etcd.setEndpoints(String.join(",", etcdSettings.endpoints().stream().map(Object::toString).toList()));
        return new AlluxioBeans(etcd, new KeyDeleter(etcd::createClient, alluxio.serviceDiscoveryPrefix(),
                etcdSettings.timeout(), mayWrite), new Registrations(),
                new RegistryReader(etcd::createClient, etcdSettings.timeout()),
                new RegistryFindings(alluxio.workersNamespace(), alluxio.workersSelectorText(), alluxio.clusterName()));
    }

    /** The beans the routes name. */
    public Map<String, Object> named() {
        return Map.of("keyDeleter", keyDeleter, "registrations", registrations, "registryReader", registryReader);
    }

    /** Closed at shutdown: the etcd clients. */
    public List<AutoCloseable> closeables() {
        return List.of(keyDeleter, registryReader);
    }
}
