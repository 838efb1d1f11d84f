package io.offlineworkerreaper;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.main.Main;

/** The real application (routes, configuration, beans) started against a test cluster, a test etcd and Slack. */
final class RunningReaper implements AutoCloseable {

    private final Main main;

    private RunningReaper(Main main) {
        this.main = main;
    }

    /** Settings for fast test cycles; {@code extra} wins over them. */
    static RunningReaper start(KubernetesClient client, String etcdUrl, SlackStandIn slack, Map<String, String> extra)
            throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("reaper.check-interval", "300ms");
        settings.put("reaper.nodes.not-ready-for", "30s");
        settings.put("reaper.etcd.endpoints", etcdUrl);
        settings.put("reaper.etcd.timeout", "1s");
        if (slack != null) {
            settings.put("reaper.slack.webhook-url", slack.webhookUrl());
        }
        settings.putAll(extra);
        Main main = Reaper.create(settings, client);
        main.start();
        return new RunningReaper(main);
    }

    CamelContext context() {
        return main.getCamelContext();
    }

    /** Waits until {@code cycles} more cycles have finished, whatever their outcome. */
    void awaitCycles(int cycles) {
        NotifyBuilder done = new NotifyBuilder(context()).fromRoute("check-nodes").whenDone(cycles).create();
        if (!done.matches(30, TimeUnit.SECONDS)) {
            throw new AssertionError(cycles + " cycles did not finish within 30s");
        }
    }

    @Override
    public void close() throws Exception {
        main.stop();
    }
}
