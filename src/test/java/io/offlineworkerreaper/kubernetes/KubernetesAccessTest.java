package io.offlineworkerreaper.kubernetes;

import java.time.Duration;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The client's bounds: every request bounded by reaper.kubernetes.timeout, fabric8's own retries cut to one. */
class KubernetesAccessTest {

    @Test
    void every_request_is_bounded_by_the_timeout_and_fabric8_retries_once() {
        Config bounded = KubernetesAccess.bounded(new ConfigBuilder().withMasterUrl("https://k:6443").build(),
                Duration.ofSeconds(7));
        assertThat(bounded.getRequestTimeout()).isEqualTo(7000);
        assertThat(bounded.getConnectionTimeout()).isEqualTo(7000);
        assertThat(bounded.getRequestRetryBackoffLimit()).isEqualTo(1);
    }
}
