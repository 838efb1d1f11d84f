package io.offlineworkerreaper;

import java.util.Map;

import io.offlineworkerreaper.cycle.Once;
import io.offlineworkerreaper.settings.InvalidSettingException;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.Scenario.CLUSTER;
import static io.offlineworkerreaper.Scenario.WORKER_3;
import static io.offlineworkerreaper.Scenario.aNotReadyNode;
import static io.offlineworkerreaper.Scenario.aReadyNode;
import static io.offlineworkerreaper.Scenario.authorizedKey;
import static io.offlineworkerreaper.Scenario.create;
import static io.offlineworkerreaper.Scenario.podExists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --once}: one cycle, then an exit code a CronJob can act on. */
class OnceTest extends ReaperWorld {

    private int runOnce(String etcdUrl, Map<String, String> extra) throws Exception {
        return Once.run(Reaper.create(Once.settings(RunningReaper.settings(etcdUrl, slack, extra)), client));
    }

    @Test
    void should_remediate_deliver_the_notice_and_exit_0() throws Exception {
        Scenario.seedCrash(client, registry);

        int code = runOnce(etcd.clientUrl(), Map.of());

        assertThat(code).isZero();
        assertThat(podExists(client, "default", "alluxio-worker-577545dc9-2q7z7")).isFalse();
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_3))).isFalse();
        // the Slack notice went out before the process exited, not lost with it
        assertThat(slack.texts()).anySatisfy(t -> assertThat(t).contains("Removed offline Alluxio worker " + WORKER_3));
    }

    @Test
    void should_exit_0_when_there_is_nothing_to_do() throws Exception {
        create(client, aReadyNode("a"), aReadyNode("b"));
        assertThat(runOnce(etcd.clientUrl(), Map.of())).isZero();
    }

    @Test
    void should_exit_1_and_keep_the_pod_when_etcd_cannot_be_reached() throws Exception {
        Scenario.seedCrash(client, registry);
        String nowhere = "http://127.0.0.1:" + Management.freePort();

        int code = runOnce(nowhere, Map.of());

        assertThat(code).isEqualTo(Once.FAILED);
        assertThat(podExists(client, "default", "alluxio-worker-577545dc9-2q7z7")).isTrue();
        assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_3))).isTrue();
        assertThat(slack.texts()).anySatisfy(t -> assertThat(t).contains("failed", "etcd"));
    }

    @Test
    void should_exit_4_when_the_safety_breaker_refuses_to_act() throws Exception {
        Scenario.seedCrash(client, registry);
        create(client, aNotReadyNode("alluxio-e2e-worker4"));

        int code = runOnce(etcd.clientUrl(), Map.of());

        assertThat(code).isEqualTo(Once.REFUSED);
        assertThat(podExists(client, "default", "alluxio-worker-577545dc9-2q7z7")).isTrue();
    }

    @Test
    void should_refuse_leader_election_with_once_and_name_the_key() {
        assertThatThrownBy(() -> Once.settings(Map.of("reaper.leader-election.enabled", "true")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("reaper.leader-election.enabled");
    }
}
