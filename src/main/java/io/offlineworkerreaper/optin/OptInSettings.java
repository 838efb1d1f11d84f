package io.offlineworkerreaper.optin;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.offlineworkerreaper.settings.Durations;
import io.offlineworkerreaper.settings.InvalidSettingException;
import io.offlineworkerreaper.settings.Reader;

/**
 * The opt-in remediations beyond Alluxio workers, each off by default: force-deleting pods stuck Terminating on
 * NotReady nodes, acting on the NotReady node itself, and releasing pods bound to local volumes there.
 *
 * @param terminatingEnabled        force-delete pods stuck Terminating on NotReady nodes
 * @param terminatingOlderThan      only once their deletionTimestamp is this old
 * @param terminatingInclude        namespaces considered (regex, whole name)
 * @param terminatingExclude        namespaces never touched (regex, whole name), applied after include
 * @param nodeAction                what to do to a node NotReady for {@code nodeActionAfter}
 * @param nodeActionAfter           how long a node must have been NotReady first
 * @param nodeRevertWhenReady       undo a cordon or taint of the reaper's when the node is Ready again
 * @param localVolumesEnabled       release pods bound to local volumes on NotReady nodes
 * @param localVolumeStorageClasses storage classes whose volumes may be abandoned
 * @param pvcFinalizersAfter        clear the finalizers of a released PVC still Terminating after this long
 */
public record OptInSettings(boolean terminatingEnabled, Duration terminatingOlderThan, Pattern terminatingInclude,
                            Pattern terminatingExclude, NodeAction nodeAction, Duration nodeActionAfter,
                            boolean nodeRevertWhenReady, boolean localVolumesEnabled,
                            Set<String> localVolumeStorageClasses, Duration pvcFinalizersAfter) {

    public static final String TERMINATING_ENABLED = "reaper.terminating.enabled";
    public static final String TERMINATING_OLDER_THAN = "reaper.terminating.older-than";
    public static final String TERMINATING_INCLUDE = "reaper.terminating.namespaces.include";
    public static final String TERMINATING_EXCLUDE = "reaper.terminating.namespaces.exclude";
    public static final String NODE_ACTION = "reaper.node.action";
    public static final String NODE_ACTION_AFTER = "reaper.node.action-after";
    public static final String NODE_REVERT = "reaper.node.revert-when-ready";
    public static final String LOCAL_VOLUMES_ENABLED = "reaper.local-volumes.enabled";
    public static final String LOCAL_VOLUMES_CLASSES = "reaper.local-volumes.storage-classes";
    public static final String PVC_FINALIZERS_AFTER = "reaper.local-volumes.clear-finalizers-after";

    /** What is done to a node NotReady for long enough. */
    public enum NodeAction {
        NONE, CORDON, OUT_OF_SERVICE_TAINT, DELETE;

        static NodeAction parse(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_'));
        }

        String text() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public OptInSettings {
        localVolumeStorageClasses = Set.copyOf(localVolumeStorageClasses);
    }

    public static OptInSettings from(Reader in) {
        String action = in.required(NODE_ACTION, "none, cordon, out-of-service-taint or delete");
        NodeAction nodeAction;
        try {
            nodeAction = NodeAction.parse(action);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(NODE_ACTION, action, "none, cordon, out-of-service-taint or delete");
        }
        Set<String> classes = new LinkedHashSet<>();
        for (String c : in.optional(LOCAL_VOLUMES_CLASSES).orElse("").split(",")) {
            if (!c.isBlank()) {
                classes.add(c.trim());
            }
        }
        boolean local = in.bool(LOCAL_VOLUMES_ENABLED);
        if (local && classes.isEmpty()) {
            throw new InvalidSettingException(LOCAL_VOLUMES_CLASSES, "''",
                    "the storage classes whose volumes may be abandoned, e.g. local-path,local-storage");
        }
        return new OptInSettings(in.bool(TERMINATING_ENABLED), in.duration(TERMINATING_OLDER_THAN, Duration.ZERO),
                regex(in, TERMINATING_INCLUDE, ".*"), regex(in, TERMINATING_EXCLUDE, ""), nodeAction,
                in.duration(NODE_ACTION_AFTER, Duration.ZERO), in.bool(NODE_REVERT), local, classes,
                in.duration(PVC_FINALIZERS_AFTER, Duration.ZERO));
    }

    private static Pattern regex(Reader in, String key, String whenEmpty) {
        String raw = in.optional(key).orElse(whenEmpty);
        try {
            return Pattern.compile(raw.isEmpty() ? "(?!)" : raw); // empty exclude: matches nothing
        } catch (PatternSyntaxException e) {
            throw new InvalidSettingException(key, raw, "a regular expression over namespace names, e.g. "
                    + "kube-system|monitoring (" + e.getDescription() + ")");
        }
    }

    /** Whether reaper.node.action is other than none. */
    public boolean nodeActionsEnabled() {
        return nodeAction != NodeAction.NONE;
    }

    /** Whether a namespace is one the terminating-pod reaper may act in. */
    boolean terminatingNamespace(String namespace) {
        return terminatingInclude.matcher(namespace).matches() && !terminatingExclude.matcher(namespace).matches();
    }

    public Map<String, String> describe() {
        Map<String, String> shown = new LinkedHashMap<>();
        shown.put(TERMINATING_ENABLED, String.valueOf(terminatingEnabled));
        if (terminatingEnabled) {
            shown.put(TERMINATING_OLDER_THAN, Durations.humanize(terminatingOlderThan));
            shown.put(TERMINATING_INCLUDE, terminatingInclude.pattern());
            shown.put(TERMINATING_EXCLUDE, terminatingExclude.pattern().equals("(?!)") ? "(none)" : terminatingExclude.pattern());
        }
        shown.put(NODE_ACTION, nodeAction.text());
        if (nodeAction != NodeAction.NONE) {
            shown.put(NODE_ACTION_AFTER, Durations.humanize(nodeActionAfter));
            shown.put(NODE_REVERT, String.valueOf(nodeRevertWhenReady));
        }
        shown.put(LOCAL_VOLUMES_ENABLED, String.valueOf(localVolumesEnabled));
        if (localVolumesEnabled) {
            shown.put(LOCAL_VOLUMES_CLASSES, String.join(",", localVolumeStorageClasses));
            shown.put(PVC_FINALIZERS_AFTER, Durations.humanize(pvcFinalizersAfter));
        }
        return shown;
    }
}
