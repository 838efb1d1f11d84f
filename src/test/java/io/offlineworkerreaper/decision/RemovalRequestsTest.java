package io.offlineworkerreaper.decision;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.offlineworkerreaper.alluxio.UnaccountedHeartbeats;
import io.offlineworkerreaper.alluxio.WorkerMatching;
import io.offlineworkerreaper.demo.AlluxioRegistry;
import io.offlineworkerreaper.kubernetes.NotReadyNode;
import io.offlineworkerreaper.kubernetes.PodIdentity;
import io.offlineworkerreaper.kubernetes.RemovalRequest;
import io.offlineworkerreaper.kubernetes.WorkerPod;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.alluxio.WorkerMatchingTest.DEAD;
import static io.offlineworkerreaper.alluxio.WorkerMatchingTest.DHT;
import static io.offlineworkerreaper.alluxio.WorkerMatchingTest.LIVE;
import static io.offlineworkerreaper.alluxio.WorkerMatchingTest.SD;
import static io.offlineworkerreaper.alluxio.WorkerMatchingTest.registry;
import static org.assertj.core.api.Assertions.assertThat;

/** An operator's request to remove a worker: who asked, and what the planner makes of it. */
class RemovalRequestsTest {

    private static final NotReadyNode DOWN = new NotReadyNode("alluxio-e2e-worker3", "Unknown",
            Instant.parse("2025-03-05T10:00:00Z"), Duration.ofSeconds(20));
    private static final NotReadyNode READY = new NotReadyNode("alluxio-e2e-worker3", "True", Instant.EPOCH,
            Duration.ZERO);
    private static final RemovalRequest ASKED = new RemovalRequest("rack 7", "kubectl-annotate");

    private static FieldsV1 annotationField(String annotation) {
        FieldsV1 fields = new FieldsV1();
        fields.setAdditionalProperty("f:metadata", Map.of("f:annotations", Map.of("f:" + annotation, Map.of())));
        return fields;
    }

    private static Pod annotated(String value, String... managers) {
        PodBuilder pod = new PodBuilder(DEAD).editMetadata().addToAnnotations(RemovalRequest.ANNOTATION, value)
                .endMetadata();
        for (int i = 0; i < managers.length; i++) {
            pod.editMetadata().addNewManagedField().withManager(managers[i]).withTime("2026-12-05T01:0" + i + ":00Z")
                    .withFieldsV1(annotationField(i == 0 ? "other/annotation" : RemovalRequest.ANNOTATION))
                    .endManagedField().endMetadata();
        }
        return pod.build();
    }

    private static Remediation requested(NotReadyNode node, Map<String, String> dht, Map<String, String> sd,
                                         boolean optedOut) {
        WorkerMatching matching = WorkerMatching.match(List.of(PodIdentity.of(DEAD), PodIdentity.of(LIVE)),
                registry(DHT, dht), registry(SD, sd));
        WorkerPod pod = new WorkerPod(PodIdentity.of(DEAD), node, ASKED);
        return new RemediationPlanner(true, UnaccountedHeartbeats.REFUSE).requested(pod, matching,
                Set.of(pod.uid()), List.of("the safety breaker (open)"), optedOut);
    }

    private static String at(String id, String host) {
        return AlluxioRegistry.workerValue(id, host);
    }

    @Test
    void should_name_the_field_manager_of_the_annotation_not_of_another_field() {
        RemovalRequest request = RemovalRequest.of(annotated("  rack 7\nlost power ", "helm", "kubectl-annotate"));

        assertThat(request.requestedBy()).isEqualTo("kubectl-annotate");
        assertThat(request.reason()).doesNotContain("\n").contains("rack 7", "lost power");
        assertThat(RemovalRequest.of(annotated("x")).requestedBy()).startsWith("unknown");
        assertThat(RemovalRequest.of(DEAD)).isNull();
        assertThat(RemovalRequest.of(annotated("")).reason()).isEqualTo("(no reason given)");
    }

    @Test
    void should_remove_a_dead_worker_asked_for_naming_what_it_bypasses() {
        Remediation r = requested(DOWN, Map.of("worker-3", at("worker-3", "10.244.4.5")),
                Map.of("worker-9", at("worker-9", "10.9.9.9")), false);

        assertThat(r.verdict()).isEqualTo(Remediation.Verdict.REMOVE);
        assertThat(r.keys()).containsExactly(DHT + "worker-3");
        assertThat(r.request()).isEqualTo(ASKED);
        assertThat(r.bypassed()).containsExactly("the safety breaker (open)");
        assertThat(r.detail()).contains("kubectl-annotate", "rack 7", "bypassing the safety breaker");
    }

    @Test
    void should_name_the_plans_own_refusal_a_pod_without_registration_bypasses() {
        // no registration at the pod's address, and a live heartbeat that matches no pod (a worker elsewhere)
        Remediation r = requested(DOWN, Map.of("worker-9", at("worker-9", "10.9.9.9")),
                Map.of("worker-9", at("worker-9", "10.9.9.9")), false);

        assertThat(r.verdict()).isEqualTo(Remediation.Verdict.REMOVE);
        assertThat(r.keys()).isEmpty();
        assertThat(r.bypassed()).hasSize(2).last().asString().startsWith("UNACCOUNTED_HEARTBEATS");
    }

    @Test
    void should_remove_the_pod_alone_when_the_registry_is_empty() {
        Remediation r = requested(DOWN, Map.of(), Map.of(), false);

        assertThat(r.verdict()).isEqualTo(Remediation.Verdict.REMOVE);
        assertThat(r.keys()).isEmpty();
        assertThat(r.bypassed()).anySatisfy(b -> assertThat(b).startsWith("EMPTY_REGISTRY"));
    }

    @Test
    void should_never_remove_a_worker_whose_lease_lives_and_name_the_key() {
        Remediation r = requested(DOWN, Map.of("worker-3", at("worker-3", "10.244.4.5")),
                Map.of("worker-3", at("worker-3", "10.244.4.5")), false);

        assertThat(r.verdict()).isEqualTo(Remediation.Verdict.STILL_HEARTBEATING);
        assertThat(r.detail()).contains(SD + "worker-3", "never removed");
    }

    @Test
    void should_refuse_on_a_ready_node_or_an_opted_out_pod_with_the_line_that_withdraws_it() {
        Remediation ready = requested(READY, Map.of("worker-3", at("worker-3", "10.244.4.5")), Map.of(), false);
        Remediation optedOut = requested(DOWN, Map.of("worker-3", at("worker-3", "10.244.4.5")), Map.of(), true);

        assertThat(ready.verdict()).isEqualTo(Remediation.Verdict.REQUEST_REFUSED);
        assertThat(ready.detail()).contains("is Ready", "annotate pod " + DEAD.getMetadata().getName()
                + " " + RemovalRequest.ANNOTATION + "-");
        assertThat(optedOut.verdict()).isEqualTo(Remediation.Verdict.REQUEST_REFUSED);
        assertThat(optedOut.detail()).contains(OptOut.KEY);
    }
}
