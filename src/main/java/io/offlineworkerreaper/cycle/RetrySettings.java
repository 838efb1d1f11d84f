package io.offlineworkerreaper.cycle;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.offlineworkerreaper.settings.Durations;
import io.offlineworkerreaper.settings.Reader;
import org.apache.camel.LoggingLevel;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;

/**
 * How a failed call out (Kubernetes, etcd) is retried before its step gives up for this cycle
 * ({@code reaper.retry.*}): the redelivery policy of the shared handle-errors route configuration.
 *
 * @param maxRedeliveries tries after the first one
 * @param delay           wait before the first retry; each next wait is {@link #BACK_OFF_MULTIPLIER} times longer
 */
public record RetrySettings(int maxRedeliveries, Duration delay) {

    public static final String MAX_REDELIVERIES = "reaper.retry.max-redeliveries";
    public static final String DELAY = "reaper.retry.delay";
    /** Each wait is twice the previous one: 250 ms, 500 ms with the defaults. */
    public static final double BACK_OFF_MULTIPLIER = 2;

    public static RetrySettings from(Reader in) {
        return new RetrySettings(in.integer(MAX_REDELIVERIES, 0, 10), in.duration(DELAY, Duration.ZERO));
    }

    /** The policy handle-errors refers to ({@code redeliveryPolicyRef: callOutRetries}). */
    public RedeliveryPolicy policy() {
        RedeliveryPolicy policy = new RedeliveryPolicy();
        policy.setMaximumRedeliveries(maxRedeliveries);
        policy.setRedeliveryDelay(delay.toMillis());
        policy.setUseExponentialBackOff(true);
        policy.setBackOffMultiplier(BACK_OFF_MULTIPLIER);
        policy.setRetryAttemptedLogLevel(LoggingLevel.WARN);
        policy.setLogStackTrace(false);
        policy.setLogRetryAttempted(true);
        policy.setLogExhausted(false);
        return policy;
    }

    public Map<String, String> describe() {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put(MAX_REDELIVERIES, String.valueOf(maxRedeliveries));
        shown.put(DELAY, Durations.humanize(delay));
        return shown;
    }
}
