package io.offlineworkerreaper.notify;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.slack.api.methods.SlackApiException;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * Why a post to a notification destination failed, and whether trying again can help. camel-http (Alertmanager,
 * the webhook) throws HttpOperationFailedException with the status and the response headers. camel-slack
 * reports a webhook failure only as an exception whose message prints Slack's response ({@code
 * WebhookResponse(code=429, ..., headers={retry-after=[5], ...}, ...)}), so the status and Retry-After are read
 * from there; a bot-token failure is a SlackApiException carrying the HTTP response.
 *
 * @param retry      true for 429, 5xx and I/O errors; false for other 4xx and Slack's ok=false answers
 * @param retryAfter how long the destination asked to wait (429 Retry-After, in seconds), if it said
 * @param status     the HTTP status, 0 when there was no response
 */
public record DeliveryFailure(boolean retry, Optional<Duration> retryAfter, int status) {

    private static final Pattern CODE = Pattern.compile("\\bcode=(\\d{3})\\b");
    private static final Pattern RETRY_AFTER = Pattern.compile("(?i)\\bretry-after=\\[?\\s*(\\d{1,6})");

    public static DeliveryFailure of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpOperationFailedException http) {
                int status = http.getStatusCode();
                return new DeliveryFailure(retryable(status), seconds(header(http, "Retry-After")), status);
            }
            if (t instanceof SlackApiException api && api.getResponse() != null) {
                int status = api.getResponse().code();
                return new DeliveryFailure(retryable(status), seconds(api.getResponse().header("Retry-After")), status);
            }
            if (t instanceof IOException) {
                return new DeliveryFailure(true, Optional.empty(), 0);
            }
        }
        String message = String.valueOf(failure.getMessage());
        Matcher code = CODE.matcher(message);
        if (code.find()) {
            int status = Integer.parseInt(code.group(1));
            Matcher after = RETRY_AFTER.matcher(message);
            return new DeliveryFailure(retryable(status), after.find() ? seconds(after.group(1)) : Optional.empty(),
                    status);
        }
        // chat.postMessage answering ok=false (channel_not_found, invalid_auth...): the same post fails again
        boolean slackSaidNo = message.contains("ok=false");
        return new DeliveryFailure(!slackSaidNo, Optional.empty(), 0);
    }

    private static String header(HttpOperationFailedException http, String name) {
        return http.getResponseHeaders() == null ? null : http.getResponseHeaders().entrySet().stream()
                .filter(h -> h.getKey().equalsIgnoreCase(name)).map(java.util.Map.Entry::getValue).findFirst()
                .orElse(null);
    }

    private static boolean retryable(int status) {
        return status == 429 || status >= 500;
    }

    private static Optional<Duration> seconds(String value) {
        try {
            return value == null ? Optional.empty() : Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
