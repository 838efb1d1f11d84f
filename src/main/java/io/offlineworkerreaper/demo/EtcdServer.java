package io.offlineworkerreaper.demo;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real etcd server on free loopback ports, started from the {@code etcd} binary on PATH, for the demo and
 * the tests. It can be stopped and started again on the same ports and data, to play an etcd outage.
 */
public final class EtcdServer implements AutoCloseable {

    /** What to tell a user whose machine has no etcd. */
    public static final String INSTALL_HINT = "etcd was not found on PATH. Install it, e.g. on Debian or Ubuntu:"
            + " sudo apt-get install -y etcd-server (macOS: brew install etcd), or set ETCD_BIN to the etcd binary.";

    /**
     * TLS for the client port: etcd's certificate and key, and the CA its clients' certificates must be
     * signed by (client certificates are then required).
     */
    public record Tls(Path certFile, Path keyFile, Path clientCaFile) {
    }

    private final Path binary;
    private final Path dataDir;
    private final int clientPort;
    private final int peerPort;
    private final int metricsPort;
    private final Tls tls;
    private Process process;

    private EtcdServer(Path binary, Path dataDir, Tls tls) {
        this.binary = binary;
        this.dataDir = dataDir;
        this.tls = tls;
        this.clientPort = freePort();
        this.peerPort = freePort();
        this.metricsPort = freePort();
    }

    /** Starts etcd with its data under {@code dataDir} and waits until it answers its health check. */
    public static EtcdServer start(Path dataDir) {
        return start(dataDir, null);
    }

    /** The same, serving clients over TLS with client certificates when {@code tls} is not null. */
    public static EtcdServer start(Path dataDir, Tls tls) {
        Path binary = findBinary().orElseThrow(() -> new IllegalStateException(INSTALL_HINT));
        EtcdServer server = new EtcdServer(binary, dataDir, tls);
        server.startProcess();
        return server;
    }

    /** The etcd binary: $ETCD_BIN, else {@code etcd} on PATH. */
    public static Optional<Path> findBinary() {
        String explicit = System.getenv("ETCD_BIN");
        if (explicit != null && !explicit.isBlank()) {
            return Optional.of(Path.of(explicit)).filter(Files::isExecutable);
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        return Stream.of(path.split(File.pathSeparator))
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, "etcd"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    public String clientUrl() {
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + clientPort;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops etcd (its data stays), as an outage would. Safe to call more than once. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        signal("-CONT"); // a paused etcd would not act on SIGTERM
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Freezes etcd (SIGSTOP): connections are accepted but nothing is answered, as with a hung server. */
    public synchronized void pause() {
        signal("-STOP");
    }

    /** Undoes {@link #pause()}. */
    public synchronized void resume() {
        signal("-CONT");
    }

    private void signal(String signal) {
        if (process == null) {
            throw new IllegalStateException("etcd is not running");
        }
        try {
            new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts etcd again on the same ports with the same data, after {@link #stop()}. */
    public synchronized void restart() {
        if (!isRunning()) {
            startProcess();
        }
    }

    @Override
    public void close() {
        stop();
        deleteRecursively(dataDir);
    }

    private synchronized void startProcess() {
        String client = clientUrl();
        String peer = "http://127.0.0.1:" + peerPort;
        List<String> command = new java.util.ArrayList<>(List.of(binary.toString(),
                "--name", "reaper-local",
                "--data-dir", dataDir.resolve("data").toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "reaper-local=" + peer,
                // plain-HTTP /health, whatever the client port speaks
                "--listen-metrics-urls", "http://127.0.0.1:" + metricsPort,
                "--log-level", "warn"));
        if (tls != null) {
            command.addAll(List.of("--cert-file", tls.certFile().toString(), "--key-file", tls.keyFile().toString(),
                    "--trusted-ca-file", tls.clientCaFile().toString(), "--client-cert-auth"));
        }
        try {
            Files.createDirectories(dataDir);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("etcd.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + binary, e);
        }
        awaitHealthy();
    }

    private void awaitHealthy() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/health"))
                .timeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("etcd exited with code " + process.exitValue() + ", see "
                        + dataDir.resolve("etcd.log"));
            }
            try {
                HttpResponse<String> answer = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200 && answer.body().contains("true")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for etcd", e);
            }
            try {
                Thread.sleep(50); // polling an external process that has no readiness callback
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for etcd", e);
            }
        }
        throw new IllegalStateException("etcd did not become healthy within 30s at " + clientUrl());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free loopback port", e);
        }
    }

    /** Deletes a directory tree, best effort. */
    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }
}
