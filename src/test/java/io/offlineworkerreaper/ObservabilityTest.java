package io.offlineworkerreaper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.Scenario.CLUSTER;
import static io.offlineworkerreaper.Scenario.WORKER_3;
import static io.offlineworkerreaper.Scenario.aNotReadyNode;
import static io.offlineworkerreaper.Scenario.aReadyNode;
import static io.offlineworkerreaper.Scenario.authorizedKey;
import static io.offlineworkerreaper.Scenario.create;
import static io.offlineworkerreaper.Scenario.podExists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Health and metrics on the management port, scraped over HTTP as Prometheus and the kubelet do. */
class ObservabilityTest extends ReaperWorld {

    private Management management;

    private void startObservedReaper(Map<String, String> extra) throws Exception {
        management = new Management(Management.freePort());
        java.util.Map<String, String> settings = new java.util.HashMap<>(extra);
        settings.put("camel.management.enabled", "true");
        settings.put("camel.management.port", String.valueOf(management.port()));
        startReaper(settings);
    }

    @Test
    void should_count_a_remediation_and_report_the_cycle_in_the_metrics() throws Exception {
        // given the seed crash
        Scenario.seedCrash(client, registry);
        Instant started = Instant.now();

        // when the reaper removes the dead worker
        startObservedReaper(Map.of());
        await().atMost(Duration.ofSeconds(20)).until(() ->
                !podExists(client, "default", "alluxio-worker-577545dc9-2q7z7")
                        && !registry.exists(authorizedKey(CLUSTER, WORKER_3)));
        reaper.awaitCycles(1);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                management.sample("reaper_notices_total{destination=\"slack\",result=\"delivered\"}").orElse(0) == 1);

        // then the scrape says what happened
        String scrape = management.get("/observe/metrics").body();
        assertThat(Management.sample(scrape, "reaper_remediations_total{result=\"removed\"}")).hasValue(1);
        assertThat(Management.sample(scrape, "reaper_remediations_total{result=\"refused\"}")).hasValue(0);
        assertThat(Management.sample(scrape, "reaper_remediations_total{result=\"failed\"}")).hasValue(0);
        assertThat(Management.sample(scrape, "reaper_not_ready_nodes")).hasValue(1);
        assertThat(Management.sample(scrape, "reaper_breaker_open")).hasValue(0);
        assertThat(Management.sample(scrape, "reaper_leader")).hasValue(1);
        assertThat(Management.sample(scrape, "reaper_call_errors_total{target=\"etcd\"}")).hasValue(0);
        assertThat(Management.sample(scrape, "reaper_cycle_duration_seconds_count").orElseThrow()).isGreaterThanOrEqualTo(2);
        assertThat(Management.sample(scrape, "reaper_cycle_duration_seconds_bucket{le=\"+Inf\"}").orElseThrow())
                .isGreaterThanOrEqualTo(2);
        double lastSuccess = Management.sample(scrape, "reaper_last_successful_cycle_timestamp_seconds").orElseThrow();
        assertThat(lastSuccess).isBetween(started.getEpochSecond() - 1.0, Instant.now().getEpochSecond() + 1.0);
        // and Camel's own route metrics are on the same page
        assertThat(scrape).contains("routeId=\"delete-worker-pod\"");
        // and every metric an alert (PrometheusRule) or a Grafana panel names is in this scrape, from the start
        java.util.Set<String> named = new java.util.TreeSet<>();
        for (Path file : List.of(Path.of("deploy", "components", "prometheusrule", "prometheusrule.yaml"),
                Path.of("deploy", "grafana", "offline-worker-reaper.json"))) {
            Matcher m = Pattern.compile("\\breaper_[a-z_]+").matcher(Files.readString(file));
            while (m.find()) {
                named.add(m.group());
            }
        }
        assertThat(named).contains("reaper_leader", "reaper_breaker_open", "reaper_notices_total", "reaper_refusals_total",
                "reaper_cycle_duration_seconds_bucket", "reaper_actions_total");
        assertThat(named).allSatisfy(metric -> assertThat(scrape).as("a series of %s", metric)
                .containsPattern("(?m)^" + metric + "[{ ]"));
        // and the reaper is live and ready
        assertThat(management.get("/observe/health/live").status()).isEqualTo(200);
        Management.Answer ready = management.get("/observe/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.body()).contains("\"UP\"", "connectivity");
    }

    @Test
    void should_be_unready_while_etcd_does_not_answer_and_count_the_errors() throws Exception {
        // given a dead node's worker to look up, and a ready reaper
        Scenario.seedCrash(client);
        registry.registerLiveWorker(CLUSTER, WORKER_3, "10.244.4.5", 60); // still heartbeating: refused, kept
        startObservedReaper(Map.of());
        await().atMost(Duration.ofSeconds(10)).until(() -> management.get("/observe/health/ready").status() == 200);

        // when etcd freezes
        etcd.pause();
        try {
            // then readiness goes down and says why, liveness stays up, and failed etcd calls are counted
            await().atMost(Duration.ofSeconds(20)).until(() -> management.get("/observe/health/ready").status() == 503);
            assertThat(management.get("/observe/health/ready").body()).contains("etcd");
            assertThat(management.get("/observe/health/live").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    management.sample("reaper_call_errors_total{target=\"etcd\"}").orElse(0) >= 1);
        } finally {
            etcd.resume();
        }
        // and once etcd answers, it is ready again; the worker was never touched
        await().atMost(Duration.ofSeconds(20)).until(() -> management.get("/observe/health/ready").status() == 200);
        assertThat(podExists(client, "default", "alluxio-worker-577545dc9-2q7z7")).isTrue();
        assertThat(management.sample("reaper_remediations_total{result=\"refused\"}").orElseThrow()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void should_be_unready_when_the_api_server_cannot_be_reached() throws Exception {
        // given a reaper whose Kubernetes API address answers nothing
        int closed = Management.freePort();
        try (KubernetesClient unreachable = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:" + closed).withRequestTimeout(500).withConnectionTimeout(500)
                .withRequestRetryBackoffLimit(0).build()).build()) {
            management = new Management(Management.freePort());
            reaper = RunningReaper.start(unreachable, etcd.clientUrl(), slack, Map.of(
                    "camel.management.enabled", "true", "camel.management.port", String.valueOf(management.port())));

            // then readiness is down and names the API server, and the process stays live
            Management.Answer ready = management.get("/observe/health/ready");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.body()).contains("Kubernetes API");
            assertThat(management.get("/observe/health/live").status()).isEqualTo(200);
        }
    }

    @Test
    void should_show_the_breaker_open_in_the_metrics() throws Exception {
        // given two of three nodes down at once
        create(client, aReadyNode("a"), aNotReadyNode("b"), aNotReadyNode("c"));

        // when the reaper looks
        startObservedReaper(Map.of());
        reaper.awaitCycles(1);

        // then the gauges say the breaker holds remediation, and why
        assertThat(management.sample("reaper_breaker_open")).hasValue(1);
        assertThat(management.sample("reaper_not_ready_nodes")).hasValue(2);
        assertThat(management.sample("reaper_leader")).hasValue(1);
    }
}
