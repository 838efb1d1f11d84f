package io.offlineworkerreaper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.offlineworkerreaper.alluxio.AlluxioKeys;
import io.offlineworkerreaper.demo.AlluxioRegistry;
import io.offlineworkerreaper.demo.EtcdServer;
import io.offlineworkerreaper.kubernetes.NodeSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The performance benchmark (issue 7), run by {@code mvn -Pbench verify}, never by the default test run. The
 * reaper's jar, started as the Deployment starts it, against the fabric8 API emulator and a real etcd:
 * <ol>
 *   <li>remediation latency, from the dead worker's heartbeat key expiring in etcd (its node NotReady) to its
 *       pod and /DHT key gone, at check-interval 1 s (poll) and in watch mode, on a 20-node cluster;</li>
 *   <li>the healthy cycle of a 5,000-node cluster (one worker and 25 other pods per node): API requests and
 *       bytes per cycle, cycle wall time, heap after a full GC;</li>
 *   <li>the same latency on one node among 5,000, in both modes;</li>
 *   <li>startup (java -jar to the first cycle ended) and resident memory after one minute.</li>
 * </ol>
 * Prints a report and writes it to target/bench/results.md. Asserts the targets.
 */
class ScaleBench {

    /** Each emulated cluster has its own Alluxio cluster in etcd (the same pod IPs in one would be refused). */
    static String cluster(String prefix) {
        return "bench-" + prefix;
    }
    static final int LATENCY_RUNS = Integer.getInteger("bench.runs", 7);
    static final int NODES = Integer.getInteger("bench.nodes", 5000);
    static final int OTHER_PODS = Integer.getInteger("bench.other-pods", 25);
    /** The last phase's cluster size, watch mode only; 0 skips it. */
    static final int HUGE = Integer.getInteger("bench.huge-nodes", 15000);
    /**
     * Remediations before the measured ones, on other nodes, not counted (reported apart): a reaper runs for days,
     * and its first cycles run its code interpreted; measured alone, 5,000 nodes' readiness took 12-15 ms per
     * pass over them in the first ten cycles and 1.3 ms once compiled.
     */
    static final int WARMUPS = Integer.getInteger("bench.warmups", 5);
    /** Startup runs per variant (without and with the AppCDS archive). */
    static final int STARTUPS = Integer.getInteger("bench.startups", 5);

    private final Map<String, Instant> etcdDeleted = new ConcurrentHashMap<>();
    private final List<String> report = new ArrayList<>();
    private final List<String> missed = new ArrayList<>();

