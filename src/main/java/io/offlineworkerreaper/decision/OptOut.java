package io.offlineworkerreaper.decision;

import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** The opt-out: a node or pod labelled or annotated {@code offline-worker-reaper/exclude=true} is never touched. */
public final class OptOut {

    public static final String KEY = "offline-worker-reaper/exclude";

    private OptOut() {
    }

    public static boolean isExcluded(HasMetadata object) {
        if (object == null || object.getMetadata() == null) {
            return false;
        }
        return isTrue(object.getMetadata().getLabels()) || isTrue(object.getMetadata().getAnnotations());
    }

    private static boolean isTrue(Map<String, String> values) {
        return values != null && "true".equalsIgnoreCase(values.get(KEY));
    }
}
