package io.offlineworkerreaper.notify;

import java.util.Base64;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HttpTargetTest {

    @Test
    void should_send_the_user_info_as_basic_authorization_and_never_show_it() {
        HttpTarget target = HttpTarget.of("https://reaper:p%40ss@alertmanager.monitoring:9093/api/v2/alerts", false);
        assertThat(target.url()).isEqualTo("https://alertmanager.monitoring:9093/api/v2/alerts");
        assertThat(target.authorization()).contains("Basic " + Base64.getEncoder().encodeToString("reaper:p@ss".getBytes()));
        assertThat(target.shown()).isEqualTo("https://****@alertmanager.monitoring:9093/api/v2/alerts");
        assertThat(target.secrets()).contains("reaper:p%40ss");
    }

    @Test
    void should_hide_a_secret_url_as_a_whole() {
        HttpTarget target = HttpTarget.of("https://gateway.example/hooks/T0K3N", true);
        assertThat(target.authorization()).isEqualTo(Optional.empty());
        assertThat(target.shown()).isEqualTo("****");
        assertThat(target.secrets()).containsExactly("https://gateway.example/hooks/T0K3N");
    }
}
