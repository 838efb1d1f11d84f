package io.offlineworkerreaper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.offlineworkerreaper.demo.AccessReviewingDispatcher;
import io.offlineworkerreaper.demo.AlluxioRegistry;
import io.offlineworkerreaper.demo.ClusterObjects;
import io.offlineworkerreaper.demo.EtcdServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.Isolated;

import static io.offlineworkerreaper.Scenario.CLUSTER;
import static io.offlineworkerreaper.Scenario.WORKER_1;
import static io.offlineworkerreaper.Scenario.WORKER_2;
import static io.offlineworkerreaper.Scenario.WORKER_3;
import static io.offlineworkerreaper.Scenario.authorizedKey;
import static io.offlineworkerreaper.Scenario.podExists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The container image, built from the Dockerfile by {@code ./run.sh image} and run by podman as the Deployment runs
 * it ({@link Podman#runAsDeployed}), against the API emulator and a real etcd on the host network. Runs with
 * {@code ./run.sh test} where podman is installed (the Maven profile {@code image}; .ci/run installs it).
 * Alone: building the image (the demo run that records its classes, the archive step) and each container's JVM
 * would take the CPU that the jar tests' timings need on a two-core machine; and one container at a time.
 */
@Isolated
@Execution(ExecutionMode.SAME_THREAD)
class ImageIT {

    private static final Path JAR =
            Path.of(System.getProperty("reaper.jar", "target/offline-worker-reaper.jar")).toAbsolutePath();
    private static final Path BOM = JAR.resolveSibling("bom.json");
    private static final String DEAD_POD = "alluxio-worker-577545dc9-2q7z7";
    private static final String REAPER_POD = "offline-worker-reaper-7d9f8b6c5-x2x9q";

    private static String image;
    private Path dir;
    private KubernetesMockServer api;
    private NamespacedKubernetesClient client;
    private EtcdServer etcd;
    private AlluxioRegistry registry;
    private final List<String> containers = new ArrayList<>();

    @BeforeAll
    static void build() throws Exception {
        image = Podman.image();
    }

    @BeforeEach
    void world() throws IOException {
        dir = Files.createTempDirectory("reaper-image-it");
        // the API emulator, answering access reviews as the shipped RBAC grants them to the reaper's service account
        String namespace = Podman.deployment().getMetadata().getNamespace();
        List<RbacManifestsTest.Grant> grants = RbacManifestsTest.grants(Manifests.applied(), namespace,
                Podman.deployment().getSpec().getTemplate().getSpec().getServiceAccountName());
        api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new AccessReviewingDispatcher(a -> grants.stream().anyMatch(g -> g.allows(new RbacManifestsTest.Access(
                        a.getNamespace() == null || a.getNamespace().isEmpty() ? null : a.getNamespace(),
                        a.getGroup() == null ? "" : a.getGroup(), a.getResource(), a.getVerb(), a.getName())))), false);
        api.init();
        client = api.createClient();
        etcd = EtcdServer.start(dir.resolve("etcd"));
        registry = new AlluxioRegistry(etcd.clientUrl());
        // the reaper's own pod, Ready and labelled as the Deployment labels it: only such a pod may lead
        Pod self = new PodBuilder(ClusterObjects.pod(namespace, REAPER_POD, "alluxio-e2e-worker", "10.244.3.50",
                Podman.deployment().getSpec().getTemplate().getMetadata().getLabels()))
                .editStatus().addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build();
        client.pods().resource(self).create();
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (String name : containers) {
            Podman.podman(60, "rm", "--force", "--time", "0", name);
        }
        registry.close();
        etcd.close();
        client.close();
        api.destroy();
    }

    @Test
    void should_check_a_healthy_cluster_and_exit_0() throws Exception {
        // given two Ready nodes, each with a worker whose registration heartbeats
        Scenario.create(client, Scenario.aReadyNode("alluxio-e2e-worker"), Scenario.aReadyNode("alluxio-e2e-worker2"));
        Scenario.create(client,
                Scenario.aWorkerPod("alluxio-worker-577545dc9-5vt8k", "alluxio-e2e-worker", "10.244.3.7"),
                Scenario.aWorkerPod("alluxio-worker-577545dc9-6hjj9", "alluxio-e2e-worker2", "10.244.1.14"));
        registry.registerLiveWorker(CLUSTER, WORKER_1, "10.244.3.7", 30);
        registry.registerLiveWorker(CLUSTER, WORKER_2, "10.244.1.14", 30);

        // when the image runs --check
        Podman.Result check = runToEnd("check", List.of("--check"));

        // then it exits 0: both workers alive, both stores answering, every permission granted by the shipped RBAC
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("WORKER PODS (2)", WORKER_1 + "  alive", WORKER_2 + "  alive",
                "etcd: answers: 2 registration(s)", "RESULT: OK, nothing is wrong (exit 0)");
    }

    @Test
    void should_remove_a_dead_worker_with_once_and_exit_0() throws Exception {
        // given the seed crash: worker3's node NotReady, its registration's lease expired
        Scenario.seedCrash(client, registry);

        // when the image runs --once, out of dry-run
        Podman.Result once = runToEnd("once", List.of("--once"));

        // then the dead worker's pod and key are gone, the live ones kept, and it exited 0
        assertThat(once.exitCode()).as(once.output()).isZero();
        assertThat(podExists(client, "default", DEAD_POD)).isFalse();
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_3))).isFalse();
        assertThat(podExists(client, "default", "alluxio-worker-577545dc9-5vt8k")).isTrue();
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_1))).isTrue();
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_2))).isTrue();
        assertThat(once.output()).contains("Removed offline Alluxio worker " + WORKER_3);
    }

    @Test
    void should_lead_run_cycles_from_its_archive_serve_health_and_metrics_and_end_on_sigterm() throws Exception {
        // given the seed crash
        Scenario.seedCrash(client, registry);
        String namespace = Podman.deployment().getMetadata().getNamespace();

        // when the image runs its default command, the JVM logging where each class came from
        int port = Management.freePort();
        Management management = new Management(port);
        Map<String, String> env = new LinkedHashMap<>(Map.of("JAVA_TOOL_OPTIONS", javaToolOptions()
                + " -Xlog:class+load=info:file=/var/log/offline-worker-reaper/class-load.txt"));
        String name = start("default", env, List.of("-Dcamel.management.port=" + port));

        // then it leads, removes the dead worker, and answers health and metrics
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() ->
                management.get("/observe/health/ready").status() == 200
                        && management.sample("reaper_cycle_duration_seconds_count").orElse(0) >= 2);
        assertThat(holder()).isEqualTo(REAPER_POD);
        assertThat(podExists(client, "default", DEAD_POD)).isFalse();
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_3))).isFalse();
        assertThat(management.get("/observe/health/live").status()).isEqualTo(200);
        String scrape = management.get("/observe/metrics").body();
        assertThat(Management.sample(scrape, "reaper_leader")).hasValue(1);
        assertThat(scrape).contains("reaper_remediations_total");

        // and its JVM mapped the AppCDS archive: the reaper's classes came from it, not from the jar (all but a few:
        // the archive holds what the recorded remediation loaded)
        Path classLoad = dir.resolve("volumes/logs/class-load.txt");
        List<String> reaperClasses = Files.readAllLines(classLoad).stream()
                .filter(l -> l.contains(" io.offlineworkerreaper.")).toList();
        long fromArchive = reaperClasses.stream().filter(l -> l.contains("source: shared objects file")).count();
        assertThat(reaperClasses).as("the reaper's classes loaded").hasSizeGreaterThan(50);
        assertThat(fromArchive).as("the AppCDS archive was not mapped: %d of the reaper's %d classes came from it",
                fromArchive, reaperClasses.size()).isGreaterThanOrEqualTo(reaperClasses.size() * 9 / 10);
        // and it wrote its log where the Deployment mounts a volume, nowhere else (the root filesystem is read-only)
        assertThat(dir.resolve("volumes/logs/worker-monitor.log")).isNotEmptyFile();

        // when it gets SIGTERM (podman stop waits the Deployment's grace period, then kills)
        long grace = Podman.gracePeriodSeconds();
        long sent = System.nanoTime();
        Podman.Result stop = Podman.podman(grace + 30, "stop", "--time", String.valueOf(grace), name);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
        System.out.println("The image's exit after SIGTERM took " + tookMillis + " ms");

        // then it ended by itself within the grace period, its cycle done and its Lease released
        assertThat(stop.exitCode()).as(stop.output()).isZero();
        String log = logs(name);
        assertThat(tookMillis).as(log).isLessThan(grace * 1000);
        assertThat(exitCode(name)).as("143: the JVM ended on SIGTERM; 137 would be the kill after the grace period")
                .isIn(0, 143);
        assertThat(log).contains("Released Lease " + namespace + "/").doesNotContain("Exception in thread");
        assertThat(holder()).isNull();
    }

    @Test
    void should_hold_the_tested_jar_and_its_bill_of_materials_and_nothing_of_the_build_or_the_demo() throws Exception {
        // given the image's files, as a created container exports them
        String name = "reaper-image-it-files-" + ProcessHandle.current().pid();
        containers.add(name);
        assertThat(Podman.podman(60, "create", "--name", name, image).exitCode()).isZero();
        Path tar = dir.resolve("image.tar");
        assertThat(Podman.podman(300, "export", "--output", tar.toString(), name).exitCode()).isZero();
        Podman.Result listing = Podman.run(120, List.of("tar", "--list", "--verbose", "--numeric-owner", "--file",
                tar.toString()));
        assertThat(listing.exitCode()).isZero();
        Map<String, String> owners = new LinkedHashMap<>(); // path -> uid/gid
        Matcher line = Pattern.compile("^\\S+ (\\d+/\\d+) +\\d+ \\S+ \\S+ (.+?)(?: -> .*)?$").matcher("");
        for (String entry : listing.output().split("\n")) {
            if (line.reset(entry).matches()) {
                owners.put("/" + line.group(2).replaceFirst("^\\./", "").replaceFirst("/$", ""), line.group(1));
            }
        }
        assertThat(owners).hasSizeGreaterThan(1000);

        // then /app holds the jar, its archive and its bill of materials, nothing else
        assertThat(owners.keySet().stream().filter(p -> p.startsWith("/app/")))
                .containsExactlyInAnyOrder("/app/offline-worker-reaper.jar", "/app/reaper.jsa", "/app/sbom.json");
        // and no demo, no build tool, no shell history, no sources, no Maven repository
        List<String> forbidden = owners.keySet().stream().filter(p -> p.endsWith("-demo.jar")
                || p.matches(".*/bin/(javac|jar|mvn|gradle|gcc|cc|g\\+\\+|make)")
                || p.matches(".*/\\.(bash|ash|sh|zsh|python)_history") || p.contains("/.m2/")
                || p.startsWith("/src/") || p.matches("/app/.*\\.(java|class)")).toList();
        assertThat(forbidden).isEmpty();
        // and the log directory belongs to the user the Deployment runs as, which is the image's user
        String user = Podman.deployment().getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser() + "/"
                + Podman.deployment().getSpec().getTemplate().getSpec().getSecurityContext().getRunAsGroup();
        assertThat(owners.get("/var/log/offline-worker-reaper")).as("the owner of the log directory, uid/gid")
                .isEqualTo(user);
        Podman.Result config = Podman.podman(60, "image", "inspect", "--format", "{{.Config.User}}", image);
        assertThat(config.output().trim()).as("the image's USER (docker run and compose run as it), uid:gid")
                .isEqualTo(user.replace('/', ':'));
        // and it is the image the Deployment names, exposing the port the Deployment probes
        assertThat(image).isEqualTo(Podman.reaperContainer().getImage());
        int management = Podman.reaperContainer().getPorts().stream().filter(p -> "management".equals(p.getName()))
                .findFirst().orElseThrow().getContainerPort();
        assertThat(Podman.podman(60, "image", "inspect", "--format", "{{json .Config.ExposedPorts}}", image).output())
                .contains("\"" + management + "/tcp\"");

        // and the jar is byte for byte the one the suite tested, the bill of materials the one the build wrote
        Path copied = Files.createDirectories(dir.resolve("copied"));
        assertThat(Podman.podman(120, "cp", name + ":/app/offline-worker-reaper.jar", copied.toString()).exitCode())
                .isZero();
        assertThat(Podman.podman(60, "cp", name + ":/app/sbom.json", copied.toString()).exitCode()).isZero();
        assertThat(sha256(copied.resolve("offline-worker-reaper.jar"))).isEqualTo(sha256(JAR));
        assertThat(copied.resolve("sbom.json")).hasSameBinaryContentAs(BOM);
        assertBillOfMaterialsListsWhatTheJarHolds(copied.resolve("sbom.json"), copied.resolve("offline-worker-reaper.jar"));
    }

    /**
     * Every component of the bill of materials put classes into the jar, and every class in the jar that is not
     * the reaper's own came from a component it lists: no demo-only artifact listed, none shipped unlisted.
     */
    private static void assertBillOfMaterialsListsWhatTheJarHolds(Path sbom, Path jar) throws IOException {
        JsonNode bom = new ObjectMapper().readTree(sbom.toFile());
        assertThat(bom.path("bomFormat").asText()).isEqualTo("CycloneDX");
        assertThat(bom.path("metadata").path("component").path("name").asText()).isEqualTo("offline-worker-reaper");
        Path repository = Path.of(System.getProperty("maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        Set<String> listedClasses = new HashSet<>();
        List<String> contributingNothing = new ArrayList<>();
        Set<String> jarClasses = classes(jar);
        List<String> names = new ArrayList<>();
        for (JsonNode component : bom.path("components")) {
            String group = component.path("group").asText();
            String artifact = component.path("name").asText();
            String version = component.path("version").asText();
            names.add(group + ":" + artifact + ":" + version);
            Path file = repository.resolve(group.replace('.', '/')).resolve(artifact).resolve(version)
                    .resolve(artifact + "-" + version + ".jar");
            assertThat(file).as("the listed component's jar, as Maven resolved it").exists();
            Set<String> its = classes(file);
            listedClasses.addAll(its);
            if (!its.isEmpty() && its.stream().noneMatch(jarClasses::contains)) {
                contributingNothing.add(group + ":" + artifact);
            }
        }
        assertThat(names).anyMatch(n -> n.startsWith("org.apache.camel:camel-main:"))
                .anyMatch(n -> n.equals("org.apache.camel:camel-etcd3:4.10.5"))
                .noneMatch(n -> n.contains("kubernetes-server-mock") || n.contains("mockwebserver"));
        assertThat(contributingNothing).as("listed, but none of their classes are in the jar").isEmpty();
        Set<String> unlisted = new TreeSet<>();
        for (String c : jarClasses) {
            if (!c.startsWith("io/offlineworkerreaper/") && !listedClasses.contains(c)) {
                unlisted.add(c.substring(0, c.lastIndexOf('/') + 1));
            }
        }
        assertThat(unlisted).as("packages in the jar from no listed component").isEmpty();
    }

    private static Set<String> classes(Path jar) throws IOException {
        Set<String> classes = new HashSet<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                String n = e.getName();
                if (n.endsWith(".class") && !n.startsWith("META-INF/") && !n.endsWith("module-info.class")) {
                    classes.add(n);
                }
            }
        }
        return classes;
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The Deployment's JVM flags. */
    private static String javaToolOptions() {
        return Podman.reaperContainer().getEnv().stream().filter(e -> e.getName().equals("JAVA_TOOL_OPTIONS"))
                .findFirst().orElseThrow().getValue();
    }

    /** What the test sets on top of the Deployment and its ConfigMap: where etcd is, and acting for real. */
    private Map<String, String> env(Map<String, String> more) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("REAPER_ETCD_ENDPOINTS", etcd.clientUrl());
        env.put("REAPER_DRY_RUN", "false");
        env.put("REAPER_CHECK_INTERVAL", "2s");
        env.put(Podman.POD_NAME_VARIABLE, REAPER_POD);
        // in the cluster, the service account's namespace file says it
        env.put("REAPER_LEADER_ELECTION_NAMESPACE", Podman.deployment().getMetadata().getNamespace());
        env.putAll(more);
        return env;
    }

    private List<String> command(String name, Map<String, String> env, List<String> args) throws IOException {
        return Podman.runAsDeployed(image, name, dir.resolve("volumes"),
                BenchCluster.kubeconfig(dir, client.getMasterUrl().toString()), env(env), args);
    }

    private Podman.Result runToEnd(String what, List<String> args) throws Exception {
        String name = "reaper-image-it-" + what + "-" + ProcessHandle.current().pid();
        containers.add(name);
        return Podman.run(180, command(name, Map.of(), args));
    }

    private String start(String what, Map<String, String> env, List<String> args) throws Exception {
        String name = "reaper-image-it-" + what + "-" + ProcessHandle.current().pid();
        containers.add(name);
        List<String> command = command(name, env, args);
        command.add(2, "--detach");
        Podman.Result started = Podman.run(60, command);
        assertThat(started.exitCode()).as(started.output()).isZero();
        return name;
    }

    private static String logs(String name) throws Exception {
        return Podman.podman(60, "logs", name).output();
    }

    private static int exitCode(String name) throws Exception {
        return Integer.parseInt(Podman.podman(60, "inspect", "--format", "{{.State.ExitCode}}", name).output().trim());
    }

    private String holder() {
        Lease lease = client.leases().inNamespace(Podman.deployment().getMetadata().getNamespace())
                .withName("offline-worker-reaper").get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }
}
