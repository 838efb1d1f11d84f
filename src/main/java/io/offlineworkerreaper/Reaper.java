package io.offlineworkerreaper;

import java.util.Map;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.apache.camel.main.Main;

/** Assembles the Camel application: routes from {@code routes/}, settings from {@code config/}, beans from {@link ReaperConfiguration}. */
public final class Reaper {

    private Reaper() {
    }

    /**
     * @param overrides settings that win over the properties file, system properties and environment
     * @param client    the Kubernetes client to use, or null to build one the kubectl way
     */
    public static Main create(Map<String, String> overrides, KubernetesClient client) {
        Main main = new Main();
        main.configure().addConfiguration(new ReaperConfiguration());
        overrides.forEach(main::addOverrideProperty);
        if (client != null) {
            main.bind("kubernetesClient", client);
        }
        return main;
    }
}
