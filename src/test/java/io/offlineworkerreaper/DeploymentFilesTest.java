package io.offlineworkerreaper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.offlineworkerreaper.settings.ReaperSettingsTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Deployment and docker-compose.yml, checked the way they will be used: no kube-apiserver or Docker engine
 * runs on the build machines, so the files are parsed and held against the code's settings. The image itself is
 * built and run by ImageIT.
 */
class DeploymentFilesTest {

    private static final Pattern PINNED_IMAGE = Pattern.compile("[^:@\\s]+(:[\\w][\\w.-]*|@sha256:[0-9a-f]{64})");

    private static Properties shipped() throws IOException {
        Properties p = new Properties();
        try (var in = Files.newInputStream(Path.of("config", "application.properties"))) {
            p.load(in);
        }
        return p;
    }

    private static String projectVersion() {
        return Manifests.projectVersion();
    }

    private static Deployment deployment() {
        return Manifests.ofKind(Deployment.class).get(0);
    }

    private static Container reaperContainer() {
        return deployment().getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    @Test
    void should_apply_every_manifest_in_the_folder_except_the_secret_example() throws IOException {
        List<String> listed = new ArrayList<>();
        Manifests.yaml(Manifests.DEPLOY.resolve("kustomization.yaml")).get("resources").forEach(r -> listed.add(r.asText()));
        try (var files = Files.list(Manifests.DEPLOY)) {
            assertThat(files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".yaml") && !f.equals("kustomization.yaml") && !f.equals("secret.example.yaml")))
                    .containsExactlyInAnyOrderElementsOf(listed);
        }
        for (HasMetadata object : Manifests.applied()) {
            assertThat(object.getMetadata().getLabels()).as(object.getKind() + " " + object.getMetadata().getName())
                    .containsEntry("app.kubernetes.io/name", "offline-worker-reaper");
        }
    }

    @Test
    void should_only_set_real_settings_in_the_config_map_secret_and_compose() {
        Map<String, String> settings = Manifests.settingsByEnvironmentVariable();
        assertThat(Manifests.ofKind(ConfigMap.class).get(0).getData().keySet()).allSatisfy(k ->
                assertThat(settings).as("ConfigMap key %s is a setting", k).containsKey(k));
        JsonNode secret = Manifests.yaml(Manifests.DEPLOY.resolve("secret.example.yaml")).get("stringData");
        secret.fieldNames().forEachRemaining(k -> assertThat(settings).as("Secret key %s", k).containsKey(k));
        JsonNode compose = Manifests.yaml(Path.of("docker-compose.yml")).get("services").get("reaper").get("environment");
        compose.fieldNames().forEachRemaining(k -> {
            if (!k.equals("KUBECONFIG")) {
                assertThat(settings).as("compose variable %s is a setting", k).containsKey(k);
            }
        });
    }

    @Test
    void should_run_two_replicas_with_leader_election_probes_and_a_locked_down_container() throws IOException {
        Deployment d = deployment();
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        Container c = reaperContainer();
        ConfigMap config = Manifests.ofKind(ConfigMap.class).get(0);
        ServiceAccount account = Manifests.ofKind(ServiceAccount.class).get(0);

        assertThat(d.getSpec().getReplicas()).isEqualTo(2);
        assertThat(config.getData()).containsEntry("REAPER_LEADER_ELECTION_ENABLED", "true");
        // leader election can only see pods labelled as the setting says
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(java.util.Arrays.stream(config.getData().get("REAPER_LEADER_ELECTION_POD_LABELS")
                        .split(",")).map(kv -> kv.split("=")).collect(java.util.stream.Collectors.toMap(a -> a[0], a -> a[1])));
        assertThat(c.getEnv()).extracting(EnvVar::getName).contains("REAPER_LEADER_ELECTION_POD_NAME");
        assertThat(c.getEnv()).filteredOn(e -> e.getName().equals("REAPER_LEADER_ELECTION_POD_NAME")).singleElement()
                .satisfies(e -> assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name"));
        assertThat(pod.getServiceAccountName()).isEqualTo(account.getMetadata().getName());
        assertThat(d.getMetadata().getNamespace()).isEqualTo(account.getMetadata().getNamespace());

        // probes on the management port, at the paths the reaper serves
        int port = Integer.parseInt(shipped().getProperty("camel.management.port"));
        assertThat(c.getPorts()).singleElement().satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(port));
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/observe/health/live");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/observe/health/ready");
        // the readiness probe outlasts the check it runs (API timeout + etcd timeout)
        long checkSeconds = (ReaperSettingsTestSupport.seconds(shipped().getProperty("reaper.kubernetes.timeout"))
                + ReaperSettingsTestSupport.seconds(shipped().getProperty("reaper.etcd.timeout")));
        assertThat(c.getReadinessProbe().getTimeoutSeconds()).isGreaterThan((int) checkSeconds);
        // SIGTERM: the shutdown timeout fits in the grace period
        assertThat(pod.getTerminationGracePeriodSeconds())
                .isGreaterThan(Long.parseLong(shipped().getProperty("camel.main.shutdown-timeout")));

        // locked down, with requests and limits, image pinned to this version
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).containsKey("memory");
        assertThat(c.getImage()).matches(PINNED_IMAGE).endsWith(":" + projectVersion()).doesNotEndWith(":latest");
        // the files the reaper writes are on writable volumes
        assertThat(c.getVolumeMounts()).extracting(m -> m.getMountPath())
                .contains("/tmp", Path.of(config.getData().get("REAPER_LOG_FILE")).getParent().toString(),
                        Path.of(config.getData().get("REAPER_AUDIT_FILE")).getParent().toString());
    }

    /**
     * What running the image (ImageIT) cannot show: the base an upstream build uses by default, which these machines
     * cannot pull, is pinned; and the Deployment, the chart and compose all name the image ./run.sh image builds.
     */
    @Test
    void should_default_to_a_pinned_jre_base_and_name_one_image_everywhere() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("Dockerfile"));
        String base = lines.stream().filter(l -> l.startsWith("ARG RUNTIME_IMAGE=")).findFirst().orElseThrow()
                .substring("ARG RUNTIME_IMAGE=".length()).trim();
        assertThat(base).matches(PINNED_IMAGE).doesNotEndWith(":latest").contains("eclipse-temurin:17").contains("-jre");
        assertThat(lines.stream().filter(l -> l.startsWith("FROM "))).containsExactly("FROM ${RUNTIME_IMAGE}");

        String image = reaperContainer().getImage();
        assertThat(Files.readString(Path.of("run.sh")))
                .contains("image=\"" + image.substring(0, image.lastIndexOf(':')) + ":${version%-SNAPSHOT}\"");
        assertThat(Manifests.yaml(Path.of("docker-compose.yml")).get("services").get("reaper").get("image").asText())
                .isEqualTo(image);
        assertThat(Manifests.ofKind(HelmChart.render(Map.of()), Deployment.class).get(0).getSpec().getTemplate()
                .getSpec().getContainers().get(0).getImage()).isEqualTo(image);
    }

    @Test
    void should_compose_etcd_and_the_reaper_in_dry_run_with_a_mounted_kubeconfig() throws IOException {
        JsonNode services = Manifests.yaml(Path.of("docker-compose.yml")).get("services");
        assertThat(services.fieldNames()).toIterable().containsExactlyInAnyOrder("etcd", "reaper");
        JsonNode etcd = services.get("etcd");
        JsonNode reaper = services.get("reaper");
        assertThat(etcd.get("image").asText()).matches(PINNED_IMAGE).startsWith("quay.io/coreos/etcd:v3.");
        assertThat(reaper.has("build")).as("the image comes from ./run.sh image, which builds the jar first").isFalse();
        assertThat(reaper.get("depends_on").toString()).contains("etcd");

        JsonNode env = reaper.get("environment");
        assertThat(env.get("REAPER_DRY_RUN").asText()).isEqualTo("true");
        // the reaper reaches etcd where etcd listens and is published
        String endpoint = env.get("REAPER_ETCD_ENDPOINTS").asText();
        assertThat(etcd.get("ports").toString()).contains(":" + java.net.URI.create(endpoint).getPort() + ":2379");
        assertThat(etcd.get("command").toString()).contains("--listen-client-urls=http://0.0.0.0:2379");
        // the kubeconfig the reaper is told to read is the one mounted, read-only
        String kubeconfig = env.get("KUBECONFIG").asText();
        assertThat(reaper.get("volumes").toString()).contains(":" + kubeconfig + ":ro");
        // the settings it gets parse: an invalid one would stop it at startup
        Map<String, String> byVariable = Manifests.settingsByEnvironmentVariable();
        Properties values = shipped();
        env.fields().forEachRemaining(e -> {
            if (byVariable.containsKey(e.getKey())) {
                values.setProperty(byVariable.get(e.getKey()), e.getValue().asText());
            }
        });
        ReaperSettings settings = ReaperSettings.from(k -> java.util.Optional.ofNullable(values.getProperty(k)));
        assertThat(settings.dryRun()).isTrue();
        assertThat(settings.leaderElection().enabled()).isFalse();
    }

    @Test
    void should_admit_the_management_port_only_from_the_monitoring_namespaces() {
        for (List<HasMetadata> objects : List.of(Manifests.applied(), HelmChart.render(Map.of()))) {
            // given the shipped NetworkPolicy (kustomize, and the chart where it is on by default)
            io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy policy =
                    Manifests.ofKind(objects, io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class).get(0);
            Deployment deployment = Manifests.ofKind(objects, Deployment.class).get(0);
            Container reaper = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            int management = reaper.getPorts().stream().filter(p -> "management".equals(p.getName())).findFirst()
                    .orElseThrow().getContainerPort();

            // then it selects the reaper's pods, and admits one port from the monitoring namespace, nothing else
            assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                    .containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels());
            assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
            assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
                assertThat(rule.getPorts()).singleElement()
                        .satisfies(port -> assertThat(port.getPort().getIntVal()).isEqualTo(management));
                assertThat(rule.getFrom()).singleElement().satisfies(peer -> {
                    assertThat(peer.getIpBlock()).isNull();
                    assertThat(peer.getPodSelector()).isNull();
                    assertThat(peer.getNamespaceSelector().getMatchLabels()).isNullOrEmpty();
                    assertThat(peer.getNamespaceSelector().getMatchExpressions()).singleElement().satisfies(e -> {
                        assertThat(e.getKey()).isEqualTo("kubernetes.io/metadata.name");
                        assertThat(e.getOperator()).isEqualTo("In");
                        assertThat(e.getValues()).containsExactly("monitoring");
                    });
                });
            });
        }
        // and the chart names other namespaces, or leaves the policy out, when told to
        assertThat(Manifests.ofKind(HelmChart.render(Map.of("networkPolicy.monitoringNamespaces[0]", "prom",
                        "networkPolicy.monitoringNamespaces[1]", "ops")),
                io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class).get(0).getSpec().getIngress().get(0)
                .getFrom().get(0).getNamespaceSelector().getMatchExpressions().get(0).getValues())
                .containsExactly("prom", "ops");
        assertThat(Manifests.ofKind(HelmChart.render(Map.of("networkPolicy.enabled", false)),
                io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class)).isEmpty();
    }
}
