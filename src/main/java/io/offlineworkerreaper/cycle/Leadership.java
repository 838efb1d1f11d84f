package io.offlineworkerreaper.cycle;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.offlineworkerreaper.observe.ReaperMetrics;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.kubernetes.KubernetesConfiguration;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.component.kubernetes.cluster.LeaseResourceType;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which replica runs the cycles. Standalone (the default): this one. With leader election: only the
 * holder of the Lease; the check-nodes route carries the policy built here ({@code routePolicy: leadership}),
 * which starts the route when this replica becomes leader and stops it when it is not any more.
 *
 * <p>The cluster service is Camel's Kubernetes one on a coordination.k8s.io Lease. In camel-main 4.18 it only
 * registers when added from a CamelConfiguration (not from camel.beans or YAML), which is why it is built here.
 */
public final class Leadership {

    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

    private Leadership() {
    }

    /** The route policy for check-nodes: standalone, or leader-elected on the Lease. */
    public static RoutePolicy install(CamelContext context, LeaderElectionSettings settings, KubernetesClient client)
            throws Exception {
        if (!settings.enabled()) {
            LOG.info("Leader election off: this process remediates (reaper.leader-election.enabled=false)");
            return new RoutePolicySupport() { };
        }
        String namespace = settings.namespace().orElseGet(client::getNamespace);
        // The release must run after the cluster service stopped (services stop in reverse order of adding),
        // or the service would take the Lease straight back.
        context.addService(new LeaseRelease(client, namespace, settings.leaseName(), settings.podName()), true, true);

        KubernetesConfiguration configuration = new KubernetesConfiguration();
        // Its own client, same settings: the cluster view closes the client it was given when it stops.
        configuration.setKubernetesClient(new KubernetesClientBuilder().withConfig(client.getConfiguration()).build());
        KubernetesClusterService cluster = new KubernetesClusterService(configuration);
        cluster.setId("kubernetes-lease");
        cluster.setLeaseResourceType(LeaseResourceType.Lease);
        cluster.setKubernetesResourcesNamespace(namespace);
        cluster.setKubernetesResourceName(settings.resourcePart());
        cluster.setPodName(settings.podName());
        cluster.setClusterLabels(settings.podLabels());
        cluster.setJitterFactor(LeaderElectionSettings.JITTER);
        cluster.setLeaseDurationMillis(settings.leaseDuration().toMillis());
        cluster.setRenewDeadlineMillis(settings.renewDeadline().toMillis());
        cluster.setRetryPeriodMillis(settings.retryPeriod().toMillis());
        context.addService(cluster, true, true);
        LOG.info("Leader election on: Lease {}/{}, this replica is {}; remediating only while it holds the Lease",
                namespace, settings.leaseName(), settings.podName());
        return ClusteredRoutePolicy.forNamespace(cluster, settings.groupPart());
    }

    /** Sets reaper_leader: 1 while the cycle route runs here, 0 otherwise. */
    public static RoutePolicy gauge(ReaperMetrics metrics) {
        return new RoutePolicySupport() {
            @Override
            public void onStart(Route route) {
                metrics.leader(true);
                LOG.info("This replica remediates now");
            }

            @Override
            public void onStop(Route route) {
                metrics.leader(false);
            }
        };
    }

    /**
     * On shutdown, hands the Lease back (clears its holder) if this replica holds it, so that another replica
     * leads within one retry period instead of waiting for this pod to disappear. Camel's cluster service
     * does not do this itself.
     */
    static final class LeaseRelease extends ServiceSupport {
        private final KubernetesClient client;
        private final String namespace;
        private final String name;
        private final String podName;

        LeaseRelease(KubernetesClient client, String namespace, String name, String podName) {
            this.client = client;
            this.namespace = namespace;
            this.name = name;
            this.podName = podName;
        }

        @Override
        protected void doStop() {
            try {
                Lease lease = client.leases().inNamespace(namespace).withName(name).get();
                if (lease == null || lease.getSpec() == null || !podName.equals(lease.getSpec().getHolderIdentity())) {
                    return;
                }
                Lease released = new LeaseBuilder(lease).editSpec().withHolderIdentity(null).withAcquireTime(null)
                        .withRenewTime(null).withLeaseDurationSeconds(null).endSpec().build();
                client.leases().inNamespace(namespace).resource(released)
                        .lockResourceVersion(lease.getMetadata().getResourceVersion()).update();
                LOG.info("Released Lease {}/{}: another replica can lead now", namespace, name);
            } catch (RuntimeException e) {
                LOG.warn("Could not release Lease {}/{} ({}); another replica leads once this pod is gone",
                        namespace, name, e.getMessage());
            }
        }
    }
}
