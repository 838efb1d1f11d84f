package io.offlineworkerreaper;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.offlineworkerreaper.demo.ClusterObjects;
import io.offlineworkerreaper.demo.EtcdServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image's start and memory (docs/BENCHMARKS.md): {@code podman run} to the end of the first cycle, and the
 * resident memory of its JVM after a minute, with the image's AppCDS archive (its entrypoint) and without it; beside
 * them the jar started on this machine as the image starts it ({@link BenchJar#startAsImage}), in the same
 * interleaved runs. The image runs as the Deployment runs it ({@link Podman#runAsDeployed}: watch mode, leader
 * election, its memory limit), on a 20-node emulated cluster with the reaper's own pod. Needs podman:
 * {@code mvn -Pbench,image verify -Dit.test=ImageBench} (-Dbench.image-runs=N, default 5). Writes
 * target/bench/image.md.
 */
class ImageBench {

    private static final int RUNS = Integer.getInteger("bench.image-runs", 5);
    private static final String REAPER_POD = "offline-worker-reaper-7d9f8b6c5-b3nch";

    @Test
    void measure() throws Exception {
        String image = Podman.image();
        Path dir = Files.createTempDirectory("reaper-image-bench");
        String namespace = Podman.deployment().getMetadata().getNamespace();
        try (BenchCluster cluster = new BenchCluster(); EtcdServer etcd = EtcdServer.start(dir.resolve("etcd"))) {
            cluster.load(20, 10);
            Pod self = new PodBuilder(ClusterObjects.pod(namespace, REAPER_POD, BenchCluster.nodeName(0), "10.250.0.9",
                    Podman.deployment().getSpec().getTemplate().getMetadata().getLabels()))
                    .editStatus().addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build();
            cluster.client.pods().resource(self).create();
            Path kubeconfig = cluster.kubeconfig(dir);
            Map<String, String> env = new LinkedHashMap<>();
            env.put("REAPER_ETCD_ENDPOINTS", etcd.clientUrl());
            env.put("REAPER_WORKERS_NAMESPACE", BenchCluster.WORKERS_NAMESPACE);
            env.put(Podman.POD_NAME_VARIABLE, REAPER_POD);
            env.put("REAPER_LEADER_ELECTION_NAMESPACE", namespace);
            // -Dbench.image-env=K=V,K=V: settings over the Deployment's, e.g. REAPER_DETECTION=poll and
            // REAPER_LEADER_ELECTION_ENABLED=false for the conditions of ScaleBench's start-up runs
            String overrides = System.getProperty("bench.image-env", "").trim();
            for (String setting : overrides.isEmpty() ? new String[0] : overrides.split(",")) {
                env.put(setting.substring(0, setting.indexOf('=')).trim(), setting.substring(setting.indexOf('=') + 1));
            }

            Map<String, List<Long>> starts = new LinkedHashMap<>();
            Map<String, Long> rss = new LinkedHashMap<>();
            for (int i = 0; i <= RUNS; i++) {
                boolean last = i == RUNS; // the last run of each stays a minute, for its resident memory
                for (String variant : List.of("image, AppCDS archive", "image, no archive", "jar as the image starts it")) {
                    cluster.client.leases().inNamespace(namespace).delete(); // each run takes the Lease afresh
                    Run run = variant.startsWith("jar")
                            ? jar(dir, "jar-" + i, env, kubeconfig)
                            : container(image, dir, "bench-" + i + "-" + (variant.contains("no") ? "plain" : "cds"),
                                    env, kubeconfig, !variant.contains("no"));
                    try {
                        long millis = run.firstCycle().get(2, TimeUnit.MINUTES);
                        if (i > 0) { // the first round warms the machine's caches, not counted
                            starts.computeIfAbsent(variant, v -> new ArrayList<>()).add(millis);
                        }
                        if (last) {
                            Thread.sleep(Duration.ofMinutes(1).toMillis() - millis);
                            rss.put(variant, run.rssMiB().get());
                        }
                    } finally {
                        run.stop().run();
                    }
                }
            }
            List<String> report = new ArrayList<>(List.of("# The image: start and memory", "",
                    "`podman run` (or `java -jar`) to the first cycle ended, 20 nodes, the Deployment's ConfigMap "
                            + "(watch mode, leader election)" + (overrides.isEmpty() ? "" : " with " + overrides)
                            + ", the Deployment's JVM flags and memory limit; resident "
                            + "memory of the JVM one minute after its start (the jar's with Native Memory Tracking on, as "
                            + "BenchJar starts it).", "",
                    "| variant | runs | median | min | max | all (ms) | RSS after 1 min |", "|---|---|---|---|---|---|---|"));
            starts.forEach((variant, ms) -> report.add("| " + variant + " | " + ms.size() + " | "
                    + ScaleBench.percentile(ms, 50) + " ms | " + Collections.min(ms) + " ms | " + Collections.max(ms)
                    + " ms | " + ms + " | " + rss.get(variant) + " MiB |"));
            Podman.Result size = Podman.podman(60, "image", "inspect", "--format", "{{.Size}}", image);
            Podman.Result layers = Podman.podman(60, "history", "--format", "{{.Size}}\t{{.CreatedBy}}", image);
            report.add("");
            report.add("Image " + image + ": " + Long.parseLong(size.output().trim()) / 1_000_000 + " MB");
            report.add("");
            report.add("```");
            layers.output().lines().map(l -> l.length() > 140 ? l.substring(0, 140) + "..." : l).forEach(report::add);
            report.add("```");
            Path out = Files.createDirectories(Path.of("target", "bench"))
                    .resolve(overrides.isEmpty() ? "image.md" : "image-" + Integer.toHexString(overrides.hashCode()) + ".md");
            Files.write(out, report);
            report.forEach(System.out::println);
            assertThat(starts.values()).allSatisfy(ms -> assertThat(ms).hasSize(RUNS));
        }
    }

    /** One started reaper: when its first cycle ended (ms from its start), its resident memory, how to stop it. */
    private record Run(CompletableFuture<Long> firstCycle, Measure rssMiB, Stop stop) {
    }

    private interface Measure {
        long get() throws Exception;
    }

    private interface Stop {
        void run() throws Exception;
    }

    private static Run container(String image, Path dir, String name, Map<String, String> env, Path kubeconfig,
                                 boolean archive) throws Exception {
        List<String> args = new ArrayList<>();
        if (!archive) { // the entrypoint without its archive flags
            args.addAll(List.of("-jar", "/app/offline-worker-reaper.jar"));
        }
        List<String> command = new ArrayList<>(Podman.runAsDeployed(image, name, dir.resolve(name), kubeconfig, env,
                args));
        command.add(command.indexOf(image), "--rm");
        if (!archive) {
            command.addAll(command.indexOf(image), List.of("--entrypoint", "java"));
        }
        long spawned = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        return new Run(firstCycle(process, spawned, dir.resolve(name + ".log")),
                () -> vmRssMiB(Long.parseLong(Podman.podman(30, "inspect", "--format", "{{.State.Pid}}", name).output()
                        .trim())),
                () -> {
                    Podman.podman(60, "stop", "--time", "20", name);
                    process.waitFor(30, TimeUnit.SECONDS);
                    Podman.podman(60, "rm", "--force", "--time", "0", name);
                });
    }

    private static Run jar(Path dir, String name, Map<String, String> env, Path kubeconfig) throws Exception {
        Map<String, String> all = new LinkedHashMap<>(Podman.configMap().getData());
        all.putAll(env);
        all.put("KUBECONFIG", kubeconfig.toString());
        all.put("REAPER_LOG_FILE", dir.resolve(name + "-file.log").toString());
        all.put("REAPER_AUDIT_FILE", dir.resolve(name + "-audit.jsonl").toString());
        BenchJar jar = BenchJar.startAsImage(dir, name, all);
        CompletableFuture<Long> first = CompletableFuture.supplyAsync(() -> {
            try {
                return Duration.between(jar.spawned, jar.await("Cycle ended", Duration.ofMinutes(2))).toMillis();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return new Run(first, jar::rssMiB, jar::close);
    }

    /** When the output first says a cycle ended, in ms from {@code spawned}; the output goes to {@code log}. */
    private static CompletableFuture<Long> firstCycle(Process process, long spawned, Path log) {
        CompletableFuture<Long> first = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8)); var copy = Files.newBufferedWriter(log)) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (!first.isDone() && line.contains("Cycle ended")) {
                        first.complete(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - spawned));
                    }
                    copy.write(line);
                    copy.newLine();
                }
            } catch (Exception ignored) {
                // the container ended
            }
            first.completeExceptionally(new IllegalStateException("no cycle ended; output in " + log));
        }, "image-bench-log");
        reader.setDaemon(true);
        reader.start();
        return first;
    }

    private static long vmRssMiB(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }
}
