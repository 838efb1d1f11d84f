package io.offlineworkerreaper.cycle;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watch mode, control side: a watch on the control ConfigMap that starts a cycle as soon as it changes, so that a
 * pause (or a resume) applies at once, not one check-interval later. The cycle reads the ConfigMap itself
 * ({@link Control}); this only wakes it up. A failed watch is logged: the next cycle still reads the pause.
 */
public final class ControlWatch extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ControlWatch.class);

    private final KubernetesClient client;
    private final ControlSettings settings;
    private final CycleScheduler cycles;
    private Watch watch;

    public ControlWatch(KubernetesClient client, ControlSettings settings, CycleScheduler cycles) {
        this.client = client;
        this.settings = settings;
        this.cycles = cycles;
    }

    @Override
    protected void doStart() {
        try {
            watch = client.configMaps().inNamespace(settings.namespace()).withName(settings.name())
                    .watch(new Watcher<>() {
                        @Override
                        public void eventReceived(Action action, ConfigMap resource) {
                            cycles.trigger("control ConfigMap " + settings.text() + " " + action.name().toLowerCase());
                        }

                        @Override
                        public void onClose(WatcherException cause) {
                            LOG.warn("Watch on the control ConfigMap {} closed: {} (pauses apply at the next cycle)",
                                    settings.text(), cause.getMessage());
                        }
                    });
        } catch (RuntimeException e) {
            LOG.warn("Cannot watch the control ConfigMap {}: {} (pauses apply at the next cycle)", settings.text(),
                    e.getMessage());
        }
    }

    @Override
    protected void doStop() {
        if (watch != null) {
            watch.close();
        }
    }
}
