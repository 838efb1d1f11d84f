package io.offlineworkerreaper.decision;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.offlineworkerreaper.kubernetes.LabelSelector;
import io.offlineworkerreaper.settings.Durations;
import io.offlineworkerreaper.settings.Reader;

/**
 * Which nodes count as NotReady ({@code reaper.nodes.*}).
 *
 * @param notReadyFor   how long a node's Ready condition must have been False/Unknown
 * @param selector      which nodes are considered at all
 */
public record NodeSettings(Duration notReadyFor, LabelSelector selector) {

    public static final String NOT_READY_FOR = "reaper.nodes.not-ready-for";
    public static final String SELECTOR = "reaper.nodes.selector";

    public static NodeSettings from(Reader in) {
        return new NodeSettings(in.duration(NOT_READY_FOR, Duration.ZERO), LabelSelector.setting(in, SELECTOR));
    }

    public Map<String, String> describe() {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put(NOT_READY_FOR, Durations.humanize(notReadyFor));
        shown.put(SELECTOR, selector.toString());
        return shown;
    }
}
