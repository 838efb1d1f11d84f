package io.offlineworkerreaper.optin;

import java.time.Clock;
import java.util.Map;

import io.offlineworkerreaper.alluxio.AlluxioSettings;
import io.offlineworkerreaper.kubernetes.KubernetesBeans;
import io.offlineworkerreaper.settings.SecretMasker;
import org.apache.camel.ProducerTemplate;

/** The opt-in remediations (off by default): their planners, the fence, and what carries them out. */
public record OptInBeans(ClusterActionExecutor executor, TerminatingPods terminatingPods,
                         NodeActionPlanner nodeActionPlanner, Fence fence, LocalVolumes localVolumes,
                         NodeConfirmations nodeConfirmations) {

    /** {@code template}: the fence calls its service through Camel's http component. */
    public static OptInBeans create(OptInSettings optIn, FenceSettings fence, AlluxioSettings alluxio,
                                    KubernetesBeans kubernetes, ProducerTemplate template, SecretMasker masker,
                                    Clock clock) {
        SparedPods spared = new SparedPods(alluxio.workersNamespace(), alluxio.workersSelector());
        NodeConfirmations confirmations = new NodeConfirmations();
        return new OptInBeans(new ClusterActionExecutor(kubernetes.client(), kubernetes.podReaper(),
                alluxio.workersNamespace(), alluxio.workersSelector(), kubernetes.lease()),
                new TerminatingPods(optIn, spared, clock), new NodeActionPlanner(optIn),
                new Fence(fence, kubernetes.client(), template, masker, confirmations),
                new LocalVolumes(optIn, spared, clock), confirmations);
    }

    /** The beans the routes name. */
    public Map<String, Object> named() {
        return Map.of("clusterActionExecutor", executor, "terminatingPods", terminatingPods,
                "nodeActionPlanner", nodeActionPlanner, "fence", fence, "localVolumes", localVolumes,
                "nodeConfirmations", nodeConfirmations);
    }
}
