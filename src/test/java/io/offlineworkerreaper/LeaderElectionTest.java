package io.offlineworkerreaper;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.offlineworkerreaper.demo.ClusterObjects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.Scenario.CLUSTER;
import static io.offlineworkerreaper.Scenario.aNotReadyNode;
import static io.offlineworkerreaper.Scenario.aWorkerPod;
import static io.offlineworkerreaper.Scenario.create;
import static io.offlineworkerreaper.Scenario.podExists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two replicas with leader election on, against the API emulator: only the Lease holder remediates, and the
 * other one takes over when it stops or when its pod stops being Ready.
 */
class LeaderElectionTest extends ReaperWorld {

    private static final String NAMESPACE = "reaper-system";
    private static final String LEASE = "offline-worker-reaper";
    private static final Duration LEASE_DURATION = Duration.ofSeconds(3);
    private static final String WORKER_4 = "worker-4d4d4d4d-0000-4000-8000-000000000004";

    private final Map<String, RunningReaper> replicas = new HashMap<>();

    @AfterEach
    void stopReplicas() throws Exception {
        for (RunningReaper replica : replicas.values()) {
            replica.close();
        }
    }

    private static Pod replicaPod(String name, boolean ready) {
        return new PodBuilder(ClusterObjects.pod(NAMESPACE, name, "alluxio-e2e-worker", "10.244.3.50",
                Map.of("app.kubernetes.io/name", "offline-worker-reaper")))
                .editStatus().addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .endStatus().build();
    }

    private RunningReaper startReplica(String pod) throws Exception {
        create(client, replicaPod(pod, true));
        RunningReaper replica = RunningReaper.start(client, etcd.clientUrl(), slack, Map.of(
                "reaper.leader-election.enabled", "true",
                "reaper.leader-election.namespace", NAMESPACE,
                "reaper.leader-election.pod-name", pod,
                "reaper.leader-election.lease-duration", LEASE_DURATION.toMillis() + "ms",
                "reaper.leader-election.renew-deadline", "2s",
                "reaper.leader-election.retry-period", "500ms",
                "reaper.safety.max-unhealthy", "3")); // the scenarios have two dead nodes out of few
        replicas.put(pod, replica);
        return replica;
    }

