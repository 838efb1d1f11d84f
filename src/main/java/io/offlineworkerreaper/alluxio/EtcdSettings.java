package io.offlineworkerreaper.alluxio;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.offlineworkerreaper.settings.Durations;
import io.offlineworkerreaper.settings.Reader;

/**
 * The etcd that Alluxio registers its workers in ({@code reaper.etcd.*}).
 *
 * @param endpoints etcd client URLs
 * @param timeout   bound of every etcd call
 * @param security  credentials and TLS files
 */
public record EtcdSettings(List<URI> endpoints, Duration timeout, EtcdSecurity security) {

    public static final String ENDPOINTS = "reaper.etcd.endpoints";
    public static final String TIMEOUT = "reaper.etcd.timeout";

    public EtcdSettings {
        endpoints = List.copyOf(endpoints);
    }

    public static EtcdSettings from(Reader in) {
        return new EtcdSettings(in.urls(ENDPOINTS), in.duration(TIMEOUT, Duration.ofMillis(100)), EtcdSecurity.from(in));
    }

    public Map<String, String> describe() {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put(ENDPOINTS, endpoints.toString());
        shown.put(TIMEOUT, Durations.humanize(timeout));
        shown.putAll(security.describe());
        return shown;
    }
}
