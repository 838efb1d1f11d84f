package io.offlineworkerreaper.alluxio;

import java.util.List;

/**
 * Something about the configuration or the registry that an operator must fix or know, found by
 * {@link RegistryAudit}: it names the setting involved and the fix.
 *
 * @param kind     what was found
 * @param setting  the setting to look at
 * @param summary  one sentence
 * @param details  one line per subject (a pod, a key, a cluster)
 * @param fix      what to do about it
 */
public record Finding(Kind kind, String setting, String summary, List<String> details, String fix) {

    public enum Kind {
        SELECTOR_MATCHES_NOTHING("selector-matches-nothing"),
        CLUSTER_EMPTY("cluster-empty"),
        UNACCOUNTED_HEARTBEATS("unaccounted-heartbeats"),
        UNMATCHED_REGISTRATIONS("unmatched-registrations");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The metric label and the --check heading. */
        public String label() {
            return label;
        }
    }

    public Finding {
        details = List.copyOf(details);
    }

    /**
     * What makes this finding the same one from cycle to cycle: its kind and subjects. Unmatched registrations
     * are one condition whatever their number (they only add up on long-lived clusters).
     */
    public String identity() {
        return kind == Kind.UNMATCHED_REGISTRATIONS ? kind.label() : kind.label() + ":" + details;
    }

    @Override
    public String toString() {
        return summary + " (" + setting + "): " + fix;
    }
}
