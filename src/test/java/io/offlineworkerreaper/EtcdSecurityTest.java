package io.offlineworkerreaper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.offlineworkerreaper.alluxio.BoundedEtcdConfiguration;
import io.offlineworkerreaper.alluxio.EtcdSecurity;
import io.offlineworkerreaper.demo.AlluxioRegistry;
import io.offlineworkerreaper.demo.EtcdServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.offlineworkerreaper.Scenario.CLUSTER;
import static io.offlineworkerreaper.Scenario.WORKER_3;
import static io.offlineworkerreaper.Scenario.authorizedKey;
import static io.offlineworkerreaper.Scenario.podExists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** etcd with authentication, and etcd over TLS with client certificates, both real. */
@EnableKubernetesMockClient(crud = true)
class EtcdSecurityTest {

    private static final String PASSWORD = "etcd-s3cret-pw";
    private static final String POD_3 = "alluxio-worker-577545dc9-2q7z7";

    KubernetesClient client;

    @TempDir
    Path dir;

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    /** Turns on etcd authentication with a root user, as `etcdctl user add root && etcdctl auth enable` does. */
    private static void enableAuth(String endpoint) throws Exception {
        try (Client admin = Client.builder().endpoints(endpoint).build()) {
            admin.getAuthClient().userAdd(bytes("root"), bytes(PASSWORD)).get(10, TimeUnit.SECONDS);
            admin.getAuthClient().roleAdd(bytes("root")).get(10, TimeUnit.SECONDS);
            admin.getAuthClient().userGrantRole(bytes("root"), bytes("root")).get(10, TimeUnit.SECONDS);
            admin.getAuthClient().authEnable().get(10, TimeUnit.SECONDS);
        }
    }

    private static Client securedClient(String endpoint, EtcdSecurity security) {
        BoundedEtcdConfiguration configuration = new BoundedEtcdConfiguration(Duration.ofSeconds(5), security);
        configuration.setEndpoints(endpoint);
        return configuration.createClient();
    }

    @Test
    void should_remediate_with_etcd_credentials_and_never_show_the_password() throws Exception {
        try (EtcdServer etcd = EtcdServer.start(dir.resolve("etcd"));
             HttpStandIn slack = new HttpStandIn()) {
            // given the seed crash in an etcd that requires authentication
            Scenario.seedCrash(client);
            try (AlluxioRegistry open = new AlluxioRegistry(etcd.clientUrl())) {
                open.authorize(CLUSTER, WORKER_3, "10.244.4.5");
            }
            enableAuth(etcd.clientUrl());
            EtcdSecurity root = new EtcdSecurity(Optional.of("root"),
                    Optional.of(PASSWORD), Optional.empty(), Optional.empty(), Optional.empty());

            // when a reaper with a wrong password runs, then it deletes nothing and says so, without the password
            // (a loopback etcd without TLS: the password over http:// must be allowed explicitly)
            try (RunningReaper wrong = RunningReaper.start(client, etcd.clientUrl(), slack,
                    Map.of("reaper.etcd.username", "root", "reaper.etcd.password", "not-" + PASSWORD,
                            "reaper.etcd.allow-plaintext-password", "true"))) {
                await().atMost(Duration.ofSeconds(20)).until(() -> !slack.posts().isEmpty());
                wrong.awaitCycles(1);
            }
            assertThat(podExists(client, "default", POD_3)).isTrue();
            assertThat(slack.texts().get(0)).contains("failed", "authentication failed",
                            "check reaper.etcd.username and reaper.etcd.password")
                    .doesNotContain(PASSWORD);

            // when the reaper has the right credentials, then it remediates
            try (RunningReaper reaper = RunningReaper.start(client, etcd.clientUrl(), slack,
                    Map.of("reaper.etcd.username", "root", "reaper.etcd.password", PASSWORD,
                            "reaper.etcd.allow-plaintext-password", "true"));
                 AlluxioRegistry registry = new AlluxioRegistry(securedClient(etcd.clientUrl(), root))) {
                await().atMost(Duration.ofSeconds(20)).until(() -> !podExists(client, "default", POD_3)
                        && !registry.exists(authorizedKey(CLUSTER, WORKER_3)));
            }
            assertThat(TestLog.text()).contains("authentication failed").doesNotContain(PASSWORD);
            assertThat(String.join("\n", slack.texts())).doesNotContain(PASSWORD);
        }
    }

