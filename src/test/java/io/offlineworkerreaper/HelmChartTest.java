package io.offlineworkerreaper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Helm chart, with real Helm: lint, the default rendering against the kustomize base object by object (so
 * the two cannot drift), the values against config/application.properties, the schema refusing bad values, the
 * monitoring objects against deploy/components and deploy/grafana. RbacManifestsTest replays the reaper's
 * requests against the chart's RBAC too.
 */
class HelmChartTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();
    /** Labels Helm charts add by convention; the kustomize base has only app.kubernetes.io/name. */
    private static final List<String> HELM_LABELS = List.of("app.kubernetes.io/instance", "app.kubernetes.io/version",
            "app.kubernetes.io/managed-by", "helm.sh/chart");

    @Test
    void should_lint_clean() {
        LintResult lint = new Helm(HelmChart.CHART).lint().strict().call();
        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @Test
    void should_render_the_kustomize_base_object_by_object() {
        Map<String, JsonNode> chart = byKindAndName(HelmChart.render(Map.of()));
        Map<String, JsonNode> base = byKindAndName(Manifests.applied().stream()
                .filter(o -> !(o instanceof Namespace)).toList()); // helm install --create-namespace makes it

        assertThat(chart.keySet()).isEqualTo(base.keySet());
        for (String object : base.keySet()) {
            if (object.startsWith("ConfigMap/")) {
                continue; // compared as settings below
            }
            assertThat(chart.get(object)).as(object).isEqualTo(base.get(object));
        }
        // the ConfigMap: the same effective settings (the chart states every setting, the base only what differs)
        assertThat(effective(HelmChart.render(Map.of()))).isEqualTo(effective(Manifests.applied()));
    }

    /** Every setting the reaper will run with: the ConfigMap's variables over the jar's defaults. */
    private static Map<String, String> effective(List<HasMetadata> objects) {
        Map<String, String> keys = Manifests.settingsByEnvironmentVariable();
        Properties defaults = Manifests.defaults();
        Map<String, String> settings = new TreeMap<>();
        defaults.stringPropertyNames().stream().filter(k -> k.startsWith("reaper."))
                .forEach(k -> settings.put(k, defaults.getProperty(k)));
        Manifests.ofKind(objects, ConfigMap.class).get(0).getData().forEach((variable, value) -> {
            assertThat(keys).as("ConfigMap key %s is a setting", variable).containsKey(variable);
            settings.put(keys.get(variable), value);
        });
        return settings;
    }

    @Test
    void should_hold_every_setting_but_the_secrets_in_values_with_the_shipped_default() throws Exception {
        JsonNode values = Manifests.yaml(HelmChart.CHART.resolve("values.yaml")).get("settings");
        Map<String, String> inValues = new TreeMap<>();
        flatten("reaper", values, inValues);
        Map<String, String> expected = new TreeMap<>(effective(Manifests.applied()));
        List<String> fromTheSecret = List.of("reaper.etcd.password", "reaper.slack.webhook-url", "reaper.slack.token",
                "reaper.webhook.url");
        List<String> fromTheRelease = List.of("reaper.control.configmap", "reaper.leader-election.pod-labels",
                "reaper.leader-election.pod-name");
        fromTheSecret.forEach(expected::remove);
        fromTheRelease.forEach(expected::remove);
        assertThat(inValues).isEqualTo(expected);
        assertThat(Files.readString(HelmChart.CHART.resolve("values.yaml")))
                .contains("# Time between two cycles (one cycle = list nodes, list worker pods, read etcd, act).");
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        node.fields().forEachRemaining(e -> {
            if (e.getValue().isObject()) {
                flatten(prefix + "." + e.getKey(), e.getValue(), out);
            } else {
                out.put(prefix + "." + e.getKey(), e.getValue().asText());
            }
        });
    }

    @Test
    void should_be_versioned_as_the_project() {
        JsonNode chart = Manifests.yaml(HelmChart.CHART.resolve("Chart.yaml"));
        assertThat(chart.get("appVersion").asText()).isEqualTo(Manifests.projectVersion());
        assertThat(chart.get("version").asText()).isEqualTo(Manifests.projectVersion());
    }

    @Test
    void should_refuse_a_value_the_schema_rejects() {
        assertThatThrownBy(() -> HelmChart.template(Map.of("settings.detection", "sometimes")))
                .hasMessageContaining("detection").hasMessageContaining("poll");
        assertThatThrownBy(() -> HelmChart.template(Map.of("settings.check-interval", "30 seconds")))
                .hasMessageContaining("check-interval");
        assertThatThrownBy(() -> HelmChart.template(Map.of("settings.safety.max-pods-per-cycle", 0)))
                .hasMessageContaining("max-pods-per-cycle");
        assertThatThrownBy(() -> HelmChart.template(Map.of("settings.check-intervall", "30s")))
                .hasMessageContaining("check-intervall");
    }

    @Test
    void should_refuse_a_credential_in_plain_values() {
        // a URL with user:password belongs in the Secret, which the ConfigMap's readers cannot read
        assertThatThrownBy(() -> HelmChart.template(Map.of("settings.alertmanager.url",
                "https://reaper:s3cret@alertmanager.monitoring:9093"))).hasMessageContaining("alertmanager");
        assertThatThrownBy(() -> HelmChart.template(Map.of("settings.node.fence-uri",
                "https://admin:s3cret@fencing.example/off"))).hasMessageContaining("fence-uri");
        // and the same URLs without a credential are fine
        assertThat(HelmChart.template(Map.of("settings.alertmanager.url", "http://alertmanager.monitoring:9093",
                "settings.node.fence-uri", "https://fencing.example/off"))).contains("REAPER_ALERTMANAGER_URL");
    }

    @Test
    void should_follow_a_setting_into_the_config_map_and_the_rbac() {
        List<HasMetadata> objects = HelmChart.render(Map.of("settings.check-interval", "10s",
                "settings.workers.namespace", "alluxio", "settings.terminating.enabled", true));
        Map<String, String> data = Manifests.ofKind(objects, ConfigMap.class).get(0).getData();
        assertThat(data).containsEntry("REAPER_CHECK_INTERVAL", "10s").containsEntry("REAPER_WORKERS_NAMESPACE", "alluxio")
                .containsEntry("REAPER_TERMINATING_ENABLED", "true");
        assertThat(objects).filteredOn(o -> o.getMetadata().getName().equals("offline-worker-reaper-workers"))
                .allMatch(o -> o.getMetadata().getNamespace().equals("alluxio")).hasSize(2);
        assertThat(objects).extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                .contains("ClusterRole/offline-worker-reaper-terminating-pods")
                .doesNotContain("ClusterRole/offline-worker-reaper-node-actions", "Secret/offline-worker-reaper");
        // no secret is rendered unless asked, and then from its values
        List<HasMetadata> withSecret = HelmChart.render(Map.of("secret.create", true,
                "secret.data.REAPER_SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T/B/X"));
        assertThat(withSecret).extracting(HasMetadata::getKind).contains("Secret");
    }

    @Test
    void should_render_the_monitoring_objects_of_the_kustomize_components() throws Exception {
        List<HasMetadata> objects = HelmChart.render(Map.of("metrics.serviceMonitor.enabled", true,
                "metrics.podMonitor.enabled", true, "metrics.prometheusRule.enabled", true,
                "metrics.grafanaDashboard.enabled", true));
        Map<String, JsonNode> chart = byKindAndName(objects);
        List<HasMetadata> components = new ArrayList<>();
        for (String component : List.of("servicemonitor", "podmonitor", "prometheusrule")) {
            Path dir = Path.of("deploy", "components", component);
            components.add(Manifests.object(dir.resolve(component + ".yaml")));
        }
        byKindAndName(components).forEach((object, expected) -> assertThat(chart.get(object)).as(object).isEqualTo(expected));

        ConfigMap dashboard = Manifests.ofKind(objects, ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().equals("offline-worker-reaper-dashboard")).findFirst().orElseThrow();
        assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
        assertThat(JSON.readTree(dashboard.getData().get("offline-worker-reaper.json")))
                .isEqualTo(JSON.readTree(Path.of("deploy", "grafana", "offline-worker-reaper.json").toFile()));
    }

    @Test
    void should_give_every_alert_a_runbook_that_exists() throws Exception {
        JsonNode rule = Manifests.yaml(Path.of("deploy", "components", "prometheusrule", "prometheusrule.yaml"));
        String troubleshooting = Files.readString(Path.of("docs", "TROUBLESHOOTING.md"));
        List<String> alerts = new ArrayList<>();
        rule.get("spec").get("groups").forEach(g -> g.get("rules").forEach(r -> {
            String alert = r.get("alert").asText();
            alerts.add(alert);
            assertThat(r.get("annotations").get("runbook_url").asText()).as(alert)
                    .endsWith("docs/TROUBLESHOOTING.md#" + alert.toLowerCase(java.util.Locale.ROOT));
            assertThat(troubleshooting).as("a runbook for " + alert).contains("\n### " + alert + "\n");
            assertThat(r.get("labels").get("severity").asText()).isIn("critical", "warning");
        }));
        assertThat(alerts).contains("OfflineWorkerReaperDown", "OfflineWorkerReaperNoSuccessfulCycle",
                "OfflineWorkerReaperSafetyBreakerOpen", "OfflineWorkerReaperRemediationsFailing",
                "OfflineWorkerReaperNotificationsUndelivered");
    }

    @Test
    void should_build_every_kustomization_with_kubectl() {
        List<HasMetadata> base = Manifests.objects(Manifests.kustomize(Path.of("deploy", "kubernetes")));
        assertThat(byKindAndName(base)).isEqualTo(byKindAndName(Manifests.applied()));
        for (String overlay : List.of("monitoring", "monitoring-pods")) {
            List<HasMetadata> objects = Manifests.objects(Manifests.kustomize(Path.of("deploy", "overlays", overlay)));
            assertThat(objects).as(overlay).extracting(HasMetadata::getKind)
                    .contains("Deployment", "PrometheusRule", overlay.equals("monitoring") ? "ServiceMonitor" : "PodMonitor");
            assertThat(objects).filteredOn(o -> o instanceof GenericKubernetesResource).isNotEmpty();
        }
    }

    /** kind/namespace/name -> the object as JSON, without the labels only Helm adds and its config checksum. */
    static Map<String, JsonNode> byKindAndName(List<HasMetadata> objects) {
        Map<String, JsonNode> byName = new TreeMap<>();
        for (HasMetadata object : objects) {
            JsonNode json;
            try {
                json = JSON.readTree(KUBERNETES.asJson(object));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            strip(json.path("metadata"));
            strip(json.path("spec").path("template").path("metadata"));
            byName.put(object.getKind() + "/" + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName(),
                    json);
        }
        return byName;
    }

    private static void strip(JsonNode metadata) {
        if (metadata.get("labels") instanceof ObjectNode labels) {
            HELM_LABELS.forEach(labels::remove);
        }
        if (metadata.get("annotations") instanceof ObjectNode annotations) {
            annotations.remove("checksum/config");
        }
    }

}
