package io.offlineworkerreaper.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.offlineworkerreaper.decision.Remediation;
import io.offlineworkerreaper.decision.Remediations;
import io.offlineworkerreaper.kubernetes.NotReadyNode;
import io.offlineworkerreaper.kubernetes.PodReaper;
import io.offlineworkerreaper.kubernetes.WorkerPod;
import io.offlineworkerreaper.settings.SecretMasker;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NoticeWriterTest {

    private static final WorkerPod POD = Remediations.aWorkerPod("alluxio-worker-577545dc9-2q7z7", "uid-1",
            "10.244.4.5", new NotReadyNode("alluxio-e2e-worker3", "Unknown",
            Instant.parse("2025-03-05T10:00:00Z"), Duration.ofSeconds(95)));
    private static final Remediation REMOVE = new Remediation(POD, Remediation.Verdict.REMOVE,
            List.of(Remediations.aDeadWorker("worker-3", "10.244.4.5")), "worker worker-3 at 10.244.4.5 is offline");
    private static final Remediation HEARTBEATING = Remediation.refusal(POD,
            Remediation.Verdict.STILL_HEARTBEATING, List.of(Remediations.aLiveWorker("worker-3", "10.244.4.5")),
            "still renews");

    private final AnnouncementMemory announcements = new AnnouncementMemory();
    private final NoticeWriter notices = new NoticeWriter(announcements, new SecretMasker(List.of("xoxb-sekr3t")));

    @Test
    void should_say_what_was_removed_where_and_how_long_the_node_was_down() {
        Notice notice = notices.removed(REMOVE, PodReaper.Outcome.DELETED, false, 42);

        assertThat(notice.kind()).isEqualTo(Notice.Kind.REMEDIATED);
        assertThat(notice.text()).contains("Removed offline Alluxio worker worker-3", "alluxio-e2e-worker3",
                "Ready=Unknown for 1m35s", "default/alluxio-worker-577545dc9-2q7z7", "10.244.4.5", "force-deleted",
                "/DHT/default-alluxio/AUTHORIZED/worker-3", "42 ms");
    }

    @Test
    void should_say_would_in_dry_run() {
        Notice notice = notices.removed(REMOVE, null, true, 5);

        assertThat(notice.kind()).isEqualTo(Notice.Kind.WOULD_ACT);
        assertThat(notice.text()).startsWith("[DRY-RUN] Would remove").contains("would be force-deleted");
    }

    @Test
    void should_announce_a_refusal_once_while_it_lasts_and_again_when_it_comes_back() {
        announcements.newCycle();
        assertThat(notices.refused(HEARTBEATING)).isNotNull();
        announcements.newCycle();
        assertThat(notices.refused(HEARTBEATING)).isNull();
        announcements.newCycle(); // a cycle without the condition: it cleared
        announcements.newCycle();
        assertThat(notices.refused(HEARTBEATING)).isNotNull();
    }

    @Test
    void should_mask_secrets_in_failure_notices() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT,
                new IllegalStateException("wrapper", new java.io.IOException("401 for token xoxb-sekr3t")));
        exchange.setProperty(Exchange.FAILURE_ROUTE_ID, "call-etcd");
        exchange.getIn().setBody(REMOVE);
        announcements.newCycle();

        Notice notice = notices.failed(exchange);

        assertThat(notice.kind()).isEqualTo(Notice.Kind.FAILED);
        assertThat(notice.text()).contains("IOException", "****", "worker-3", "check that etcd is reachable")
                .doesNotContain("sekr3t");
        assertThat(notices.failed(exchange)).as("the same failure again in the same cycle").isNull();
    }

    @Test
    void should_announce_a_failure_once_and_its_recovery_after_a_clean_cycle() {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new java.io.IOException("refused"));
        exchange.setProperty(Exchange.FAILURE_ROUTE_ID, "call-etcd");
        announcements.newCycle();
        assertThat(notices.failed(exchange)).isNotNull();
        announcements.newCycle();
        assertThat(notices.recovered()).as("still failing a cycle ago").isNull();
        assertThat(notices.failed(exchange)).isNull();
        announcements.newCycle(); // the previous cycle had the failure
        assertThat(notices.recovered()).isNull();
        announcements.newCycle(); // a whole cycle without it

        Notice recovered = notices.recovered();

        assertThat(recovered.kind()).isEqualTo(Notice.Kind.RECOVERED);
        assertThat(recovered.title()).isEqualTo("Recovered: call-etcd works again");
    }
}
