package io.offlineworkerreaper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.etcd.jetcd.Client;
import io.offlineworkerreaper.demo.AlluxioRegistry;
import io.offlineworkerreaper.demo.EtcdServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The soak benchmark (issue 23): what a month of running does to the reaper, compressed. The production jar, under
 * the Deployment's flags, runs {@code bench.soak.cycles} (100,000) cycles every 10 ms against the API emulator and
 * a real etcd, with a node flapping every second, a worker refused in every cycle (its node NotReady, its lease
 * alive) and a Slack that fails every other post. At 10 % and at the end it measures resident memory, threads,
 * open files, the bytes of its log and audit files, and the API requests per 1,000 cycles; all must be flat.
 * {@code mvn -Pbench verify -Dit.test=SoakBench}; writes target/bench/soak.md.
 */
class SoakBench {

    static final long CYCLES = Long.getLong("bench.soak.cycles", 100_000);
    static final String PREFIX = "soak";
    static final int NODES = 20;
    static final int REFUSED = 3;
    static final int FLAPPING = 5;

    /** One look at the running reaper. */
    record Sample(long cycles, Duration elapsed, long rssMiB, long threads, long openFiles, long diskBytes,
                  long auditLines, long apiRequests, int slackPosts) {
    }

    @Test
    void soak() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "bench", "soak")).toAbsolutePath();
        Path files = dir.resolve("reaper-files");
        if (Files.exists(files)) {
            try (var old = Files.list(files)) {
                for (Path f : old.toList()) {
                    Files.delete(f);
                }
            }
        }
        Files.createDirectories(files);
        AtomicBoolean flapping = new AtomicBoolean(true);
        List<Sample> samples = new ArrayList<>();
        try (EtcdServer etcd = EtcdServer.start(Files.createTempDirectory("soak-etcd"));
             Client client = Client.builder().endpoints(etcd.clientUrl()).build();
             AlluxioRegistry registry = new AlluxioRegistry(client);
             BenchCluster cluster = new BenchCluster();
             HttpStandIn slack = new HttpStandIn()) {
            // given 20 nodes with a live worker each; one node long NotReady whose worker still heartbeats
            cluster.load(NODES, 5);
            for (int n = 0; n < NODES; n++) {
                String worker = ScaleBench.Workers.id(PREFIX, n);
                registry.authorize(ScaleBench.cluster(PREFIX), worker, BenchCluster.podIp(n, 0));
                registry.heartbeat(ScaleBench.cluster(PREFIX), worker, BenchCluster.podIp(n, 0), 10);
            }
            cluster.setReady(BenchCluster.nodeName(REFUSED), "Unknown", Instant.now().minus(Duration.ofMinutes(10)));
            slack.failEveryOther();

            Map<String, String> env = new LinkedHashMap<>();
            env.put("KUBECONFIG", cluster.kubeconfig(dir).toString());
            env.put("REAPER_ETCD_ENDPOINTS", etcd.clientUrl());
            env.put("REAPER_ALLUXIO_CLUSTER_NAME", ScaleBench.cluster(PREFIX));
            env.put("REAPER_WORKERS_NAMESPACE", BenchCluster.WORKERS_NAMESPACE);
            env.put("REAPER_DETECTION", "poll");
            env.put("REAPER_CHECK_INTERVAL", "10ms");
            env.put("REAPER_SLACK_WEBHOOK_URL", slack.webhookUrl());
            env.put("REAPER_NOTIFY_RETRY_FOR", "30s");
            env.put("REAPER_LOG_FILE", files.resolve("worker-monitor.log").toString());
            env.put("REAPER_AUDIT_FILE", files.resolve("audit.jsonl").toString());

            // and a node flapping between Ready and NotReady every second, for the whole run
            Thread flapper = new Thread(() -> {
                boolean ready = false;
                while (flapping.get()) {
                    cluster.setReady(BenchCluster.nodeName(FLAPPING), ready ? "True" : "Unknown", Instant.now());
                    ready = !ready;
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "soak-flapper");

            // when the reaper runs 100,000 cycles
            try (BenchJar jar = BenchJar.start(dir, "soak", env, List.of()).streaming()) {
                Instant started = Instant.now();
                flapper.start();
                long[] checkpoints = {CYCLES / 10, CYCLES / 2, CYCLES};
                for (long checkpoint : checkpoints) {
                    long deadline = System.nanoTime() + Duration.ofMillis(checkpoint * 100).toNanos();
                    while (jar.cyclesEnded() < checkpoint) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("only " + jar.cyclesEnded() + " cycles of " + checkpoint
                                    + "; the reaper's last lines:\n" + jar.lastLines());
                        }
                        Thread.sleep(200);
                    }
                    samples.add(sample(jar, started, files, cluster, slack));
                    System.out.println("soak: " + samples.get(samples.size() - 1));
                }
            } finally {
                flapping.set(false);
                flapper.interrupt();
            }
        }

        // then memory, threads, files, disk and API requests per cycle are flat from 10 % to the end
        String report = report(samples);
        System.out.println(report);
        Files.writeString(dir.resolve("../soak.md").normalize(), report, StandardCharsets.UTF_8);
        Sample first = samples.get(0);
        Sample last = samples.get(samples.size() - 1);
        assertThat(last.rssMiB()).as("resident memory, MiB").isLessThanOrEqualTo(first.rssMiB() + 48);
        assertThat(last.threads()).as("threads").isLessThanOrEqualTo(first.threads() + 4);
        assertThat(last.openFiles()).as("open files").isLessThanOrEqualTo(first.openFiles() + 8);
        // the log's 5 x 5MB and the audit's 3 x 5MB, whatever the run's length
        assertThat(last.diskBytes()).as("bytes of the log and audit files").isLessThanOrEqualTo(45L * 1024 * 1024);
        assertThat(last.auditLines()).as("audit lines").isLessThanOrEqualTo(first.auditLines() + 1_000);
        double firstRate = perThousand(samples.get(0).apiRequests(), samples.get(0).cycles());
        double lastRate = perThousand(last.apiRequests() - samples.get(1).apiRequests(),
                last.cycles() - samples.get(1).cycles());
        assertThat(lastRate).as("API requests per 1,000 cycles").isLessThanOrEqualTo(firstRate * 1.2 + 1);
    }

    private static double perThousand(long requests, long cycles) {
        return cycles == 0 ? 0 : requests * 1000.0 / cycles;
    }

    private static Sample sample(BenchJar jar, Instant started, Path files, BenchCluster cluster, HttpStandIn slack)
            throws Exception {
        long bytes = 0;
        long auditLines = 0;
        try (var all = Files.list(files)) {
            for (Path f : all.toList()) {
                bytes += Files.size(f);
                if (f.getFileName().toString().startsWith("audit.jsonl")) {
                    try (var lines = Files.lines(f)) {
                        auditLines += lines.count();
                    }
                }
            }
        }
        return new Sample(jar.cyclesEnded(), Duration.between(started, Instant.now()), jar.procStatus("VmRSS") / 1024,
                jar.procStatus("Threads"), jar.openFiles(), bytes, auditLines, cluster.api.requests.get(),
                slack.posts().size());
    }

    private static String report(List<Sample> samples) {
        StringBuilder out = new StringBuilder("# Soak: " + CYCLES + " cycles every 10 ms, " + Instant.now()
                + "\n\nA node flapping every second, a worker refused in every cycle, Slack failing every other post;"
                + " the production jar under the Deployment's flags (and Native Memory Tracking).\n\n"
                + "| cycles | elapsed | RSS | threads | open files | log + audit bytes | audit lines | API requests"
                + " | per 1,000 cycles since the last row | Slack posts |\n|---|---|---|---|---|---|---|---|---|---|\n");
        Sample before = null;
        for (Sample s : samples) {
            double rate = before == null ? perThousand(s.apiRequests(), s.cycles())
                    : perThousand(s.apiRequests() - before.apiRequests(), s.cycles() - before.cycles());
            out.append(String.format("| %,d | %d s | %d MiB | %d | %d | %,d | %d | %,d | %.0f | %d |%n", s.cycles(),
                    s.elapsed().toSeconds(), s.rssMiB(), s.threads(), s.openFiles(), s.diskBytes(), s.auditLines(),
                    s.apiRequests(), rate, s.slackPosts()));
            before = s;
        }
        return out.toString();
    }
}