    private String holder() {
        Lease lease = client.leases().inNamespace(NAMESPACE).withName(LEASE).get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    /** A second dead node with its worker registered in etcd and its lease expired. */
    private void crashWorker4() {
        create(client, aNotReadyNode("alluxio-e2e-worker4"));
        create(client, aWorkerPod("alluxio-worker-577545dc9-4x4x4", "alluxio-e2e-worker4", "10.244.5.9"));
        registry.authorize(CLUSTER, WORKER_4, "10.244.5.9");
    }

    @Test
    void should_remediate_from_the_leader_only_and_hand_over_when_it_stops() throws Exception {
        // given two replicas and the seed crash
        Scenario.seedCrash(client, registry);
        startReplica("reaper-a");
        startReplica("reaper-b");

        // when the Lease is taken and the dead worker removed
        await().atMost(Duration.ofSeconds(20)).until(() -> holder() != null
                && !podExists(client, "default", "alluxio-worker-577545dc9-2q7z7"));
        String leader = holder();
        RunningReaper leading = replicas.get(leader);
        RunningReaper waiting = replicas.get(leader.equals("reaper-a") ? "reaper-b" : "reaper-a");
        leading.awaitCycles(3);

        // then only the Lease holder ran cycles, and Slack heard of the removal once
        assertThat(waiting.cyclesRun()).isZero();
        assertThat(waiting.remediating()).isFalse();
        assertThat(slack.texts().stream().filter(t -> t.contains("Removed offline Alluxio worker"))).hasSize(1);

        // when the leader is stopped (SIGTERM does the same), then it stops within 10 s and releases the Lease
        long stopping = System.nanoTime();
        leading.close();
        replicas.values().remove(leading);
        Duration stopTook = Duration.ofNanos(System.nanoTime() - stopping);
        assertThat(stopTook).isLessThan(Duration.ofSeconds(10));
        assertThat(holder()).isNotEqualTo(leader);

        // and the other replica takes over and remediates the next crash within lease duration + one cycle
        long crashed = System.nanoTime();
        crashWorker4();
        await().atMost(Duration.ofSeconds(20)).until(() -> !podExists(client, "default", "alluxio-worker-577545dc9-4x4x4"));
        Duration takeover = Duration.ofNanos(System.nanoTime() - crashed);
        System.out.printf("leader stop took %d ms; takeover to remediation took %d ms%n", stopTook.toMillis(),
                takeover.toMillis());
        assertThat(takeover).isLessThanOrEqualTo(LEASE_DURATION.plus(Duration.ofMillis(300)).plusSeconds(1));
        assertThat(holder()).isNotEqualTo(leader).isNotNull();
        assertThat(waiting.cyclesRun()).isPositive();
        assertThat(registry.exists(Scenario.authorizedKey(CLUSTER, WORKER_4))).isFalse();
    }

    @Test
    void should_hand_over_when_the_leaders_pod_is_no_longer_ready() throws Exception {
        // given two replicas, one leading
        Scenario.seedCrash(client, registry);
        startReplica("reaper-a");
        startReplica("reaper-b");
        await().atMost(Duration.ofSeconds(20)).until(() -> holder() != null);
        String leader = holder();
        RunningReaper leading = replicas.get(leader);
        String otherName = leader.equals("reaper-a") ? "reaper-b" : "reaper-a";
        RunningReaper other = replicas.get(otherName);
        await().atMost(Duration.ofSeconds(10)).until(leading::remediating);

        // when the leader's pod stops being Ready (its node died, or its probe failed), without any release
        long lost = System.nanoTime();
        client.pods().inNamespace(NAMESPACE).withName(leader).edit(p -> replicaPod(leader, false));

        // then the leader stops remediating and the other one leads, after waiting one lease duration
        await().atMost(Duration.ofSeconds(20)).until(() -> otherName.equals(holder()) && other.remediating());
        Duration takeover = Duration.ofNanos(System.nanoTime() - lost);
        System.out.printf("takeover after the leader's pod lost readiness took %d ms%n", takeover.toMillis());
        assertThat(takeover).isGreaterThanOrEqualTo(LEASE_DURATION.minusMillis(500));
        await().atMost(Duration.ofSeconds(10)).until(() -> !leading.remediating());
        // and the new leader remediates
        crashWorker4();
        await().atMost(Duration.ofSeconds(20)).until(() -> !podExists(client, "default", "alluxio-worker-577545dc9-4x4x4"));
    }

    private java.time.ZonedDateTime renewTime() {
        Lease lease = client.leases().inNamespace(NAMESPACE).withName(LEASE).get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getRenewTime();
    }

    @Test
    void should_not_act_once_another_replica_took_the_lease_even_before_its_election_notices() throws Exception {
        // given reaper-a leading with a slow election loop (it looks at the Lease every 5 s), and reaper-z's pod
        create(client, replicaPod("reaper-z", true));
        create(client, replicaPod("reaper-a", true));
        RunningReaper a = RunningReaper.start(client, etcd.clientUrl(), slack, Map.of(
                "reaper.leader-election.enabled", "true",
                "reaper.leader-election.namespace", NAMESPACE,
                "reaper.leader-election.pod-name", "reaper-a",
                "reaper.leader-election.lease-duration", "30s",
                "reaper.leader-election.renew-deadline", "20s",
                "reaper.leader-election.retry-period", "5s"));
        replicas.put("reaper-a", a);
        await().atMost(Duration.ofSeconds(30)).until(() -> "reaper-a".equals(holder()) && a.cyclesRun() >= 1);

        // when, right after reaper-a renewed, reaper-z takes the Lease (reaper-a was frozen, partitioned...) and
        // a node dies with an expired worker
        java.time.ZonedDateTime renewed = renewTime();
        await().atMost(Duration.ofSeconds(30)).until(() -> !java.util.Objects.equals(renewTime(), renewed));
        client.leases().inNamespace(NAMESPACE).withName(LEASE).edit(l -> new io.fabric8.kubernetes.api.model
                .coordination.v1.LeaseBuilder(l).editSpec().withHolderIdentity("reaper-z")
                .withRenewTime(java.time.ZonedDateTime.now()).endSpec().build());
        Scenario.seedCrash(client, registry);

        // then reaper-a, whose cycles still run until its election looks again, deletes nothing and says why
        await().atMost(Duration.ofSeconds(4)).until(() -> log().contains("no longer holds the Lease " + NAMESPACE + "/"
                + LEASE + " (holder: reaper-z)"));
        assertThat(podExists(client, "default", "alluxio-worker-577545dc9-2q7z7")).isTrue();
        assertThat(registry.exists(Scenario.authorizedKey(CLUSTER, Scenario.WORKER_3))).isTrue();
    }
}
