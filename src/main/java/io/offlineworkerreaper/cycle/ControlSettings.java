package io.offlineworkerreaper.cycle;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import io.offlineworkerreaper.settings.InvalidSettingException;
import io.offlineworkerreaper.settings.Reader;

/**
 * The ConfigMap operators control the running reaper with ({@code reaper.control.configmap}, as
 * {@code <namespace>/<name>}): its annotations pause it ({@code offline-worker-reaper/paused}) and keep the hourly
 * removal window ({@code offline-worker-reaper/removals}), so that both survive a restart and a new leader.
 */
public record ControlSettings(String namespace, String name) {

    public static final String CONFIGMAP = "reaper.control.configmap";
    private static final Pattern DNS = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    public static ControlSettings from(Reader in) {
        String expected = "<namespace>/<name> of a ConfigMap, e.g. offline-worker-reaper/offline-worker-reaper";
        String raw = in.required(CONFIGMAP, expected);
        String[] parts = raw.split("/", -1);
        if (parts.length != 2 || !DNS.matcher(parts[0]).matches() || !DNS.matcher(parts[1]).matches()) {
            throw new InvalidSettingException(CONFIGMAP, raw, expected);
        }
        return new ControlSettings(parts[0], parts[1]);
    }

    public String text() {
        return namespace + "/" + name;
    }

    public Map<String, String> describe() {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put(CONFIGMAP, text());
        return shown;
    }
}