    @Test
    void should_remediate_over_tls_with_a_client_certificate() throws Exception {
        // given an etcd that serves TLS and requires client certificates signed by our CA
        Certificates certs = Certificates.create(dir.resolve("pki"));
        try (EtcdServer etcd = EtcdServer.start(dir.resolve("etcd"),
                new EtcdServer.Tls(certs.serverCert, certs.serverKey, certs.ca));
             HttpStandIn slack = new HttpStandIn()) {
            EtcdSecurity tls = new EtcdSecurity(Optional.empty(), Optional.empty(),
                    Optional.of(certs.ca), Optional.of(certs.clientCert), Optional.of(certs.clientKey));
            Scenario.seedCrash(client);
            try (AlluxioRegistry registry = new AlluxioRegistry(securedClient(etcd.clientUrl(), tls))) {
                registry.authorize(CLUSTER, WORKER_3, "10.244.4.5");

                // when the reaper runs with the CA, the client certificate and its key
                try (RunningReaper reaper = RunningReaper.start(client, etcd.clientUrl(), slack, Map.of(
                        "reaper.etcd.tls.ca-file", certs.ca.toString(),
                        "reaper.etcd.tls.cert-file", certs.clientCert.toString(),
                        "reaper.etcd.tls.key-file", certs.clientKey.toString()))) {

                    // then it remediates over TLS
                    await().atMost(Duration.ofSeconds(20)).until(() -> !podExists(client, "default", POD_3)
                            && !registry.exists(authorizedKey(CLUSTER, WORKER_3)));
                }
            }
        }
    }

    @Test
    void should_use_tls_for_an_https_endpoint_even_without_a_ca_file() throws Exception {
        // given an etcd serving TLS with a certificate of a CA the system does not trust, and no TLS file given
        Certificates certs = Certificates.create(dir.resolve("pki"));
        try (EtcdServer etcd = EtcdServer.start(dir.resolve("etcd"),
                new EtcdServer.Tls(certs.serverCert, certs.serverKey, certs.ca));
             Client plain = securedClient(etcd.clientUrl(), new EtcdSecurity(Optional.empty(), Optional.empty(),
                     Optional.empty(), Optional.empty(), Optional.empty()))) {

            // when the reaper's client reads from it
            Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() ->
                    plain.getKVClient().get(bytes("/DHT/")).get(10, TimeUnit.SECONDS));

            // then it spoke TLS and checked etcd's certificate against the JVM's (the system's) CAs: no plaintext
            StringBuilder causes = new StringBuilder();
            for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
                causes.append(t).append('\n');
            }
            assertThat(causes.toString()).containsAnyOf("PKIX path building failed",
                    "unable to find valid certification path");
        }
    }

    /** A throw-away CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
    record Certificates(Path ca, Path serverCert, Path serverKey, Path clientCert, Path clientKey) {

        static Certificates create(Path dir) throws Exception {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("server.ext"),
                    "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
            Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
            openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                    "-days", "1", "-subj", "/CN=reaper-test-ca");
            for (String who : List.of("server", "client")) {
                openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", who + ".key", "-out", who + ".csr",
                        "-subj", "/CN=" + who);
                openssl(dir, "x509", "-req", "-in", who + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                        "-CAcreateserial", "-out", who + ".pem", "-days", "1", "-extfile", who + ".ext");
            }
            return new Certificates(dir.resolve("ca.pem"), dir.resolve("server.pem"), dir.resolve("server.key"),
                    dir.resolve("client.pem"), dir.resolve("client.key"));
        }

        private static void openssl(Path dir, String... args) throws Exception {
            List<String> command = new java.util.ArrayList<>(List.of("openssl"));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + out);
            }
        }
    }
}
