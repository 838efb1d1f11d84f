package io.offlineworkerreaper.cycle;

import java.util.List;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watch mode, control side: the control ConfigMap kept in memory by an informer (listed by name, then watched),
 * so that a pause (or a resume) starts a cycle at once, not one check-interval later, and a healthy cycle reads
 * the pause without a request. While the informer is not watching (starting, or reconnecting after a failure),
 * {@link #isWatching()} is false and {@link Control} reads the ConfigMap itself, as in poll mode: a pause is never
 * missed because the watch is down.
 */
public final class ControlWatch extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ControlWatch.class);

    private final KubernetesClient client;
    private final ControlSettings settings;
    private final CycleScheduler cycles;
    private SharedIndexInformer<ConfigMap> informer;

    public ControlWatch(KubernetesClient client, ControlSettings settings, CycleScheduler cycles) {
        this.client = client;
        this.settings = settings;
        this.cycles = cycles;
    }

    @Override
    protected void doStart() {
        informer = client.configMaps().inNamespace(settings.namespace()).withName(settings.name()).runnableInformer(0);
        informer.exceptionHandler((started, error) -> {
            LOG.warn("Watch on the control ConfigMap {}: {} (cycles read it meanwhile; the informer retries)",
                    settings.text(), error.getMessage());
            return true;
        });
        informer.addEventHandler(new ResourceEventHandler<ConfigMap>() {
            @Override
            public void onAdd(ConfigMap map) {
                cycles.trigger("control ConfigMap " + settings.text() + " added");
            }

            @Override
            public void onUpdate(ConfigMap before, ConfigMap after) {
                cycles.trigger("control ConfigMap " + settings.text() + " changed");
            }

            @Override
            public void onDelete(ConfigMap map, boolean finalStateUnknown) {
                cycles.trigger("control ConfigMap " + settings.text() + " deleted");
            }
        });
        informer.start().whenComplete((ok, error) -> {
            if (error != null) {
                LOG.warn("Cannot watch the control ConfigMap {}: {} (cycles read it meanwhile)", settings.text(),
                        error.getMessage());
            }
        });
    }

    /** True while the informer's copy is current (listed and watching). */
    public boolean isWatching() {
        return informer != null && informer.isWatching();
    }

    /** The ConfigMap as last seen by the watch, or null when it does not exist. Only meaningful while watching. */
    public ConfigMap current() {
        List<ConfigMap> maps = informer.getStore().list();
        return maps.isEmpty() ? null : maps.get(0);
    }

    @Override
    protected void doStop() {
        if (informer != null) {
            informer.close();
        }
    }
}
