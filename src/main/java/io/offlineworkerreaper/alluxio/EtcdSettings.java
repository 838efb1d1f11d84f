package io.offlineworkerreaper.alluxio;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.offlineworkerreaper.settings.Durations;
import io.offlineworkerreaper.settings.InvalidSettingException;
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
    public static final String ALLOW_PLAINTEXT_PASSWORD = "reaper.etcd.allow-plaintext-password";

    public EtcdSettings {
        endpoints = List.copyOf(endpoints);
    }

    public static EtcdSettings from(Reader in) {
        List<URI> endpoints = in.urls(ENDPOINTS);
        EtcdSecurity security = EtcdSecurity.from(in);
        boolean allowPlaintextPassword = in.bool(ALLOW_PLAINTEXT_PASSWORD);
        long secure = endpoints.stream().filter(EtcdSettings::https).count();
        if (secure > 0 && secure < endpoints.size()) {
            throw new InvalidSettingException(ENDPOINTS, endpoints.toString(),
                    "endpoints that are all https:// or all http:// (one client talks to all of them, with TLS or not)");
        }
        if (security.password().isPresent() && secure == 0 && !security.tls() && !allowPlaintextPassword) {
            throw new InvalidSettingException(EtcdSecurity.PASSWORD, "****", "https:// endpoints in " + ENDPOINTS
                    + ": over http:// the password would cross the network in clear text (set "
                    + ALLOW_PLAINTEXT_PASSWORD + "=true to accept that, e.g. on a loopback or an encrypted network)");
        }
        return new EtcdSettings(endpoints, in.duration(TIMEOUT, Duration.ofMillis(100)), security);
    }

    /** Whether this endpoint is https:// (then the client always uses TLS, trusting the system's CAs by default). */
    public static boolean https(URI endpoint) {
        return "https".equalsIgnoreCase(endpoint.getScheme());
    }

    /** With TLS: https:// endpoints, or TLS files given. */
    public boolean tls() {
        return security.tls() || endpoints.stream().anyMatch(EtcdSettings::https);
    }

    public Map<String, String> describe() {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put(ENDPOINTS, endpoints.toString());
        shown.put(TIMEOUT, Durations.humanize(timeout));
        shown.putAll(security.describe());
        return shown;
    }
}
