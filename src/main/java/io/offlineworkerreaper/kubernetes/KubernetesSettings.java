package io.offlineworkerreaper.kubernetes;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.offlineworkerreaper.settings.Durations;
import io.offlineworkerreaper.settings.Reader;

/**
 * The Kubernetes API ({@code reaper.kubernetes.*}).
 *
 * @param timeout bound of every Kubernetes API request
 * @param events  record a Kubernetes Event for every remediation and refusal
 */
public record KubernetesSettings(Duration timeout, boolean events) {

    public static final String TIMEOUT = "reaper.kubernetes.timeout";
    public static final String EVENTS = "reaper.kubernetes.events";

    public static KubernetesSettings from(Reader in) {
        return new KubernetesSettings(in.duration(TIMEOUT, Duration.ofMillis(100)), in.bool(EVENTS));
    }

    public Map<String, String> describe() {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put(TIMEOUT, Durations.humanize(timeout));
        shown.put(EVENTS, String.valueOf(events));
        return shown;
    }
}
