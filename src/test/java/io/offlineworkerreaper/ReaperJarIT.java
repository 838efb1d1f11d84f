package io.offlineworkerreaper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import io.offlineworkerreaper.demo.Demo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Black-box: the packaged jars, started as a user starts them, from a directory that is not the project's:
 * the production jar, and the demo jar that ./run.sh runs when no cluster is configured.
 * Runs in the integration-test phase, after the jars are built.
 */
class ReaperJarIT {

    /** What only the demo needs: the demo package and fabric8's mock API server. */
    private static final List<String> FORBIDDEN = List.of("io/offlineworkerreaper/demo/",
            "io/fabric8/kubernetes/client/server/mock/", "io/fabric8/mockwebserver/");
    private static final Pattern LATENCY = Pattern.compile("removed (\\d+) ms after the lease expired");

    record Run(int exitCode, String output, Path workDir) {
    }

    private static final Path PRODUCTION_JAR =
            Path.of(System.getProperty("reaper.jar", "target/offline-worker-reaper.jar")).toAbsolutePath();
    private static final Path DEMO_JAR =
            Path.of(System.getProperty("reaper.demo.jar", "target/offline-worker-reaper-demo.jar")).toAbsolutePath();

    private static Run runJar(String... args) throws IOException, InterruptedException {
        return runJar(Map.of(), args);
    }

    /** The demo jar when the arguments ask for the demo, else the production jar. */
    private static Path jarFor(String... args) {
        return List.of(args).contains("--demo") ? DEMO_JAR : PRODUCTION_JAR;
    }

    /** The jar started from a directory of its own, its management port on a free port. */
    private static Process startJar(Path workDir, Map<String, String> env, int managementPort, String... args)
            throws IOException {
        return startJar(jarFor(args), workDir, env, managementPort, args);
    }

