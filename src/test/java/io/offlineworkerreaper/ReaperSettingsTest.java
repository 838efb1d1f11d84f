package io.offlineworkerreaper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import io.offlineworkerreaper.alluxio.UnaccountedHeartbeats;
import io.offlineworkerreaper.cycle.LeaderElectionSettings;
import io.offlineworkerreaper.settings.InvalidSettingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReaperSettingsTest {

    /** The shipped defaults: config/application.properties, as packaged on the classpath. */
    private static Map<String, String> defaults() {
        Properties shipped = new Properties();
        try (InputStream in = ReaperSettingsTest.class.getResourceAsStream("/application.properties")) {
            shipped.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> values = new HashMap<>();
        shipped.stringPropertyNames().forEach(key -> values.put(key, shipped.getProperty(key)));
        return values;
    }

    private static ReaperSettings parse(Map<String, String> values) {
        return ReaperSettings.from(key -> Optional.ofNullable(values.get(key)));
    }

    private static ReaperSettings with(String key, String value) {
        Map<String, String> values = defaults();
        values.put(key, value);
        return parse(values);
    }

    @Test
    void should_read_the_shipped_defaults() {
        ReaperSettings settings = parse(defaults());

        assertThat(settings.cycle().checkInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.alluxio().workersSelector()).as("the current Alluxio chart's worker labels")
                .containsExactlyInAnyOrderEntriesOf(
                Map.of("app.kubernetes.io/name", "alluxio", "app.kubernetes.io/component", "worker"));
        assertThat(settings.alluxio().unaccountedHeartbeats()).isEqualTo(UnaccountedHeartbeats.REFUSE);
        assertThat(settings.alluxio().auditInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.alluxio().authorizedPrefix()).isEqualTo("/DHT/default-alluxio/AUTHORIZED/");
        assertThat(settings.alluxio().serviceDiscoveryPrefix()).isEqualTo("/ServiceDiscovery/default-alluxio/");
        assertThat(settings.alluxio().requireLeaseExpired()).isTrue();
        assertThat(settings.dryRun()).isFalse();
        assertThat(settings.slack().enabled()).isFalse();
        assertThat(settings.retry().policy().getMaximumRedeliveries()).isEqualTo(2);
        assertThat(settings.retry().policy().getRedeliveryDelay()).isEqualTo(250);
        assertThat(settings.retry().policy().getBackOffMultiplier()).isEqualTo(2.0);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "reaper.check-interval | banana | a duration such as 500ms, 30s, 5m or 1h",
            "reaper.check-interval | 30 | a duration",
            "reaper.check-interval | 5ms | at least 10ms",
            "reaper.nodes.not-ready-for | -5s | a duration",
            "reaper.etcd.timeout | 5 seconds | a duration",
            "reaper.dry-run | yes | true or false",
            "reaper.alluxio.require-lease-expired | 1 | true or false",
            "reaper.alluxio.unaccounted-heartbeats | skip | refuse or ignore",
            "reaper.alluxio.audit-interval | hourly | a duration",
            "reaper.detection | push | poll or watch",
            "reaper.retry.max-redeliveries | 11 | a whole number from 0 to 10",
            "reaper.retry.delay | quick | a duration",
            "reaper.workers.namespace | Alluxio_NS | a namespace name",
            "reaper.workers.selector | app | a label selector",
            "reaper.workers.selector | app=alluxio,,role=x | a label selector",
            "reaper.workers.selector | app=alluxio,app=other | a label selector",
            "reaper.alluxio.cluster-name | default/alluxio | an Alluxio cluster name",
            "reaper.etcd.endpoints | localhost:2379 | http:// or https:// URLs",
            "reaper.etcd.endpoints | http://etcd | with host and port",
            "reaper.slack.server-url | slack.com | an http:// or https:// URL",
            "reaper.safety.max-unhealthy | lots | a count of nodes (e.g. 3) or a percent from 0% to 100%",
            "reaper.kubernetes.events | on | true or false",
            "reaper.leader-election.enabled | maybe | true or false",
            "reaper.leader-election.lease-name | reaper | at least one '-'",
            "reaper.leader-election.lease-name | Offline-Reaper | lowercase",
            "reaper.leader-election.namespace | Reaper_NS | a namespace name",
            "reaper.leader-election.pod-labels | app | a label selector",
            "reaper.leader-election.lease-duration | 0s | at least 1000ms",
            "reaper.leader-election.renew-deadline | 20s | less than reaper.leader-election.lease-duration",
            "reaper.leader-election.retry-period | 9s | less than reaper.leader-election.renew-deadline / 1.2",
            "reaper.safety.max-unhealthy | 150% | a percent from 0% to 100%",
            "reaper.safety.max-pods-per-cycle | 0 | a whole number from 1 to 10000",
            "reaper.safety.max-pods-per-cycle | ten | a whole number",
            "reaper.safety.cooldown | soon | a duration",
            "reaper.nodes.selector | pool in cache | a label selector in kubectl's syntax",
            "reaper.kubernetes.timeout | 0s | at least 100ms",
            "reaper.etcd.tls.ca-file | /no/such/ca.pem | the path of a readable PEM file",
    })
    void should_reject_an_invalid_value_naming_the_key_and_the_expected_form(String key, String value, String expected) {
        assertThatThrownBy(() -> with(key, value))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("Invalid setting " + key + "=")
                .hasMessageContaining(expected)
                .hasMessageContaining(ReaperSettings.environmentVariableOf(key));
    }

    @Test
    void should_reject_a_missing_value_naming_the_key() {
        Map<String, String> values = defaults();
        values.remove("reaper.check-interval");

        assertThatThrownBy(() -> parse(values)).isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("reaper.check-interval");
    }

    @Test
    void should_never_show_a_secret_in_an_error_or_in_the_settings_dump() {
        Map<String, String> values = defaults();
        values.put("reaper.slack.webhook-url", "hooks.slack.com/services/T0/B0/sekr3t");
        assertThatThrownBy(() -> parse(values)).hasMessageContaining("reaper.slack.webhook-url")
                .hasMessageNotContaining("sekr3t");

        values.put("reaper.slack.webhook-url", "https://hooks.slack.com/services/T0/B0/sekr3t");
        assertThat(parse(values).describe().toString()).doesNotContain("sekr3t").contains("****");
        values.put("reaper.slack.webhook-url", "");
        values.put("reaper.slack.token", "xoxb-sekr3t");
        values.put("reaper.slack.channel", "#ops");
        assertThat(parse(values).describe().toString()).doesNotContain("sekr3t");
        assertThat(parse(values).slack().toString()).doesNotContain("sekr3t");
    }

    @Test
    void should_mask_the_etcd_password() {
        Map<String, String> values = defaults();
        values.put("reaper.etcd.username", "reaper");
        assertThatThrownBy(() -> parse(values)).hasMessageContaining("Invalid setting reaper.etcd.password")
                .hasMessageContaining("both reaper.etcd.username and reaper.etcd.password");
        values.put("reaper.etcd.password", "etcd-sekr3t");
        values.put("reaper.etcd.endpoints", "https://etcd-0.etcd:2379");
        ReaperSettings settings = parse(values);

        assertThat(settings.describe().toString()).doesNotContain("etcd-sekr3t").contains("reaper");
        assertThat(settings.etcd().security().toString()).doesNotContain("etcd-sekr3t");
        assertThat(settings.masker().mask("auth failed for etcd-sekr3t")).isEqualTo("auth failed for ****");
    }

    @Test
    void should_refuse_an_etcd_password_over_http_unless_allowed() {
        Map<String, String> values = defaults();
        values.put("reaper.etcd.username", "reaper");
        values.put("reaper.etcd.password", "etcd-sekr3t");
        values.put("reaper.etcd.endpoints", "http://etcd-0.etcd:2379");

        assertThatThrownBy(() -> parse(values)).hasMessageContaining("Invalid setting reaper.etcd.password")
                .hasMessageContaining("https://").hasMessageContaining("reaper.etcd.allow-plaintext-password=true")
                .hasMessageNotContaining("etcd-sekr3t");
        values.put("reaper.etcd.allow-plaintext-password", "true");
        assertThat(parse(values).etcd().tls()).isFalse();
        values.put("reaper.etcd.allow-plaintext-password", "false");
        values.put("reaper.etcd.endpoints", "https://etcd-0.etcd:2379,https://etcd-1.etcd:2379");
        assertThat(parse(values).etcd().tls()).isTrue();
    }

    @Test
    void should_refuse_endpoints_some_with_tls_and_some_without() {
        assertThatThrownBy(() -> with("reaper.etcd.endpoints", "https://etcd-0.etcd:2379,http://etcd-1.etcd:2379"))
                .hasMessageContaining("Invalid setting reaper.etcd.endpoints").hasMessageContaining("all https://");
        assertThatThrownBy(() -> with("reaper.etcd.allow-plaintext-password", "yes"))
                .hasMessageContaining("reaper.etcd.allow-plaintext-password");
    }

    @Test
    void should_require_a_channel_with_a_token_and_refuse_both_slack_modes_at_once() {
        Map<String, String> values = defaults();
        values.put("reaper.slack.token", "xoxb-1");
        assertThatThrownBy(() -> parse(values)).hasMessageContaining("reaper.slack.channel");

        values.put("reaper.slack.channel", "#ops");
        values.put("reaper.slack.webhook-url", "https://hooks.slack.com/services/T0/B0/x");
        assertThatThrownBy(() -> parse(values)).hasMessageContaining("not both");
    }

    @Test
    void should_split_the_lease_name_the_way_camel_joins_it_and_need_a_pod_name_only_when_enabled() {
        Map<String, String> values = defaults();
        values.put("reaper.leader-election.lease-name", "alluxio-offline-worker-reaper");
        LeaderElectionSettings off = parse(values).leaderElection();
        assertThat(off.enabled()).isFalse();
        // Camel names the Lease <resource>-<group>
        assertThat(off.resourcePart() + "-" + off.groupPart()).isEqualTo("alluxio-offline-worker-reaper");

        values.put("reaper.leader-election.enabled", "true");
        values.put("reaper.leader-election.pod-name", "reaper-7d9f-x2v7q");
        LeaderElectionSettings on = parse(values).leaderElection();
        assertThat(on.podName()).isEqualTo("reaper-7d9f-x2v7q");
        assertThat(on.podLabels()).containsEntry("app.kubernetes.io/name", "offline-worker-reaper");
        assertThat(on.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void should_map_keys_to_environment_variables_the_way_camel_reads_them() {
        assertThat(ReaperSettings.environmentVariableOf("reaper.check-interval")).isEqualTo("REAPER_CHECK_INTERVAL");
        assertThat(ReaperSettings.environmentVariableOf("reaper.slack.webhook-url"))
                .isEqualTo("REAPER_SLACK_WEBHOOK_URL");
    }
}
