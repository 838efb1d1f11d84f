package io.offlineworkerreaper.decision;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.offlineworkerreaper.settings.Durations;
import io.offlineworkerreaper.settings.InvalidSettingException;
import io.offlineworkerreaper.settings.Reader;

/**
 * The circuit breaker and the per-cycle cap ({@code reaper.safety.*}), read by {@link SafetyGate}.
 *
 * @param maxUnhealthy    more NotReady nodes than this (a count or a percent) and nothing is done
 * @param maxPodsPerCycle at most this many removals (or opt-in actions) in one cycle
 * @param cooldown        how long the breaker stays open once the count is back under the limit
 * @param maxRemovalsPerHour at most this many removals and opt-in actions in any hour (0: no limit)
 */
public record SafetySettings(SafetyGate.MaxUnhealthy maxUnhealthy, int maxPodsPerCycle, Duration cooldown,
                             int maxRemovalsPerHour) {

    public static final String MAX_UNHEALTHY = "reaper.safety.max-unhealthy";
    public static final String MAX_PODS_PER_CYCLE = "reaper.safety.max-pods-per-cycle";
    public static final String COOLDOWN = "reaper.safety.cooldown";

    public static SafetySettings from(Reader in) {
        String raw = in.required(MAX_UNHEALTHY, "a count (e.g. 3) or a percent (e.g. 49%)");
        SafetyGate.MaxUnhealthy max;
        try {
            max = SafetyGate.MaxUnhealthy.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(MAX_UNHEALTHY, raw,
                    "a count of nodes (e.g. 3) or a percent from 0% to 100% (e.g. 49%)");
        }
        return new SafetySettings(max, in.integer(MAX_PODS_PER_CYCLE, 1, 10_000), in.duration(COOLDOWN, Duration.ZERO),
                in.integer(HourlyBudget.MAX_PER_HOUR, 0, 100_000));
    }

    public Map<String, String> describe() {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put(MAX_UNHEALTHY, maxUnhealthy.toString());
        shown.put(MAX_PODS_PER_CYCLE, String.valueOf(maxPodsPerCycle));
        shown.put(COOLDOWN, Durations.humanize(cooldown));
        shown.put(HourlyBudget.MAX_PER_HOUR, maxRemovalsPerHour == 0 ? "0 (no limit)" : String.valueOf(maxRemovalsPerHour));
        return shown;
    }
}
