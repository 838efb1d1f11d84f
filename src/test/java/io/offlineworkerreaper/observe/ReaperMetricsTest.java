package io.offlineworkerreaper.observe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReaperMetricsTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ReaperMetrics metrics = new ReaperMetrics(meters,
            Clock.fixed(Instant.parse("2026-11-22T20:00:00Z"), ZoneOffset.UTC));

    private double errors(String target) {
        return meters.get("reaper.call.errors").tag("target", target).counter().count();
    }

    @Test
    void should_count_a_failure_against_what_was_called() {
        metrics.failed(true, new RuntimeException("wrapped", Status.DEADLINE_EXCEEDED.asRuntimeException()), "find-offline-workers");
        metrics.failed(true, new KubernetesClientException("Too Many Requests", 429, null), "delete-worker-pod");
        metrics.failed(false, new IllegalStateException("a bug"), "notify");

        assertThat(errors("etcd")).isEqualTo(1);
        assertThat(errors("kubernetes")).isEqualTo(1);
        assertThat(meters.get("reaper.remediations").tag("result", "failed").counter().count()).isEqualTo(2);
    }

    @Test
    void should_stamp_only_cycles_without_failure_as_successful() {
        metrics.cycleEnded(Duration.ofMillis(120), false);
        assertThat(meters.get("reaper.last.successful.cycle.timestamp").gauge().value()).isZero();

        metrics.cycleEnded(Duration.ofMillis(80), true);
        assertThat(meters.get("reaper.last.successful.cycle.timestamp").gauge().value())
                .isEqualTo(Instant.parse("2026-11-22T20:00:00Z").getEpochSecond());
        assertThat(meters.get("reaper.cycle.duration").timer().count()).isEqualTo(2);
    }
}
