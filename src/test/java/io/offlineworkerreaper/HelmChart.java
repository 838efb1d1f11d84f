package io.offlineworkerreaper;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;

/** charts/offline-worker-reaper rendered by real Helm (helm-java carries the Helm library), as helm install would. */
final class HelmChart {

    static final Path CHART = Path.of("charts", "offline-worker-reaper");
    /** The release as the README installs it: its name and namespace are the kustomize base's. */
    static final String RELEASE = "offline-worker-reaper";
    static final String NAMESPACE = "offline-worker-reaper";

    private HelmChart() {
    }

    /** helm template with these --set values. */
    static String template(Map<String, Object> values) {
        TemplateCommand template = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
        values.forEach(template::set);
        return template.call();
    }

    static List<HasMetadata> render(Map<String, Object> values) {
        return Manifests.objects(template(values));
    }

    /** Every opt-in feature on (each one's RBAC follows its setting). */
    static final Map<String, Object> ALL_FEATURES = Map.of("settings.terminating.enabled", true,
            "settings.node.action", "delete", "settings.local-volumes.enabled", true);
}