    private static Process startJar(Path jar, Path workDir, Map<String, String> env, int managementPort,
                                    String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        command.add("-Dcamel.management.port=" + managementPort);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(workDir.resolve("output.txt").toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    private static Run runJar(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path elsewhere = Files.createTempDirectory("reaper-jar-it");
        Path output = elsewhere.resolve("output.txt");
        Process process = startJar(elsewhere, env, Management.freePort(), args);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the jar did not exit within 120s:\n" + Files.readString(output));
        }
        return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8), elsewhere);
    }

    @Test
    void should_archive_the_recorded_classes_as_the_dockerfile_does_and_start_with_it_or_silently_without_it()
            throws Exception {
        Path app = Files.createTempDirectory("reaper-app");
        Files.copy(PRODUCTION_JAR, app.resolve("offline-worker-reaper.jar"));

        // when the classes of a remediation are recorded as ./run.sh image records them (the demo, one remediation),
        // and the Dockerfile's archive step runs where the image has the jar (it exits 0, or this throws)
        Path classes = Image.recordClassList(Files.createTempDirectory("reaper-class-list"));
        assertThat(Files.readAllLines(classes)).hasSizeGreaterThan(5000)
                .anyMatch(l -> l.startsWith("io/offlineworkerreaper/cycle/"))
                .noneMatch(l -> l.contains("io/offlineworkerreaper/demo/") || l.contains("mockwebserver"));
        Image.train(app, classes);

        // then it wrote the archive, and the image's entrypoint maps it (-Xshare:on fails when it cannot)
        assertThat(Files.size(app.resolve("reaper.jsa"))).isGreaterThan(10L * 1024 * 1024);
        List<String> entrypoint = Image.entrypoint(app);
        assertThat(entrypoint).contains("-Xshare:auto");
        List<String> strict = new ArrayList<>(entrypoint);
        strict.set(strict.indexOf("-Xshare:auto"), "-Xshare:on");
        strict.add("--help");
        Process mapped = new ProcessBuilder(strict).redirectErrorStream(true).start();
        String help = new String(mapped.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(mapped.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(mapped.exitValue()).as(help).isZero();
        assertThat(help).contains("--once");

        // and with an archive that does not match (another build's), it starts all the same, saying nothing of it
        Files.write(app.resolve("reaper.jsa"), new byte[4096]);
        List<String> stale = new ArrayList<>(entrypoint);
        stale.add("--help");
        Process fallback = new ProcessBuilder(stale).redirectErrorStream(true).start();
        String out = new String(fallback.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(fallback.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(fallback.exitValue()).as(out).isZero();
        assertThat(out).contains("--once").doesNotContainIgnoringCase("cds").doesNotContainIgnoringCase("shared archive");
    }

    @Test
    void should_run_the_demo_to_the_remediation_and_exit_cleanly() throws Exception {
        Run run = runJar("--demo", "-Ddemo.crash-after=2s", "-Ddemo.exit-when-done=true", "-Dreaper.check-interval=1s",
                "-Dreaper.log.file=reaper.log", "-Dreaper.log.max-size=4KB", "-Dreaper.log.max-files=2");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output())
                .contains("Not removing Alluxio worker " + Demo.DEAD_WORKER + ": it is still heartbeating")
                .contains("Removed offline Alluxio worker " + Demo.DEAD_WORKER)
                .contains("no Slack, Alertmanager or webhook is configured, this is what they would receive")
                .contains("remediation complete")
                .contains("default/alluxio-master-0", "default/alluxio-worker-577545dc9-5vt8k",
                        "default/alluxio-worker-577545dc9-6hjj9", "default/spark-client-7d4b9",
                        "kube-system/kube-proxy-x2v7q");
        Matcher latency = LATENCY.matcher(run.output());
        assertThat(latency.find()).as(run.output()).isTrue();
        long millis = Long.parseLong(latency.group(1));
        System.out.println("Remediation latency after lease expiry at check-interval=1s: " + millis + " ms");
        assertThat(millis).as("remediation within 2 s of the lease expiring").isLessThanOrEqualTo(2000);

        // and the log went to a file rotated at 4 KB, two old files kept, the newest of them .1
        Path log = run.workDir().resolve("reaper.log");
        assertThat(log).exists();
        assertThat(run.workDir().resolve("reaper.log.1")).exists();
        assertThat(run.workDir().resolve("reaper.log.2")).exists();
        assertThat(run.workDir().resolve("reaper.log.3")).doesNotExist();
        assertThat(Files.size(run.workDir().resolve("reaper.log.1"))).isBetween(4096L, 8192L);
        assertThat(Files.readString(log) + Files.readString(run.workDir().resolve("reaper.log.1")))
                .contains("remediation complete");
    }

    /**
     * The production jar, --once, on workers registered by Alluxio's own published code (release 313, a JVM per
     * worker): the crashed worker's pod and registration go, and Alluxio's own view then has the live worker alone.
     */
    @Test
    void should_remove_a_worker_registered_by_alluxios_own_code_as_alluxio_sees_it() throws Exception {
        String release = "313";
        Path dir = Files.createTempDirectory("reaper-jar-it-alluxio");
        try (BenchCluster cluster = new BenchCluster();
             io.offlineworkerreaper.demo.EtcdServer etcd = io.offlineworkerreaper.demo.EtcdServer.start(dir.resolve("etcd"))) {
            Scenario.create(cluster.client, Scenario.aReadyNode("alluxio-e2e-worker"), Scenario.aReadyNode("spare"),
                    Scenario.aNotReadyNode("alluxio-e2e-worker3"));
            Scenario.create(cluster.client, Scenario.aWorkerPod("alluxio-worker-1", "alluxio-e2e-worker", "10.244.3.7"),
                    Scenario.aWorkerPod("alluxio-worker-3", "alluxio-e2e-worker3", "10.244.4.5"));
            List<AlluxioReleases.Worker> workers = AlluxioReleases.joinAll(release, etcd.clientUrl(), Scenario.CLUSTER,
                    "5b7d4c0e-9a8b-4d5c-8e3f-2a1b3f2c9a1e", "10.244.3.7", "0d950643-73c0-461d-a694-ecc601819336", "10.244.4.5");
            try (AlluxioReleases.Worker live = workers.get(0)) {
                workers.get(1).kill();
                try (io.offlineworkerreaper.demo.AlluxioRegistry keys = new io.offlineworkerreaper.demo.AlluxioRegistry(
                        etcd.clientUrl())) { // the crashed worker's lease expires
                    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> !keys.exists(
                            Scenario.heartbeatKey(Scenario.CLUSTER, "worker-0d950643-73c0-461d-a694-ecc601819336")));
                }
                assertThat(AlluxioReleases.view(release, etcd.clientUrl(), Scenario.CLUSTER).failed())
                        .as("getFailedMembers before").containsExactly("10.244.4.5:29999");

                Run run = runJar(Map.of("KUBECONFIG", cluster.kubeconfig(dir).toString(),
                        "REAPER_ETCD_ENDPOINTS", etcd.clientUrl(), "REAPER_DRY_RUN", "false",
                        "REAPER_ALLUXIO_CLUSTER_NAME", Scenario.CLUSTER, "REAPER_CHECK_INTERVAL", "1s"), "--once");

                assertThat(run.exitCode()).as(run.output()).isZero();
                AlluxioReleases.View members = AlluxioReleases.view(release, etcd.clientUrl(), Scenario.CLUSTER);
                assertThat(members.all()).as("getAllMembers").containsExactly("10.244.3.7:29999");
                assertThat(members.live()).as("getLiveMembers").containsExactly("10.244.3.7:29999");
                assertThat(members.failed()).as("getFailedMembers").isEmpty();
                assertThat(Scenario.podExists(cluster.client, "default", "alluxio-worker-3")).isFalse();
                assertThat(Scenario.podExists(cluster.client, "default", "alluxio-worker-1")).isTrue();
            }
        }
    }

    @Test
    void should_ship_no_demo_and_no_mock_server_in_the_production_jar() throws Exception {
        List<String> offending = new ArrayList<>();
        int classes = 0;
        try (ZipFile jar = new ZipFile(PRODUCTION_JAR.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(jar.entries())) {
                String name = entry.getName();
                if (FORBIDDEN.stream().anyMatch(name::startsWith)) {
                    offending.add(name);
                } else if (name.startsWith("io/offlineworkerreaper/") && name.endsWith(".class")) {
                    classes++;
                    // a class file names every class it uses in its constant pool, as io/x/Y
                    String bytes = new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.ISO_8859_1);
                    FORBIDDEN.stream().filter(bytes::contains).forEach(f -> offending.add(name + " uses " + f));
                }
            }
        }
        assertThat(classes).as("the reaper's classes").isGreaterThan(60);
        assertThat(offending).isEmpty();
        try (ZipFile demo = new ZipFile(DEMO_JAR.toFile())) {
            assertThat(demo.getEntry("io/offlineworkerreaper/demo/Demo.class")).isNotNull();
            assertThat(demo.getEntry("io/fabric8/kubernetes/client/server/mock/KubernetesMockServer.class")).isNotNull();
        }
    }

    @Test
    void should_send_whoever_asks_the_production_jar_for_the_demo_to_the_demo_jar() throws Exception {
        Path elsewhere = Files.createTempDirectory("reaper-jar-it");
        Process process = startJar(PRODUCTION_JAR, elsewhere, Map.of(), Management.freePort(), "--demo");
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(Files.readString(elsewhere.resolve("output.txt")))
                .contains("the demo is not part of the production jar", "offline-worker-reaper-demo.jar");
    }

    @Test
    void should_refuse_to_start_on_an_invalid_setting_and_name_the_key() throws Exception {
        Run run = runJar("-Dreaper.check-interval=banana");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.output()).contains("Invalid setting reaper.check-interval=banana",
                "a duration such as 500ms, 30s, 5m or 1h");
    }

    @Test
    void should_say_how_to_install_etcd_when_the_demo_cannot_find_it() throws Exception {
        Run run = runJar(Map.of("PATH", "/nonexistent"), "--demo");

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.output()).contains("etcd was not found on PATH", "sudo apt-get install -y etcd-server");
    }

    @Test
    void should_read_settings_from_the_environment() throws Exception {
        Run run = runJar(Map.of("REAPER_NODES_NOT_READY_FOR", "soon"));

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.output()).contains("Invalid setting reaper.nodes.not-ready-for=soon", "REAPER_NODES_NOT_READY_FOR");
    }

    @Test
    void should_run_the_demo_in_dry_run_and_delete_nothing() throws Exception {
        Run run = runJar("--demo", "-Ddemo.crash-after=2s", "-Ddemo.exit-when-done=true", "-Dreaper.check-interval=1s",
                "-Dreaper.dry-run=true");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("DRY-RUN: nothing will be deleted",
                "[DRY-RUN] Would remove offline Alluxio worker " + Demo.DEAD_WORKER,
                "pod " + Demo.DEAD_POD + " is still there and worker key still there");
        assertThat(run.output().split("\\[DRY-RUN\\] Would remove offline Alluxio worker", -1))
                .as("announced once, not every cycle").hasSize(2);
    }

    @Test
    void should_end_within_ten_seconds_on_sigterm_and_leave_nothing_behind() throws Exception {
        // given the demo running, serving health and metrics, in the middle of its cycles
        Path workDir = Files.createTempDirectory("reaper-jar-it");
        Management management = new Management(Management.freePort());
        Process process = startJar(workDir, Map.of(), management.port(), "--demo", "-Ddemo.crash-after=2s",
                "-Dreaper.check-interval=1s");
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> management.get("/observe/health/ready").status() == 200
                            && management.sample("reaper_cycle_duration_seconds_count").orElse(0) >= 2);
            String scrape = management.get("/observe/metrics").body();
            assertThat(Management.sample(scrape, "reaper_leader")).hasValue(1);

            // when it gets SIGTERM (what Kubernetes sends)
            long sent = System.nanoTime();
            process.destroy();

            // then it ends within 10 s, cleanly, and its demo etcd is gone with it
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            System.out.println("Exit after SIGTERM took " + tookMillis + " ms");
            String output = Files.readString(workDir.resolve("output.txt"));
            assertThat(tookMillis).as(output).isLessThanOrEqualTo(10_000);
            assertThat(output).contains("shutdown");
            assertThat(output).doesNotContain("Exception in thread");
        } finally {
            process.destroyForcibly();
        }
    }
}
