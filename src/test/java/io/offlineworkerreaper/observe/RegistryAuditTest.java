package io.offlineworkerreaper.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.offlineworkerreaper.alluxio.RegistryFindings;
import io.offlineworkerreaper.alluxio.WorkerMatching;
import io.offlineworkerreaper.demo.AlluxioRegistry;
import io.offlineworkerreaper.kubernetes.PodIdentity;
import io.offlineworkerreaper.notify.AnnouncementMemory;
import io.offlineworkerreaper.notify.Notice;
import io.offlineworkerreaper.notify.NoticeWriter;
import io.offlineworkerreaper.settings.SecretMasker;
import io.offlineworkerreaper.testing.MutableClock;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.alluxio.WorkerMatchingTest.DEAD;
import static io.offlineworkerreaper.alluxio.WorkerMatchingTest.DHT;
import static io.offlineworkerreaper.alluxio.WorkerMatchingTest.LIVE;
import static io.offlineworkerreaper.alluxio.WorkerMatchingTest.SD;
import static io.offlineworkerreaper.alluxio.WorkerMatchingTest.registry;
import static org.assertj.core.api.Assertions.assertThat;

/** What the registry's findings announce, and when the registry is looked at without NotReady nodes. */
class RegistryAuditTest {

    private static final RegistryFindings FINDINGS = new RegistryFindings("default",
            "app.kubernetes.io/component=worker,app.kubernetes.io/name=alluxio", "default-alluxio");
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final RegistryAudit audit = new RegistryAudit(Duration.ofMinutes(1), clock,
            new NoticeWriter(new AnnouncementMemory(), new SecretMasker(List.of())), new ReaperMetrics(meters, clock));

    private static String at(String id, String host) {
        return AlluxioRegistry.workerValue(id, host);
    }

    private static WorkerMatching matching(List<Pod> workerPods, Map<String, String> dht, Map<String, String> sd) {
        return WorkerMatching.match(workerPods.stream().map(PodIdentity::of).toList(), registry(DHT, dht),
                registry(SD, sd));
    }

    @Test
    void should_announce_a_finding_once_then_when_it_clears_and_count_it_in_a_metric() {
        WorkerMatching bad = matching(List.of(DEAD, LIVE), Map.of("worker-2", at("worker-2", "10.244.1.14")),
                Map.of("worker-2", at("worker-2", "10.244.1.14"), "worker-9", at("worker-9", "10.9.9.9")));
        WorkerMatching good = matching(List.of(DEAD, LIVE), Map.of("worker-2", at("worker-2", "10.244.1.14")),
                Map.of("worker-2", at("worker-2", "10.244.1.14")));

        List<Notice> first = audit.review(FINDINGS.findings(bad, null, null));
        assertThat(first).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo(Notice.Kind.WARNING);
            assertThat(n.text()).contains("1 live heartbeat(s)", SD + "worker-9", "fix: ");
        });
        assertThat(meters.scrape()).contains("reaper_findings{finding=\"unaccounted-heartbeats\"} 1.0",
                "reaper_findings{finding=\"cluster-empty\"} 0.0");
        assertThat(audit.review(FINDINGS.findings(bad, null, null))).as("announced once while it lasts").isEmpty();

        List<Notice> cleared = audit.review(FINDINGS.findings(good, null, null));
        assertThat(cleared).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo(Notice.Kind.RECOVERED);
            assertThat(n.title()).startsWith("Cleared: 1 live heartbeat(s)");
        });
        assertThat(meters.scrape()).contains("reaper_findings{finding=\"unaccounted-heartbeats\"} 0.0");
        assertThat(audit.review(FINDINGS.findings(good, null, null))).isEmpty();
    }

    @Test
    void should_be_due_at_first_then_every_interval() {
        assertThat(audit.due()).isTrue();
        audit.review(FINDINGS.findings(matching(List.of(), Map.of(), Map.of()), null, null));
        assertThat(audit.due()).isFalse();
        clock.advance(Duration.ofSeconds(59));
        assertThat(audit.due()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(audit.due()).isTrue();
    }

}
