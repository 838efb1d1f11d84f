package io.offlineworkerreaper.kubernetes;

import java.time.Duration;
import java.time.Instant;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.offlineworkerreaper.decision.NotReadyNode;
import io.offlineworkerreaper.decision.Remediation;
import io.offlineworkerreaper.decision.Remediations;
import io.offlineworkerreaper.demo.ClusterObjects;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@EnableKubernetesMockClient(crud = true)
class PodReaperTest {

    KubernetesClient client;

    private static Remediation removalOf(Pod pod) {
        WorkerPod target = Remediations.aWorkerPod(pod.getMetadata().getName(), pod.getMetadata().getUid(),
                "10.244.4.5", new NotReadyNode("n3", "Unknown", Instant.EPOCH, Duration.ofHours(1)));
        return new Remediation(target, Remediation.Verdict.REMOVE, java.util.List.of(), "offline");
    }

    @Test
    void should_force_delete_the_pod() {
        Pod pod = client.pods().resource(ClusterObjects.workerPod("default", "w-1", "n3", "10.244.4.5")).create();

        assertThat(new PodReaper(client).forceDelete(removalOf(pod))).isEqualTo(PodReaper.Outcome.DELETED);
        assertThat(client.pods().inNamespace("default").withName("w-1").get()).isNull();
    }

    @Test
    void should_count_a_pod_that_is_already_gone_as_done() {
        Pod gone = ClusterObjects.workerPod("default", "w-gone", "n3", "10.244.4.5");

        assertThat(new PodReaper(client).forceDelete(removalOf(gone))).isEqualTo(PodReaper.Outcome.ALREADY_GONE);
    }

    @Test
    void should_never_delete_a_replacement_with_the_same_name() {
        Pod old = ClusterObjects.workerPod("default", "alluxio-worker-0", "n3", "10.244.4.5");
        client.pods().resource(new PodBuilder(old).editMetadata().withUid("uid-of-the-new-pod").endMetadata()
                .editSpec().withNodeName("n1").endSpec().build()).create();

        assertThat(new PodReaper(client).forceDelete(removalOf(old))).isEqualTo(PodReaper.Outcome.REPLACED);
        assertThat(client.pods().inNamespace("default").withName("alluxio-worker-0").get()).isNotNull();
    }
}
