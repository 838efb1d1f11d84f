package io.offlineworkerreaper.observe;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.offlineworkerreaper.settings.SecretMasker;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Readiness from the last look: probing it often costs the API server and etcd nothing more. */
class ConnectivityCheckTest {

    @Test
    void should_answer_a_flood_of_probes_from_one_look_per_interval() throws Exception {
        AtomicInteger apiCalls = new AtomicInteger();
        AtomicInteger etcdCalls = new AtomicInteger();
        AtomicBoolean etcdUp = new AtomicBoolean(true);
        AtomicLong now = new AtomicLong();
        ConnectivityCheck check = new ConnectivityCheck(apiCalls::incrementAndGet, () -> {
            etcdCalls.incrementAndGet();
            if (!etcdUp.get()) {
                throw new java.io.IOException("connection refused");
            }
        }, new SecretMasker(List.of()), now::get);
        check.setCamelContext(new DefaultCamelContext());

        // when it is probed 1,000 times within one interval
        for (int i = 0; i < 1_000; i++) {
            assertThat(check.call(Map.of()).getState()).isEqualTo(HealthCheck.State.UP);
        }

        // then the API server and etcd were asked once each
        assertThat(apiCalls).hasValue(1);
        assertThat(etcdCalls).hasValue(1);

        // when etcd goes down: the answer changes at the next look, not sooner, and not more often
        etcdUp.set(false);
        now.addAndGet(ConnectivityCheck.REFRESH_EVERY.toNanos() - 1);
        assertThat(check.call(Map.of()).getState()).isEqualTo(HealthCheck.State.UP);
        now.addAndGet(1);
        for (int i = 0; i < 100; i++) {
            assertThat(check.call(Map.of()).getState()).isEqualTo(HealthCheck.State.DOWN);
        }
        assertThat(apiCalls).hasValue(2);
        assertThat(etcdCalls).hasValue(2);
    }
}
