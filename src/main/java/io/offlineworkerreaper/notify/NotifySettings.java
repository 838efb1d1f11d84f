package io.offlineworkerreaper.notify;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.offlineworkerreaper.settings.Durations;
import io.offlineworkerreaper.settings.Reader;

/**
 * How often the same condition may be announced ({@code reaper.notify.repeat-after}): a refusal, a warning or a
 * failure on the same subject is announced at most once per this, even when it flaps. Removals and actions are
 * always announced.
 */
public record NotifySettings(Duration repeatAfter) {

    public static NotifySettings from(Reader in) {
        return new NotifySettings(in.duration(Announcements.REPEAT_AFTER, Duration.ZERO));
    }

    public Map<String, String> describe() {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put(Announcements.REPEAT_AFTER, Durations.humanize(repeatAfter));
        return shown;
    }
}
