package io.offlineworkerreaper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reaper's jar as a child process, started as the Deployment starts it (same JVM memory flags, 384 MiB
 * limit), its log lines time-stamped as they arrive.
 */
final class BenchJar implements AutoCloseable {

    /** The Deployment's JAVA_TOOL_OPTIONS, read from it, with the memory limit the JVM sees in the pod. */
    static final List<String> POD_JVM = podJvm();
    private static final Pattern CYCLE_ENDED = Pattern.compile("Cycle ended in (\\d+) ms: (\\w+)");
    /** G1's "garbage-first heap total ..., used ...K", SerialGC's new and tenured generations: summed. */
    private static final Pattern HEAP_USED = Pattern.compile("(?:heap|generation)\\s+total \\d+K, used (\\d+)K");

    private static List<String> podJvm() {
        try {
            String deployment = Files.readString(Path.of("deploy", "kubernetes", "deployment.yaml"));
            Matcher options = Pattern.compile("JAVA_TOOL_OPTIONS\\s+value: \"([^\"]+)\"").matcher(deployment);
            Matcher limit = Pattern.compile("limits:\\s+(?:cpu: \\S+\\s+)?memory: (\\d+)Mi").matcher(deployment);
            if (!options.find() || !limit.find()) {
                throw new IllegalStateException("no JAVA_TOOL_OPTIONS or memory limit in deploy/kubernetes/deployment.yaml");
            }
            List<String> flags = new ArrayList<>(List.of("-XX:MaxRAM=" + limit.group(1) + "m"));
            // -Dbench.jvm="...": other JAVA_TOOL_OPTIONS than the Deployment's, to compare flags
            flags.addAll(List.of(System.getProperty("bench.jvm", options.group(1)).trim().split("\\s+")));
            return flags;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A training run: the JVM records the classes it loaded into an AppCDS archive when it exits. */
    static List<String> recordArchive(Path archive) {
        return List.of("-XX:ArchiveClassesAtExit=" + archive);
    }

    /** As the Dockerfile and run.sh start the jar: the archive mapped when it matches, silently skipped otherwise. */
    static List<String> useArchive(Path archive) {
        return List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    }

    record Line(Instant at, String text) {
    }

    final Instant spawned;
    private final Process process;
    private final List<Line> lines = new CopyOnWriteArrayList<>();
    /** Long runs (the soak): the lines are counted and the last ones kept, not all of them. */
    private volatile boolean streaming;
    private final java.util.concurrent.atomic.AtomicLong cyclesEnded = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.Deque<String> lastLines = new java.util.ArrayDeque<>();

    private BenchJar(Process process, Instant spawned, Path logFile) throws IOException {
        this.process = process;
        this.spawned = spawned;
        PrintWriter copy = new PrintWriter(Files.newBufferedWriter(logFile, StandardCharsets.UTF_8), true);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.contains("===== Cycle ")) { // a cycle starts: the one before it ended
                        cyclesEnded.incrementAndGet();
                    }
                    if (streaming) {
                        synchronized (lastLines) {
                            lastLines.addLast(line);
                            if (lastLines.size() > 200) {
                                lastLines.removeFirst();
                            }
                        }
                        continue; // the reaper's own log file has it all
                    }
                    lines.add(new Line(Instant.now(), line));
                    copy.println(line);
                }
            } catch (IOException ignored) {
                // process ended
            } finally {
                copy.close();
            }
        }, "bench-jar-log");
        reader.setDaemon(true);
        reader.start();
    }

    private static Path imageApp;

    /**
     * Started as the image starts it: the jar where the Dockerfile puts it, the AppCDS archive its archive step
     * makes of the recorded class list (once per benchmark, with the Dockerfile's command), its entrypoint's flags
     * and its ENV, then
     * the Deployment's flags as for every run.
     */
    static synchronized BenchJar startAsImage(Path dir, String name, Map<String, String> env) throws Exception {
        if (imageApp == null) {
            Path app = Files.createDirectories(dir.resolve("image"));
            Files.copy(defaultJar(), app.resolve("offline-worker-reaper.jar"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(app.resolve("reaper.jsa"));
            // the class list ./run.sh image recorded for the image, else one recorded the same way now
            Path recorded = Path.of("target", "classes.lst");
            Image.train(app, Files.isRegularFile(recorded) && Files.getLastModifiedTime(recorded)
                    .compareTo(Files.getLastModifiedTime(defaultJar())) >= 0 ? recorded
                    : Image.recordClassList(Files.createDirectories(dir.resolve("class-list"))));
            imageApp = app;
        }
        Map<String, String> all = new java.util.LinkedHashMap<>(Image.env());
        all.keySet().removeIf(k -> k.startsWith("REAPER_"));
        all.putAll(env);
        return start(dir, name, all, Image.entrypointFlags(imageApp), imageApp.resolve("offline-worker-reaper.jar"));
    }

    static Path defaultJar() {
        return Path.of(System.getProperty("reaper.jar", "target/offline-worker-reaper.jar")).toAbsolutePath();
    }

    static BenchJar start(Path dir, String name, Map<String, String> env, List<String> extraFlags) throws IOException {
        return start(dir, name, env, extraFlags, defaultJar());
    }

    /** With Native Memory Tracking on, for the memory figures. */
    static BenchJar start(Path dir, String name, Map<String, String> env, List<String> extraFlags, Path jar)
            throws IOException {
        List<String> flags = new ArrayList<>(List.of("-XX:NativeMemoryTracking=summary"));
        flags.addAll(extraFlags);
        return startBare(dir, name, env, flags, jar);
    }

    /** Under the Deployment's flags and {@code extraFlags} alone (startup: no Native Memory Tracking). */
    static BenchJar startBare(Path dir, String name, Map<String, String> env, List<String> extraFlags, Path jar)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(POD_JVM);
        command.addAll(extraFlags);
        // -Dbench.profile-flags="...": e.g. a profiler agent, in every run but a training run (CDS dumping refuses agents)
        String profile = System.getProperty("bench.profile-flags", "").trim();
        if (!profile.isEmpty() && extraFlags.stream().noneMatch(f -> f.startsWith("-XX:ArchiveClassesAtExit"))) {
            command.addAll(List.of(profile.split("\\s+")));
        }
        command.addAll(List.of("-jar", jar.toString(), "-Dcamel.management.enabled=false"));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("REAPER_") || k.equals("JAVA_TOOL_OPTIONS"));
        builder.environment().putAll(env);
        Instant spawned = Instant.now();
        return new BenchJar(builder.start(), spawned, dir.resolve(name + ".log"));
    }

    /** When the first line matching {@code regex} arrived (waiting for it). */
    Instant await(String regex, Duration timeout) throws InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Line line : lines) {
                if (pattern.matcher(line.text()).find()) {
                    return line.at();
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the reaper exited (" + process.exitValue() + ") before '" + regex
                        + "'; last lines:\n" + tail(30));
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("no '" + regex + "' within " + timeout + "; last lines:\n" + tail(30));
    }

    /** Durations of the cycles that ended between {@code from} and {@code to}, in ms. */
    List<Long> cycleMillis(Instant from, Instant to) {
        List<Long> millis = new ArrayList<>();
        for (Line line : lines) {
            Matcher m = CYCLE_ENDED.matcher(line.text());
            if (m.find() && !line.at().isBefore(from) && line.at().isBefore(to)) {
                millis.add(Long.parseLong(m.group(1)));
            }
        }
        return millis;
    }

    long count(String regex) {
        Pattern pattern = Pattern.compile(regex);
        return lines.stream().filter(l -> pattern.matcher(l.text()).find()).count();
    }

    String tail(int n) {
        List<Line> all = new ArrayList<>(lines);
        return String.join("\n", all.subList(Math.max(0, all.size() - n), all.size()).stream()
                .map(Line::text).toList());
    }

    /** From now on count the cycles and keep the last 200 lines only (a soak of 100,000 cycles). */
    BenchJar streaming() {
        streaming = true;
        return this;
    }

    /** Cycles started so far ("===== Cycle N" lines of the console log). */
    long cyclesEnded() {
        return cyclesEnded.get();
    }

    /** The last lines, in streaming mode. */
    String lastLines() {
        synchronized (lastLines) {
            return String.join("\n", lastLines);
        }
    }

    /** A field of /proc/<pid>/status (VmRSS, Threads...), as a number. */
    long procStatus(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no " + field + " for " + process.pid());
    }

    /** Open file descriptors of the JVM process. */
    long openFiles() throws IOException {
        try (var fds = Files.list(Path.of("/proc", String.valueOf(process.pid()), "fd"))) {
            return fds.count();
        }
    }

    /** Resident set size of the JVM process, from /proc. */
    long rssMiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + process.pid());
    }

    /** Native Memory Tracking's committed MiB by category (total first), via jcmd. */
    Map<String, Long> nativeMemoryMiB() throws IOException, InterruptedException {
        String summary = jcmd("VM.native_memory summary");
        Map<String, Long> committed = new java.util.LinkedHashMap<>();
        Matcher total = Pattern.compile("Total: reserved=\\d+KB, committed=(\\d+)KB").matcher(summary);
        if (total.find()) {
            committed.put("total", Long.parseLong(total.group(1)) / 1024);
        }
        Matcher m = Pattern.compile("-\\s+([A-Za-z ]+?) \\(reserved=\\d+KB, committed=(\\d+)KB\\)").matcher(summary);
        while (m.find()) {
            long mib = Long.parseLong(m.group(2)) / 1024;
            if (mib > 0) {
                committed.put(m.group(1).trim(), mib);
            }
        }
        return committed;
    }

    /** Heap in use right after a full GC, via jcmd. */
    long heapAfterGcMiB() throws IOException, InterruptedException {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        long usedKiB = 0;
        boolean found = false;
        while (m.find()) {
            usedKiB += Long.parseLong(m.group(1));
            found = true;
        }
        if (!found) {
            throw new IllegalStateException("cannot read GC.heap_info:\n" + info);
        }
        return usedKiB / 1024;
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(process.pid()), command).redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
