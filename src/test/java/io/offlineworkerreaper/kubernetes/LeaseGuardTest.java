package io.offlineworkerreaper.kubernetes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A replica acts only while it holds the Lease, renewed within the renew deadline. */
class LeaseGuardTest {

    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    private final LeaseGuard guard = new LeaseGuard(null, "reaper", "offline-worker-reaper", "reaper-a",
            Duration.ofSeconds(10), Clock.fixed(NOW, ZoneOffset.UTC));

    private static Lease lease(String holder, Instant renewed) {
        return new LeaseBuilder().withNewSpec().withHolderIdentity(holder)
                .withRenewTime(renewed == null ? null : ZonedDateTime.ofInstant(renewed, ZoneOffset.UTC)).endSpec()
                .build();
    }

    @Test
    void should_allow_the_holder_that_renewed_within_the_deadline() {
        assertThat(guard.whyNot(lease("reaper-a", NOW.minusSeconds(9)), NOW)).isNull();
    }

    @Test
    void should_refuse_when_another_replica_holds_it_or_it_is_gone() {
        assertThat(guard.whyNot(lease("reaper-b", NOW), NOW)).contains("no longer holds", "(holder: reaper-b)");
        assertThat(guard.whyNot(lease(null, NOW), NOW)).contains("no longer holds");
        assertThat(guard.whyNot(null, NOW)).contains("is gone");
    }

    @Test
    void should_refuse_a_holder_whose_last_renewal_is_older_than_the_deadline() {
        assertThat(guard.whyNot(lease("reaper-a", NOW.minusSeconds(11)), NOW)).contains("renew deadline");
        assertThat(guard.whyNot(lease("reaper-a", null), NOW)).contains("no renewTime");
    }
}
