package io.offlineworkerreaper.kubernetes;

import java.time.Duration;
import java.time.Instant;

import io.offlineworkerreaper.settings.Durations;

/**
 * A node whose Ready condition has been False or Unknown for at least {@code reaper.nodes.not-ready-for}.
 *
 * @param name        node name
 * @param readyStatus the Ready condition's status: False or Unknown
 * @param since       the condition's lastTransitionTime
 * @param notReadyFor how long it has been NotReady when the cycle looked
 */
public record NotReadyNode(String name, String readyStatus, Instant since, Duration notReadyFor) {

    /** "45s" or "3m12s": how long the node has been NotReady, for humans. */
    public String notReadyForText() {
        return Durations.humanize(notReadyFor);
    }

    @Override
    public String toString() {
        return name + " (Ready=" + readyStatus + " for " + notReadyForText() + ")";
    }
}
