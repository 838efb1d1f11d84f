package io.offlineworkerreaper;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.offlineworkerreaper.demo.AlluxioRegistry;
import io.offlineworkerreaper.demo.EtcdServer;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.Scenario.CLUSTER;
import static io.offlineworkerreaper.Scenario.WORKER_3;
import static io.offlineworkerreaper.Scenario.authorizedKey;
import static io.offlineworkerreaper.Scenario.podExists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** etcd fails and comes back: the pod must stay while its worker cannot be removed, and go afterwards. */
@EnableKubernetesMockClient(crud = true)
class EtcdOutageTest {

    KubernetesClient client;

    @Test
    void should_keep_the_pod_while_etcd_is_down_and_finish_once_it_is_back() throws Exception {
        try (EtcdServer etcd = EtcdServer.start(Files.createTempDirectory("reaper-outage-etcd"));
             HttpStandIn slack = new HttpStandIn()) {
            // given the seed crash, and then etcd going down
            try (AlluxioRegistry registry = new AlluxioRegistry(etcd.clientUrl())) {
                Scenario.seedCrash(client, registry);
            }
            etcd.stop();

            // when the reaper runs cycles against the unreachable etcd
            try (RunningReaper reaper = RunningReaper.start(client, etcd.clientUrl(), slack, Map.of())) {
                reaper.awaitCycles(2);

                // then the pod is kept, the process is alive, and the operator is told once
                assertThat(podExists(client, "default", "alluxio-worker-577545dc9-2q7z7")).isTrue();
                assertThat(reaper.context().isStarted()).isTrue();
                await().atMost(Duration.ofSeconds(10)).until(() -> !slack.posts().isEmpty());
                assertThat(slack.texts()).hasSize(1);
                assertThat(slack.texts().get(0)).contains("failed", "check that etcd is reachable");

                // when etcd is back
                etcd.restart();

                // then a later cycle completes the remediation, and the recovery is announced
                try (AlluxioRegistry registry = new AlluxioRegistry(etcd.clientUrl())) {
                    await().atMost(Duration.ofSeconds(30)).until(() ->
                            !podExists(client, "default", "alluxio-worker-577545dc9-2q7z7")
                                    && !registry.exists(authorizedKey(CLUSTER, WORKER_3)));
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> slack.texts().stream()
                        .anyMatch(t -> t.startsWith("Recovered: find-offline-workers works again")));
            }
        }
    }

    @Test
    void should_keep_the_pod_when_deleting_the_workers_key_fails_and_finish_on_a_later_cycle() throws Exception {
        try (EtcdServer etcd = EtcdServer.start(Files.createTempDirectory("reaper-delete-fails-etcd"));
             AlluxioRegistry registry = new AlluxioRegistry(etcd.clientUrl());
             HttpStandIn slack = new HttpStandIn()) {
            // given the seed crash, and an etcd that answers reads but fails every delete
            Scenario.seedCrash(client, registry);
            AtomicBoolean deletesFail = new AtomicBoolean(true);
            try (RunningReaper reaper = RunningReaper.start(client, etcd.clientUrl(), slack, Map.of())) {
                // (reads go through call-etcd, deletes are keyDeleter's guarded transactions)
                AdviceWith.adviceWith(reaper.context(), "remove-worker-keys", route -> route
                        .weaveById("delete-worker-keys").before().process(exchange -> {
                            if (deletesFail.get()) {
                                throw new java.io.IOException("etcd delete failed (injected)");
                            }
                        }));

                // when cycles run
                await().atMost(Duration.ofSeconds(10)).until(() -> !slack.posts().isEmpty());
                reaper.awaitCycles(2);

                // then the pod and the key are both still there, and the operator was told
                assertThat(podExists(client, "default", "alluxio-worker-577545dc9-2q7z7")).isTrue();
                assertThat(registry.exists(authorizedKey(CLUSTER, WORKER_3))).isTrue();
                assertThat(slack.texts().get(0)).contains("failed", "etcd delete failed (injected)",
                        "nothing further was deleted");

                // when deletes work again, then a later cycle completes the remediation
                deletesFail.set(false);
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        !podExists(client, "default", "alluxio-worker-577545dc9-2q7z7")
                                && !registry.exists(authorizedKey(CLUSTER, WORKER_3)));
            }
        }
    }

    @Test
    void should_bound_cycles_when_etcd_hangs_and_finish_once_it_answers_again() throws Exception {
        try (EtcdServer etcd = EtcdServer.start(Files.createTempDirectory("reaper-hung-etcd"));
             HttpStandIn slack = new HttpStandIn()) {
            // given the seed crash, and an etcd that accepts connections but answers nothing (SIGSTOP)
            try (AlluxioRegistry registry = new AlluxioRegistry(etcd.clientUrl())) {
                Scenario.seedCrash(client, registry);
            }
            etcd.pause();
            try (RunningReaper reaper = RunningReaper.start(client, etcd.clientUrl(), slack, Map.of())) {
                // when cycles run, then they never overlap although each waits on etcd longer than the interval
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() ->
                        reaper.context().getInflightRepository().size("check-nodes") <= 1);
                // and each ends within the etcd timeout, the pod stays, the operator is told
                reaper.awaitCycles(2);
                assertThat(podExists(client, "default", "alluxio-worker-577545dc9-2q7z7")).isTrue();
                await().atMost(Duration.ofSeconds(10)).until(() -> !slack.posts().isEmpty());
                assertThat(slack.texts().get(0)).contains("failed", "DEADLINE_EXCEEDED", "check that etcd is reachable");

                // when etcd answers again, then a later cycle completes the remediation
                etcd.resume();
                try (AlluxioRegistry registry = new AlluxioRegistry(etcd.clientUrl())) {
                    await().atMost(Duration.ofSeconds(30)).until(() ->
                            !podExists(client, "default", "alluxio-worker-577545dc9-2q7z7")
                                    && !registry.exists(authorizedKey(CLUSTER, WORKER_3)));
                }
            }
        }
    }
}
