package io.offlineworkerreaper.notify;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
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
 * @param retryAfter how long the destination asked to wait (Retry-After, in seconds or as a date), if it said
 *                   so readably
 * @param status     the HTTP status, 0 when there was no response
 */
public record DeliveryFailure(boolean retry, Optional<Duration> retryAfter, int status) {

    private static final Pattern CODE = Pattern.compile("\\bcode=(\\d{3})\\b");
    /** Retry-After in a printed header map: {@code retry-after=[5]} or {@code retry-after=[Wed, 21 Oct ... GMT]}. */
    private static final Pattern RETRY_AFTER = Pattern.compile("(?i)\\bretry-after=(?:\\[([^\\]]{0,64})\\]|([^,\\s}]{1,64}))");
    /** Longer than any wait worth reading exactly: the outbox clamps it to what is left of its retry time. */
    private static final Duration AGES = Duration.ofDays(365);

    public static DeliveryFailure of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpOperationFailedException http) {
                int status = http.getStatusCode();
                return new DeliveryFailure(retryable(status), retryAfter(header(http, "Retry-After"), Instant.now()), status);
            }
            if (t instanceof SlackApiException api && api.getResponse() != null) {
                int status = api.getResponse().code();
                return new DeliveryFailure(retryable(status), retryAfter(api.getResponse().header("Retry-After"), Instant.now()), status);
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
            return new DeliveryFailure(retryable(status), after.find()
                    ? retryAfter(after.group(1) != null ? after.group(1) : after.group(2), Instant.now())
                    : Optional.empty(), status);
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

    /**
     * A Retry-After header's wait (RFC 9110: delay-seconds, or an HTTP date), never negative; empty for anything
     * else (a negative number, a fraction, words), which the outbox then ignores for its own backoff. A number too
     * large to read is a very long wait: the outbox clamps every wait to what is left of its retry time.
     */
    static Optional<Duration> retryAfter(String value, Instant now) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim();
        if (!v.isEmpty() && v.length() <= 64 && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.of(v.length() > 9 ? AGES : Duration.ofSeconds(Long.parseLong(v)));
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