    @Test
    void measure() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "bench")).toAbsolutePath();
        report.add("# offline-worker-reaper benchmark, " + Instant.now());
        report.add("");
        report.add("Machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", Java "
                + System.getProperty("java.version") + "; reaper JVM flags " + String.join(" ", BenchJar.POD_JVM)
                + ", -XX:NativeMemoryTracking=summary (for the native memory figures)");
        report.add("");
        try (EtcdServer etcd = EtcdServer.start(Files.createTempDirectory("bench-etcd"));
             Client etcdClient = Client.builder().endpoints(etcd.clientUrl()).build()) {
            etcdClient.getWatchClient().watch(ByteSequence.from("/", StandardCharsets.UTF_8),
                    WatchOption.builder().isPrefix(true).withNoPut(true).build(), Watch.listener(response -> {
                        for (WatchEvent event : response.getEvents()) {
                            etcdDeleted.put(event.getKeyValue().getKey().toString(StandardCharsets.UTF_8),
                                    Instant.now());
                        }
                    }));
            Workers workers = new Workers(etcdClient);

            // 1. latency on a small cluster, poll then watch
            if (Boolean.parseBoolean(System.getProperty("bench.small", "true"))) try (BenchCluster small = new BenchCluster()) {
                small.load(20, OTHER_PODS);
                workers.register("small", 20, List.of(1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 14, 15, 16, 17));
                List<Long> poll = latencies(dir, "small-poll", small, workers, "small", etcd, "poll", "1s",
                        List.of(1, 2, 3, 4, 5, 6, 7).subList(0, Math.min(7, LATENCY_RUNS)));
                List<Long> watch = latencies(dir, "small-watch", small, workers, "small", etcd, "watch", "30s",
                        List.of(11, 12, 13, 14, 15, 16, 17).subList(0, Math.min(7, LATENCY_RUNS)));
                section("1. Remediation latency, 20 nodes (heartbeat key expired -> pod and /DHT key gone)");
                row("poll, check-interval 1s", poll, 2000);
                row("watch, check-interval 30s (safety net)", watch, 1000);
                startup(dir, small, etcd);
            }

            // 2-4. a 5,000-node cluster
            if (!System.getProperty("bench.modes", "poll,watch").isBlank()) try (BenchCluster large = new BenchCluster()) {
                long loading = System.nanoTime();
                large.load(NODES, OTHER_PODS);
                workers.register("large", NODES, killable("poll", "watch"));
                report.add("");
                report.add("Loaded " + NODES + " nodes, " + NODES + " worker pods, " + NODES * OTHER_PODS
                        + " other pods, " + 2 * NODES + " etcd keys in "
                        + Duration.ofNanos(System.nanoTime() - loading).toSeconds() + " s; a node object is "
                        + large.client.nodes().withName(BenchCluster.nodeName(0)).get().toString().length()
                        + " characters as Java prints it, " + nodeJsonBytes(large) + " bytes of JSON.");
                parseProfile(large);
                for (String mode : System.getProperty("bench.modes", "poll,watch").split(",")) {
                    steadyState(dir, large, workers, etcd, mode, NODES, "large");
                }
            }

            // 5. the largest cluster GKE allows, in watch mode (the shipped one). Its other pods are left out:
            // in watch mode the reaper never reads a pod that is not a worker (they only made the poll mode's
            // node list bigger, and the node list is not read in watch mode either)
            if (HUGE > 0) try (BenchCluster huge = new BenchCluster()) {
                long loading = System.nanoTime();
                huge.load(HUGE, 0);
                workers.register("huge", HUGE, killable("watch"));
                report.add("");
                report.add("Loaded " + HUGE + " nodes, " + HUGE + " worker pods, " + 2 * HUGE + " etcd keys in "
                        + Duration.ofNanos(System.nanoTime() - loading).toSeconds() + " s.");
                steadyState(dir, huge, workers, etcd, "watch", HUGE, "huge");
            }
        } finally {
            report.add("");
            report.add(missed.isEmpty() ? "All targets met." : "Targets missed: " + String.join("; ", missed));
            String text = String.join("\n", report) + "\n";
            Files.writeString(dir.resolve("results.md"), text);
            System.out.println("\n" + text);
        }
        assertThat(missed).as("targets missed (every figure is in target/bench/results.md)").isEmpty();
    }

    /** A table cell: the value against its target, and the target remembered when missed. */
    private String check(String what, long value, long limit, String unit) {
        boolean met = value >= 0 && value <= limit;
        if (!met) {
            missed.add(what + ": " + value + " " + unit + " > " + limit + " " + unit);
        }
        return "<= " + limit + " " + unit + (met ? " (met)" : " (**missed**)");
    }

    /** Where a poll cycle's time goes at this size: the list's transfer, and parsing it two ways. */
    private void parseProfile(BenchCluster cluster) throws Exception {
        String url = cluster.client.getMasterUrl().toString() + "api/v1/nodes";
        List<Long> fetch = new ArrayList<>();
        List<Long> streamed = new ArrayList<>();
        List<Long> whole = new ArrayList<>();
        byte[] body = null;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            body = cluster.client.raw(url).getBytes(StandardCharsets.UTF_8);
            long t1 = System.nanoTime();
            NodeSource.parse(new java.io.ByteArrayInputStream(body));
            long t2 = System.nanoTime();
            io.fabric8.kubernetes.client.utils.Serialization.unmarshal(new java.io.ByteArrayInputStream(body),
                    io.fabric8.kubernetes.api.model.NodeList.class);
            long t3 = System.nanoTime();
            fetch.add((t1 - t0) / 1_000_000);
            streamed.add((t2 - t1) / 1_000_000);
            whole.add((t3 - t2) / 1_000_000);
        }
        report.add("");
        report.add("Profile of one node list at this size, in the benchmark's JVM, median of 5 (warm): "
                + String.format("%,d", body.length) + " bytes; emulator answer and transfer "
                + percentile(fetch, 50) + " ms; NodeSource's streamed readiness-only parse " + percentile(streamed, 50)
                + " ms; fabric8's full NodeList parse (what kubernetes-nodes listNodes did) " + percentile(whole, 50)
                + " ms.");
    }

    private static long nodeJsonBytes(BenchCluster cluster) {
        return io.fabric8.kubernetes.client.utils.Serialization.asJson(
                cluster.client.nodes().withName(BenchCluster.nodeName(0)).get()).getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * Startup on the small cluster, java -jar to the first cycle ended, interleaved: without an archive, and with
     * the AppCDS archive a training run recorded (as run.sh does for the jar), under the Deployment's flags.
     */
    private void startup(Path dir, BenchCluster cluster, EtcdServer etcd) throws Exception {
        Map<String, String> env = env(dir, cluster, etcd, "small", "poll", "30s");
        List<Path> jars = new ArrayList<>(List.of(BenchJar.defaultJar()));
        // -Dbench.compare-jar=<jar> (another build: this code before a change) and/or -Dbench.compare-flags="<JVM
        // flags>" (added to the Deployment's): a second variant, measured in the same interleaved runs
        String compare = System.getProperty("bench.compare-jar", "").trim();
        List<String> compareFlags = System.getProperty("bench.compare-flags", "").isBlank() ? List.of()
                : List.of(System.getProperty("bench.compare-flags").trim().split("\\s+"));
        if (!compare.isEmpty() || !compareFlags.isEmpty()) {
            jars.add(compare.isEmpty() ? BenchJar.defaultJar() : Path.of(compare).toAbsolutePath());
        }
        List<Path> archives = new ArrayList<>();
        for (int j = 0; j < jars.size(); j++) {
            Path archive = dir.resolve("startup-" + j + ".jsa");
            Files.deleteIfExists(archive);
            List<String> flags = new ArrayList<>(j == 0 ? List.of() : compareFlags);
            flags.addAll(BenchJar.recordArchive(archive));
            try (BenchJar training = BenchJar.startBare(dir, "startup-training-" + j, env, flags, jars.get(j))) {
                training.await("Cycle ended", Duration.ofMinutes(1));
            } // the archive is written as the JVM exits
            archives.add(archive);
        }
        Map<String, List<Long>> runs = new java.util.LinkedHashMap<>();
        for (int i = 0; i < STARTUPS; i++) {
            for (int j = 0; j < jars.size(); j++) {
                for (boolean cds : new boolean[] {false, true}) {
                    String variant = (j == 0 ? "" : "compare-") + (cds ? "cds" : "plain");
                    List<String> flags = new ArrayList<>(j == 0 ? List.of() : compareFlags);
                    flags.addAll(cds ? BenchJar.useArchive(archives.get(j)) : List.of());
                    try (BenchJar jar = BenchJar.startBare(dir, "startup-" + variant + "-" + i, env, flags,
                            jars.get(j))) {
                        runs.computeIfAbsent(variant, v -> new ArrayList<>()).add(Duration.between(jar.spawned,
                                jar.await("Cycle ended", Duration.ofMinutes(1))).toMillis());
                    }
                }
            }
        }
        section("Startup, java -jar to the first cycle ended (20 nodes, the Deployment's JVM flags, interleaved runs)");
        report.add("| variant | runs | median | min | max | all (ms) | target |");
        report.add("|---|---|---|---|---|---|---|");
        for (int j = 0; j < jars.size(); j++) {
            String prefix = j == 0 ? "" : "compare-";
            String jarName = j == 0 ? "" : " (compared: " + (compare.isEmpty() ? "this jar" : jars.get(j))
                    + (compareFlags.isEmpty() ? "" : ", with " + String.join(" ", compareFlags)) + ")";
            List<Long> plain = runs.get(prefix + "plain");
            List<Long> archived = runs.get(prefix + "cds");
            report.add(startupRow("no archive" + jarName, plain,
                    j == 0 ? check("startup without archive", percentile(plain, 50), 2500, "ms") : "-"));
            report.add(startupRow("AppCDS archive of a training run (" + Files.size(archives.get(j)) / (1024 * 1024)
                    + " MiB)" + jarName, archived,
                    j == 0 ? check("startup with archive", percentile(archived, 50), 1000, "ms") : "-"));
        }
    }

    private static String startupRow(String variant, List<Long> ms, String target) {
        return "| " + variant + " | " + ms.size() + " | " + percentile(ms, 50) + " ms | " + Collections.min(ms)
                + " ms | " + Collections.max(ms) + " ms | " + ms + " | " + target + " |";
    }

    /**
     * Phases 2-5 for one detection mode and size: startup, one minute healthy, then latency runs; the jar started
     * as the image starts it (its class archive, its entrypoint's flags and ENV, the Deployment's flags).
     */
    private void steadyState(Path dir, BenchCluster cluster, Workers workers, EtcdServer etcd, String mode, int nodes,
                             String prefix) throws Exception {
        String interval = mode.equals("poll") ? "1s" : "30s";
        List<Integer> targets = measured(mode);
        try (BenchJar jar = BenchJar.startAsImage(dir, prefix + "-" + mode,
                env(dir, cluster, etcd, prefix, mode, interval))) {
            Instant firstCycle = jar.await("Cycle ended", Duration.ofMinutes(2));
            Duration startup = Duration.between(jar.spawned, firstCycle);
            if (mode.equals("watch")) {
                jar.await("Worker pod watch: listing done", Duration.ofMinutes(1));
                jar.await("registry watch:", Duration.ofMinutes(1));
                jar.await("Node watch: listing done", Duration.ofMinutes(1));
            }
            // one minute after start: measure the healthy cycles of the last 45 s, then memory
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), firstCycle.plusSeconds(15)).toMillis()));
            long requests0 = cluster.api.requests.get();
            long bytes0 = cluster.api.bytes.get();
            long server0 = cluster.api.serverNanos.get();
            cluster.api.drainRequests();
            Instant from = Instant.now();
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), jar.spawned.plusSeconds(60)).toMillis()));
            Instant to = Instant.now();
            long rss = jar.rssMiB();
            Map<String, Long> nativeMemory = jar.nativeMemoryMiB();
            List<Long> cycles = jar.cycleMillis(from, to);
            long requests = cluster.api.requests.get() - requests0;
            long bytes = cluster.api.bytes.get() - bytes0;
            double serverMs = (cluster.api.serverNanos.get() - server0) / 1e6;
            List<String> seen = cluster.api.drainRequests();
            long heap = jar.heapAfterGcMiB();

            List<Long> warmups = new ArrayList<>();
            for (int target : warmups(mode)) {
                warmups.add(latency(cluster, workers, prefix, target, jar));
            }
            List<Long> latencies = new ArrayList<>();
            for (int target : targets) {
                latencies.add(latency(cluster, workers, prefix, target, jar));
            }

            boolean watch = mode.equals("watch");
            section("Healthy " + nodes + "-node cluster, " + mode + " mode (check-interval " + interval + ")");
            int n = Math.max(1, cycles.size());
            report.add("| measure | value | target |");
            report.add("|---|---|---|");
            report.add("| startup, java -jar to first cycle ended | " + startup.toMillis() + " ms | (targets: the "
                    + "startup table, 20 nodes) |");
            report.add("| cycles in the " + Duration.between(from, to).toSeconds() + " s window | " + cycles.size()
                    + " | |");
            // requests over cycles in a window whose edges cut cycles: 24 over 20 is one per cycle, rounded
            double perCycle = (double) requests / n;
            report.add("| API requests per healthy cycle | " + String.format("%.2f", perCycle) + " (" + requests
                    + " in the window) | " + check(mode + " requests per cycle at " + nodes + " nodes",
                    watch ? requests : Math.round(perCycle), watch ? 0 : 1, "") + " |");
            report.add("| bytes received per cycle | " + String.format("%,d", bytes / n) + " | |");
            report.add("| healthy cycle wall time, median / p90 / max | " + percentile(cycles, 50) + " / "
                    + percentile(cycles, 90) + " / " + percentile(cycles, 100) + " ms | "
                    + check(mode + " healthy cycle median at " + nodes + " nodes", percentile(cycles, 50), 500, "ms")
                    + " |");
            report.add("| emulator time answering, per cycle | " + String.format("%.1f", serverMs / n) + " ms | |");
            report.add("| heap after full GC (at 1 min) | " + heap + " MiB | |");
            long limit = Long.parseLong(BenchJar.POD_JVM.get(0).replaceAll("\\D", ""));
            long rssTarget = watch && nodes <= 5000 ? 256 : limit;
            report.add("| resident memory at 1 min | " + rss + " MiB | " + check(mode + " RSS at " + nodes + " nodes",
                    rss, rssTarget, "MiB") + (rssTarget == limit ? " (the Deployment's limit)" : "") + " |");
            report.add("| native memory committed at 1 min (NMT) | " + nativeMemory + " MiB | |");
            long latencyTarget = !watch ? 2000 : nodes <= 5000 ? 100 : 200;
            if (!warmups.isEmpty()) {
                report.add("| remediation latency of the " + warmups.size() + " warm-up runs (the reaper's first, not"
                        + " counted) | " + warmups + " ms | |");
            }
            report.add("| remediation latency, 1 node among " + nodes + ", median / max of " + latencies.size()
                    + (warmups.isEmpty() ? "" : " after the warm-up") + " | " + percentile(latencies, 50) + " / "
                    + percentile(latencies, 100) + " ms, all " + latencies + " | " + check(mode + " latency at "
                    + nodes + " nodes", percentile(latencies, 50), latencyTarget, "ms") + " |");
            report.add("");
            report.add("Requests in the window: " + String.join("; ", seen.subList(0, Math.min(5, seen.size()))));
        }
    }

    /** The nodes of the measured latency runs of a steady-state phase. */
    private static List<Integer> measured(String mode) {
        return mode.equals("poll") ? List.of(1, 2, 3, 4, 5) : List.of(11, 12, 13, 14, 15);
    }

    /** The nodes of its warm-up runs, after the measured ones. */
    private static List<Integer> warmups(String mode) {
        int after = measured(mode).get(measured(mode).size() - 1);
        return java.util.stream.IntStream.rangeClosed(after + 1, after + WARMUPS).boxed().toList();
    }

    /** Every node of a phase whose worker a run kills: its heartbeat has a lease of its own. */
    private static List<Integer> killable(String... modes) {
        List<Integer> nodes = new ArrayList<>();
        for (String mode : modes) {
            nodes.addAll(measured(mode));
            nodes.addAll(warmups(mode));
        }
        return nodes;
    }

    private List<Long> latencies(Path dir, String name, BenchCluster cluster, Workers workers, String prefix,
                                 EtcdServer etcd, String mode, String interval, List<Integer> targets)
            throws Exception {
        try (BenchJar jar = BenchJar.start(dir, name, env(dir, cluster, etcd, prefix, mode, interval), List.of())) {
            jar.await("Cycle ended", Duration.ofMinutes(1));
            if (mode.equals("watch")) {
                jar.await("Heartbeat watch: watching", Duration.ofSeconds(10));
                jar.await("Worker pod watch: listing done", Duration.ofSeconds(30));
                jar.await("Node watch: listing done", Duration.ofSeconds(30));
            }
            List<Long> result = new ArrayList<>();
            for (int target : targets) {
                result.add(latency(cluster, workers, prefix, target, jar));
            }
            return result;
        }
    }

    /**
     * One remediation: node {@code n} goes NotReady (five minutes ago, past not-ready-for) while its worker
     * still heartbeats; then the worker's lease expires. Returns ms from the heartbeat key's deletion to
     * the last of: pod DELETE answered, /DHT key deleted. The node is made Ready again afterwards.
     */
    private long latency(BenchCluster cluster, Workers workers, String prefix, int n, BenchJar jar)
            throws Exception {
        String node = BenchCluster.nodeName(n);
        String pod = BenchCluster.workerPod(n);
        String worker = Workers.id(prefix, n);
        String heartbeat = AlluxioKeys.heartbeatKey(cluster(prefix), worker);
        String authorized = AlluxioKeys.authorizedKey(cluster(prefix), worker);
        // a heartbeat of its own, granted now: at 15,000 nodes the benchmark JVM paused long enough while it loaded
        // and served the lists for a lease granted minutes earlier to lapse, and the run then measured from then
        workers.revive(prefix, n);
        etcdDeleted.remove(heartbeat);
        cluster.setReady(node, "Unknown", Instant.now().minus(Duration.ofMinutes(5)));
        Thread.sleep(1500); // a cycle or two refuse: the worker still heartbeats
        if (etcdDeleted.containsKey(heartbeat)) {
            throw new IllegalStateException("the heartbeat of " + worker + " lapsed before its run: not measured");
        }
        workers.expire(worker);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!(etcdDeleted.containsKey(heartbeat) && etcdDeleted.containsKey(authorized)
                && cluster.api.podDeleted.containsKey(pod))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("worker " + worker + " not remediated; reaper log:\n" + jar.tail(40));
            }
            Thread.sleep(5);
        }
        Instant expired = etcdDeleted.get(heartbeat);
        Instant done = Collections.max(List.of(etcdDeleted.get(authorized), cluster.api.podDeleted.get(pod)));
        cluster.setReady(node, "True", Instant.now());
        return Duration.between(expired, done).toMillis();
    }

    private static Map<String, String> env(Path dir, BenchCluster cluster, EtcdServer etcd, String prefix,
                                           String mode, String interval) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KUBECONFIG", cluster.kubeconfig(dir).toString());
        env.put("REAPER_ETCD_ENDPOINTS", etcd.clientUrl());
        env.put("REAPER_ALLUXIO_CLUSTER_NAME", cluster(prefix));
        env.put("REAPER_WORKERS_NAMESPACE", BenchCluster.WORKERS_NAMESPACE);
        env.put("REAPER_DETECTION", mode);
        env.put("REAPER_CHECK_INTERVAL", interval);
        env.put("REAPER_NODES_NOT_READY_FOR", "30s");
        env.put("REAPER_LOG_FILE", dir.resolve(prefix + "-" + mode + "-file.log").toString());
        env.put("REAPER_AUDIT_FILE", dir.resolve(prefix + "-" + mode + "-audit.jsonl").toString());
        return env;
    }

    private void section(String title) {
        report.add("");
        report.add("## " + title);
        report.add("");
    }

    private void row(String what, List<Long> millis, long target) {
        if (report.get(report.size() - 1).isEmpty()) {
            report.add("| mode | runs | median | min | max | all (ms) | target |");
            report.add("|---|---|---|---|---|---|---|");
        }
        report.add("| " + what + " | " + millis.size() + " | " + percentile(millis, 50) + " ms | "
                + Collections.min(millis) + " ms | " + Collections.max(millis) + " ms | " + millis + " | <= "
                + target + " ms " + (percentile(millis, 50) <= target ? "(met)" : "(**missed**)") + " |");
        if (percentile(millis, 50) > target) {
            missed.add(what + " median latency " + percentile(millis, 50) + " ms > " + target + " ms");
        }
    }

    static long percentile(List<Long> values, int p) {
        if (values.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /**
     * The Alluxio workers in etcd: a /DHT key each, and a heartbeat key on a lease. Workers that a run will
     * kill have their own 2-second lease; the others share one kept-alive lease (the reaper reads keys, never
     * leases, so this changes nothing it measures and spares 5,000 keep-alive streams).
     */
    static final class Workers {
        private final Client client;
        private final AlluxioRegistry registry;
        private final Map<String, Boolean> own = new ConcurrentHashMap<>();

        Workers(Client client) {
            this.client = client;
            this.registry = new AlluxioRegistry(client);
        }

        static String id(String prefix, int n) {
            return String.format("worker-%08x-0000-4000-8000-%012x", prefix.hashCode() & 0xffffffffL, n);
        }

        void register(String prefix, int count, List<Integer> killable) throws Exception {
            long shared = client.getLeaseClient().grant(60).get().getID();
            client.getLeaseClient().keepAlive(shared, new io.grpc.stub.StreamObserver<>() {
                public void onNext(io.etcd.jetcd.lease.LeaseKeepAliveResponse value) { }
                public void onError(Throwable t) { }
                public void onCompleted() { }
            });
            List<CompletableFuture<?>> puts = new ArrayList<>();
            for (int n = 0; n < count; n++) {
                String worker = id(prefix, n);
                String value = AlluxioRegistry.workerValue(worker, BenchCluster.podIp(n, 0));
                puts.add(client.getKVClient().put(bytes(AlluxioKeys.authorizedKey(cluster(prefix), worker)),
                        bytes(value)));
                if (killable.contains(n)) {
                    registry.heartbeat(cluster(prefix), worker, BenchCluster.podIp(n, 0), 2);
                    own.put(worker, true);
                } else {
                    puts.add(client.getKVClient().put(bytes(AlluxioKeys.heartbeatKey(cluster(prefix), worker)),
                            bytes(value),
                            PutOption.builder().withLeaseId(shared).build()));
                }
                if (puts.size() >= 256) {
                    CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get();
                    puts.clear();
                }
            }
            CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get();
        }

        /** The worker heartbeats again on a fresh lease of its own (its key moved to it). */
        void revive(String prefix, int n) {
            String worker = id(prefix, n);
            assertThat(own).containsKey(worker);
            registry.stopHeartbeat(worker);
            registry.heartbeat(cluster(prefix), worker, BenchCluster.podIp(n, 0), 5);
        }

        void expire(String worker) {
            assertThat(own).containsKey(worker);
            registry.stopHeartbeat(worker);
        }

        private static ByteSequence bytes(String text) {
            return ByteSequence.from(text, StandardCharsets.UTF_8);
        }
    }
}
