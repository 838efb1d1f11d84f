package io.offlineworkerreaper.kubernetes;

import java.time.Duration;
import java.time.Instant;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.offlineworkerreaper.decision.Remediation;
import io.offlineworkerreaper.decision.Remediations;
import io.offlineworkerreaper.demo.ClusterObjects;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@EnableKubernetesMockClient(crud = true)
class PodReaperTest {

    KubernetesClient client;
    io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server;

    private static Remediation removalOf(Pod pod) {
        WorkerPod target = Remediations.aWorkerPod(pod.getMetadata().getName(), pod.getMetadata().getUid(),
                "10.244.4.5", new NotReadyNode("n3", "Unknown", Instant.EPOCH, Duration.ofHours(1)));
        return new Remediation(target, Remediation.Verdict.REMOVE, java.util.List.of(), "offline");
    }

    @Test
    void should_force_delete_the_pod() {
        Pod pod = client.pods().resource(ClusterObjects.workerPod("default", "w-1", "n3", "10.244.4.5")).create();

        assertThat(new PodReaper(client).forceDelete(removalOf(pod).pod())).isEqualTo(PodReaper.Outcome.DELETED);
        assertThat(client.pods().inNamespace("default").withName("w-1").get()).isNull();
    }

    @Test
    void should_count_a_pod_that_is_already_gone_as_done() {
        Pod gone = ClusterObjects.workerPod("default", "w-gone", "n3", "10.244.4.5");

        assertThat(new PodReaper(client).forceDelete(removalOf(gone).pod())).isEqualTo(PodReaper.Outcome.ALREADY_GONE);
    }

    @Test
    void should_never_delete_a_replacement_with_the_same_name() {
        Pod old = ClusterObjects.workerPod("default", "alluxio-worker-0", "n3", "10.244.4.5");
        client.pods().resource(new PodBuilder(old).editMetadata().withUid("uid-of-the-new-pod").endMetadata()
                .editSpec().withNodeName("n1").endSpec().build()).create();

        assertThat(new PodReaper(client).forceDelete(removalOf(old).pod())).isEqualTo(PodReaper.Outcome.REPLACED);
        assertThat(client.pods().inNamespace("default").withName("alluxio-worker-0").get()).isNotNull();
    }

    @Test
    void should_send_the_uid_as_a_precondition_and_leave_a_pod_replaced_meanwhile() throws Exception {
        // given the pod read, then replaced under the same name before the delete reaches the API server (409)
        Pod pod = client.pods().resource(ClusterObjects.workerPod("default", "w-2", "n3", "10.244.4.5")).create();
        java.util.concurrent.atomic.AtomicReference<String> sent = new java.util.concurrent.atomic.AtomicReference<>();
        server.expect().delete().withPath("/api/v1/namespaces/default/pods/w-2").andReply(409, request -> {
            sent.set(request.getUtf8Body());
            return new io.fabric8.kubernetes.api.model.StatusBuilder().withCode(409).withReason("Conflict").build();
        }).once();

        // when it is force-deleted
        PodReaper.Outcome outcome = new PodReaper(client).forceDelete(removalOf(pod).pod());

        // then the API server was asked to delete that uid only, at once; the replacement is left alone
        assertThat(sent.get()).contains("\"uid\":\"" + pod.getMetadata().getUid() + "\"")
                .contains("\"gracePeriodSeconds\":0");
        assertThat(outcome).isEqualTo(PodReaper.Outcome.REPLACED);
        assertThat(client.pods().inNamespace("default").withName("w-2").get()).isNotNull();
    }

    @Test
    void should_not_delete_when_this_replica_no_longer_holds_the_lease() {
        // given a Lease another replica took over
        Pod pod = client.pods().resource(ClusterObjects.workerPod("default", "w-3", "n3", "10.244.4.5")).create();
        client.leases().resource(new io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder().withNewMetadata()
                .withNamespace("reaper").withName("offline-worker-reaper").endMetadata().withNewSpec()
                .withHolderIdentity("reaper-b").withRenewTime(java.time.ZonedDateTime.now()).endSpec().build()).create();
        LeaseGuard lease = new LeaseGuard(client, "reaper", "offline-worker-reaper", "reaper-a", Duration.ofSeconds(10),
                java.time.Clock.systemUTC());

        // then the delete is refused, saying why, and the pod stays
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PodReaper(client, lease).forceDelete(removalOf(pod).pod()))
                .isInstanceOf(LeaseGuard.NotLeaderException.class).hasMessageContaining("(holder: reaper-b)");
        assertThat(client.pods().inNamespace("default").withName("w-3").get()).isNotNull();
    }
}
