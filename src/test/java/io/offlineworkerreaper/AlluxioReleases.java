package io.offlineworkerreaper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Alluxio's own membership code (org.alluxio:alluxio-core-common, EtcdMembershipManager) of a published release, run
 * as Alluxio runs it: each worker a JVM of its own that joins and heartbeats until it is killed, and Alluxio's view
 * of the members read by another. The release's class path comes from src/test/alluxio/pom.xml (resolved once into
 * target/alluxio/RELEASE/), the driver src/test/alluxio/src/AlluxioMember.java is compiled against it: Alluxio's
 * dependencies (gRPC 1.51, Netty 4.1.85, Log4j 1) never meet the reaper's.
 */
final class AlluxioReleases {

    private static final Path HOME = Path.of("target/alluxio").toAbsolutePath();
    private static final Map<String, Path> PREPARED = new ConcurrentHashMap<>();

    private AlluxioReleases() {
    }

    /** Alluxio's view of a cluster's members: Host:RpcPort of each, sorted. */
    record View(List<String> all, List<String> live, List<String> failed) {
    }

    /** A worker process: Alluxio's membership code joined the cluster with it and keeps its heartbeat. */
    static final class Worker implements AutoCloseable {
        private final Process process;

        private Worker(Process process) {
            this.process = process;
        }

        /** A crash: the process dies at once, its lease is left to expire. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            kill();
        }
    }

    /** Joins a worker (id {@code worker-<uuid>}) at {@code host}, as release {@code release} does, and keeps it alive. */
    static Worker join(String release, String etcdUrl, String cluster, String uuid, String host) throws Exception {
        Process process = java(release, "join", etcdUrl, cluster, uuid, host).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        for (String line; (line = out.readLine()) != null; ) {
            if (line.equals("joined")) {
                Thread drain = new Thread(() -> {
                    try {
                        out.lines().forEach(l -> { });
                    } catch (UncheckedIOException e) {
                        // the worker was killed: its output ends
                    }
                }, "alluxio-worker-output");
                drain.setDaemon(true);
                drain.start();
                return new Worker(process);
            }
            seen.add(line);
        }
        throw new IllegalStateException("Alluxio " + release + " worker did not join: " + String.join("\n", seen));
    }

    /** Joins several workers at once ({@code uuid, host} pairs), each a JVM of its own: their starts overlap. */
    static List<Worker> joinAll(String release, String etcdUrl, String cluster, String... uuidHostPairs)
            throws Exception {
        List<java.util.concurrent.CompletableFuture<Worker>> joining = new ArrayList<>();
        for (int i = 0; i < uuidHostPairs.length; i += 2) {
            String uuid = uuidHostPairs[i];
            String host = uuidHostPairs[i + 1];
            joining.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return join(release, etcdUrl, cluster, uuid, host);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        List<Worker> workers = new ArrayList<>();
        for (var worker : joining) {
            workers.add(worker.get(2, TimeUnit.MINUTES));
        }
        return workers;
    }

    /** A worker to register: in which cluster, with which id ({@code worker-<uuid>}) and address. */
    record Registration(String cluster, String uuid, String host, String containerHost) {
    }

    /**
     * The /DHT values release {@code release} writes for these workers. A worker process registers one id once, so
     * the workers are spread over as few JVMs as their repeated ids need, run side by side; each joins its workers
     * and exits, their keys left in etcd (the heartbeats expire with their leases).
     */
    static Map<Registration, String> written(String release, String etcdUrl,
                                             java.util.function.Function<String, Map<String, String>> read,
                                             List<Registration> workers) throws Exception {
        List<List<Registration>> groups = new ArrayList<>();
        for (Registration w : workers) {
            groups.stream().filter(g -> g.stream().noneMatch(o -> o.uuid().equals(w.uuid()))).findFirst()
                    .orElseGet(() -> {
                        groups.add(new ArrayList<>());
                        return groups.get(groups.size() - 1);
                    }).add(w);
        }
        List<Process> processes = new ArrayList<>();
        for (List<Registration> group : groups) {
            List<String> args = new ArrayList<>(List.of("write", etcdUrl, "-"));
            group.forEach(w -> args.add(w.cluster() + "|" + w.uuid() + "|" + w.host() + "|" + w.containerHost()));
            processes.add(java(release, args.toArray(String[]::new)).start());
        }
        for (Process process : processes) {
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || !out.contains("joined")) {
                throw new IllegalStateException("Alluxio " + release + " did not register the workers: " + out);
            }
        }
        Map<Registration, String> values = new java.util.LinkedHashMap<>();
        for (Registration w : workers) {
            String key = "/DHT/" + w.cluster() + "/AUTHORIZED/worker-" + w.uuid();
            values.put(w, java.util.Objects.requireNonNull(read.apply(key).get(key), key));
        }
        return values;
    }

    /** Alluxio's own view of the cluster's members (getAllMembers, getLiveMembers, getFailedMembers). */
    static View view(String release, String etcdUrl, String cluster) throws Exception {
        Process process = java(release, "view", etcdUrl, cluster).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("Alluxio " + release + " view failed: " + text);
        }
        Map<String, List<String>> lines = text.lines().filter(l -> l.matches("(all|live|failed) .*"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(' ')), l -> {
                    String rest = l.substring(l.indexOf(' ') + 1).trim();
                    return rest.isEmpty() ? List.of() : Arrays.asList(rest.split(","));
                }));
        return new View(lines.get("all"), lines.get("live"), lines.get("failed"));
    }

    private static ProcessBuilder java(String release, String... args) {
        Path dir = prepared(release);
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                // the heartbeat's lease: release 308 fixes it at 2 s; later releases read this property
                "-Dfailure.detection.timeout=2s",
                "-cp", dir.resolve("classes") + java.io.File.pathSeparator + read(dir.resolve("classpath.txt")),
                "AlluxioMember"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    /** The release's class path resolved and the driver compiled against it, once per build. */
    private static synchronized Path prepared(String release) {
        return PREPARED.computeIfAbsent(release, r -> {
            Path dir = HOME.resolve(r);
            try {
                Path classpath = dir.resolve("classpath.txt");
                if (!Files.exists(classpath)) {
                    Files.createDirectories(dir);
                    run(List.of(maven(), "-B", "-q", "-f", Path.of("src/test/alluxio/pom.xml").toAbsolutePath().toString(),
                            "-Dalluxio.release=" + r, "dependency:build-classpath",
                            "-Dmdep.outputFile=" + classpath));
                }
                Path classes = Files.createDirectories(dir.resolve("classes"));
                Path source = Path.of("src/test/alluxio/src/AlluxioMember.java").toAbsolutePath();
                Path compiled = classes.resolve("AlluxioMember.class");
                if (!Files.exists(compiled)
                        || Files.getLastModifiedTime(compiled).compareTo(Files.getLastModifiedTime(source)) < 0) {
                    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
                    int exit = javac.run(null, null, null, "-nowarn", "-d", classes.toString(), "-cp", read(classpath),
                            source.toString());
                    if (exit != 0) {
                        throw new IllegalStateException("AlluxioMember does not compile against Alluxio " + r);
                    }
                }
                return dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    private static String maven() {
        String home = System.getProperty("maven.home");
        return home != null && Files.isExecutable(Path.of(home, "bin", "mvn")) ? Path.of(home, "bin", "mvn").toString() : "mvn";
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
