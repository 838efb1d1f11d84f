package io.offlineworkerreaper.optin;

import java.util.List;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.offlineworkerreaper.decision.Action;
import io.offlineworkerreaper.settings.SecretMasker;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What counts as fenced: success only. */
class FenceTest {

    private static final SecretMasker MASKER = new SecretMasker(List.of("s3cr3t"));

    private static Exchange answer() {
        return new DefaultExchange(new DefaultCamelContext());
    }

    @Test
    void should_count_only_a_clean_success_as_fenced() {
        Exchange ok = answer();
        ok.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
        assertThat(Fence.verdict(ok, "https://fence", MASKER)).isEqualTo(new Fence.Result(true, "fenced by https://fence (HTTP 204)"));

        Exchange failed = answer();
        failed.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 500);
        assertThat(Fence.verdict(failed, "https://fence", MASKER).fenced()).isFalse();

        Exchange redirected = answer();
        redirected.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 302);
        assertThat(Fence.verdict(redirected, "https://fence", MASKER).fenced()).isFalse();

        Exchange nonZero = answer();
        nonZero.getMessage().setHeader("CamelExecExitValue", 1);
        assertThat(Fence.verdict(nonZero, "exec:fence", MASKER)).extracting(Fence.Result::fenced, Fence.Result::detail)
                .containsExactly(false, "exec:fence exited with 1");

        Exchange error = answer();
        error.setException(new IllegalStateException("connection refused to https://user:s3cr3t@fence"));
        Fence.Result result = Fence.verdict(error, "https://fence", MASKER);
        assertThat(result.fenced()).isFalse();
        assertThat(result.detail()).contains("connection refused").doesNotContain("s3cr3t");
    }

    @Test
    void should_need_a_proof_only_for_the_out_of_service_taint_and_the_node_delete() {
        assertThat(Fence.needed(new Action(Action.Kind.TAINT_OUT_OF_SERVICE, null, "n", null, "n", null, ""))).isTrue();
        assertThat(Fence.needed(new Action(Action.Kind.DELETE_NODE, null, "n", null, "n", null, ""))).isTrue();
        assertThat(Fence.needed(new Action(Action.Kind.CORDON, null, "n", null, "n", null, ""))).isFalse();
        assertThat(Fence.needed(new Action(Action.Kind.REMOVE_OUT_OF_SERVICE_TAINT, null, "n", null, "n", null, "")))
                .isFalse();
    }

    @Test
    void should_send_the_node_name_provider_id_and_addresses_and_never_print_a_credential() {
        String body = Fence.body(new NodeBuilder().withNewMetadata().withName("worker3").endMetadata()
                .withNewSpec().withProviderID("aws:///eu-west-1a/i-0abc").endSpec()
                .withNewStatus().addNewAddress().withType("InternalIP").withAddress("172.18.0.5").endAddress().endStatus()
                .build());
        assertThat(body).isEqualTo("{\"name\":\"worker3\",\"providerID\":\"aws:///eu-west-1a/i-0abc\","
                + "\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"172.18.0.5\"}]}");
        assertThat(FenceSettings.shown("https://ops:hunter2@fencing.example/off")).isEqualTo("https://****@fencing.example/off");
    }
}
