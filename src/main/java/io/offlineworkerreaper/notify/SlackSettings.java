package io.offlineworkerreaper.notify;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.offlineworkerreaper.settings.InvalidSettingException;
import io.offlineworkerreaper.settings.Reader;

/** Slack, where notices go besides the log. Secrets are held here and never printed. */
public record SlackSettings(Optional<String> webhookUrl, Optional<String> token, String channel,
                            Optional<String> serverUrl) {

    public static final String WEBHOOK_URL = "reaper.slack.webhook-url";
    public static final String TOKEN = "reaper.slack.token";
    public static final String CHANNEL = "reaper.slack.channel";
    public static final String SERVER_URL = "reaper.slack.server-url";

    public static SlackSettings from(Reader in) {
        Optional<String> webhook = in.optionalUrl(WEBHOOK_URL, true);
        Optional<String> token = in.optional(TOKEN);
        String channel = in.optional(CHANNEL).orElse("");
        Optional<String> server = in.optionalUrl(SERVER_URL, false);
        if (webhook.isPresent() && token.isPresent()) {
            throw new InvalidSettingException(TOKEN, "****",
                    "either " + WEBHOOK_URL + " or " + TOKEN + ", not both");
        }
        if (token.isPresent() && channel.isBlank()) {
            throw new InvalidSettingException(CHANNEL, "''",
                    "a channel such as #alluxio-ops when " + TOKEN + " is set");
        }
        return new SlackSettings(webhook, token, channel, server);
    }

    public boolean enabled() {
        return webhookUrl.isPresent() || token.isPresent();
    }

    public Map<String, String> describe() {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put(WEBHOOK_URL, webhookUrl.map(u -> "****").orElse("(not set)"));
        shown.put(TOKEN, token.map(t -> "****").orElse("(not set)"));
        shown.put(CHANNEL, channel.isBlank() ? "(not set)" : channel);
        shown.put(SERVER_URL, serverUrl.orElse("(Slack)"));
        return shown;
    }

    @Override
    public String toString() {
        return "SlackSettings" + describe();
    }
}
