package io.offlineworkerreaper;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.offlineworkerreaper.alluxio.AlluxioBeans;
import io.offlineworkerreaper.cycle.ClusterDiagnostics;
import io.offlineworkerreaper.cycle.Control;
import io.offlineworkerreaper.cycle.CycleBeans;
import io.offlineworkerreaper.decision.DecisionBeans;
import io.offlineworkerreaper.decision.RunMode;
import io.offlineworkerreaper.kubernetes.KubernetesBeans;
import io.offlineworkerreaper.kubernetes.LeaseGuard;
import io.offlineworkerreaper.notify.AnnouncementMemory;
import io.offlineworkerreaper.notify.NotifyBeans;
import io.offlineworkerreaper.notify.RouteCall;
import io.offlineworkerreaper.observe.ConnectivityCheck;
import io.offlineworkerreaper.observe.CycleTracker;
import io.offlineworkerreaper.observe.ObserveBeans;
import io.offlineworkerreaper.observe.ReaperMetrics;
import io.offlineworkerreaper.observe.StatusEndpoint;
import io.offlineworkerreaper.optin.OptInBeans;
import io.offlineworkerreaper.settings.SecretMasker;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.etcd3.Etcd3Component;
import org.apache.camel.component.slack.SlackComponent;
import org.apache.camel.processor.aggregate.GroupedBodyAggregationStrategy;
import org.apache.camel.processor.aggregate.UseOriginalAggregationStrategy;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds every bean the routes use from the validated {@link ReaperSettings}, composing what each package gives
 * ({@code AlluxioBeans}, {@code KubernetesBeans}, {@code DecisionBeans}, {@code NotifyBeans}, {@code ObserveBeans},
 * {@code OptInBeans}, {@code CycleBeans}). It runs before any route is created, so an invalid setting stops startup
 * before anything touches the cluster.
 */
public final class ReaperConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ReaperConfiguration.class);

    @Override
    public void configure(CamelContext context) {
        ReaperSettings settings = ReaperSettings.from(key -> context.getPropertiesComponent().resolveProperty(key));
        settings.describe().forEach((key, value) -> LOG.info("setting {} = {}", key, value));
        if (settings.dryRun()) {
            LOG.warn("DRY-RUN: nothing will be deleted; every action is logged and notified as 'would remove'");
        }
        Registry registry = context.getRegistry();
        Clock clock = Clock.systemUTC(); // the one clock of every decision, notice and record
        registry.bind("clock", clock);
        // --check reads only: no leader election (it writes the Lease), no watches, no status page
        boolean readOnly = registry.lookupByName(Check.READ_ONLY) != null;
        SecretMasker masker = settings.masker();

        // etcd, and the Lease checked before every destructive call (known once the Kubernetes client is)
        AtomicReference<LeaseGuard> lease = new AtomicReference<>(LeaseGuard.STANDALONE);
        AlluxioBeans alluxio = AlluxioBeans.create(settings.alluxio(), settings.etcd(), action -> lease.get().confirm(action));
        context.getComponent("etcd3", Etcd3Component.class).setConfiguration(alluxio.etcd());
        Startup.warmUpEtcd(alluxio.keyDeleter(), settings.alluxio().authorizedPrefix());
        KubernetesClient given = registry.lookupByNameAndType("kubernetesClient", KubernetesClient.class);
        CompletableFuture<KubernetesClient> connecting = Startup.connect(given, settings.kubernetes().timeout());

        // while the clients connect: what needs neither
        // Secrets go to the component, never into an endpoint URI, so they cannot show up in a route dump.
        SlackComponent slack = context.getComponent("slack", SlackComponent.class);
        settings.slack().webhookUrl().ifPresent(slack::setWebhookUrl);
        settings.slack().token().ifPresent(slack::setToken);
        RunMode runMode = new RunMode(settings.dryRun());
        AnnouncementMemory announcements = new AnnouncementMemory(settings.notifications().repeatAfter(), clock);
        ReaperMetrics metrics = new ReaperMetrics(meters(registry), clock);
        CycleTracker cycles = new CycleTracker(metrics);
        context.getManagementStrategy().addEventNotifier(cycles);

        KubernetesClient client = Startup.await(connecting);
        if (given == null) {
            registry.bind("kubernetesClient", client);
            closeOnShutdown(context, client);
        }
        LOG.info("Kubernetes API: {}", client.getMasterUrl());
        if (settings.leaderElection().enabled()) {
            lease.set(new LeaseGuard(client, settings.leaderElection().namespace().orElseGet(client::getNamespace),
                    settings.leaderElection().leaseName(), settings.leaderElection().podName(),
                    settings.leaderElection().renewDeadline(), clock));
        }
        Startup.warmUpKubernetes(client, settings.control());

        KubernetesBeans kubernetes = KubernetesBeans.create(client, lease.get());
        Control control = new Control(client, settings.control(), runMode, settings.safety().maxRemovalsPerHour(),
                announcements, metrics, clock);
        DecisionBeans decisions = DecisionBeans.create(runMode, settings.nodes(), settings.safety(), settings.alluxio(),
                alluxio, clock, readOnly ? control.readOnly() : control, control::remaining, control::nextAllowed, control,
                new ClusterDiagnostics(client, settings.alluxio().workersNamespace(), alluxio.registryReader()));
        NotifyBeans notify = NotifyBeans.create(context, settings.notifications(), settings.slack().enabled(),
                announcements, masker, runMode, metrics, clock);
        OptInBeans optIn = OptInBeans.create(settings.optIn(), settings.fence(), settings.alluxio(), kubernetes,
                context.createProducerTemplate(), masker, clock);
        ObserveBeans observe = ObserveBeans.create(metrics, cycles, client, settings.kubernetes().events(),
                settings.leaderElection().enabled() ? settings.leaderElection().podName() : "standalone",
                settings.audit(), settings.alluxio().auditInterval(), decisions, notify, control::record,
                apiProbe(client), etcdProbe(context, settings), masker, optIn.nodeConfirmations(), clock);
        CycleBeans cycle;
        try {
            cycle = CycleBeans.create(context, settings.cycle(), settings.leaderElection(), settings.retry(),
                    settings.control(), settings.alluxio(), client, kubernetes.nodeSource(), alluxio, control,
                    decisions.nodeReadiness(), metrics, masker, readOnly);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot set up leader election", e);
        }

        for (Map<String, Object> named : List.of(alluxio.named(), kubernetes.named(), decisions.named(), notify.named(),
                observe.named(), optIn.named(), cycle.named())) {
            named.forEach(registry::bind);
        }
        registry.bind("settings", settings);
        // the aggregation strategies of the routes' enrich and split steps, by reference: routes name no Java type
        registry.bind("keepOriginal", new UseOriginalAggregationStrategy());
        registry.bind("collectBodies", new GroupedBodyAggregationStrategy());
        cycle.services().forEach(service -> addService(context, service, service.getClass().getSimpleName()));
        for (AutoCloseable resource : List.of(alluxio.closeables(), observe.closeables(), notify.closeables())
                .stream().flatMap(List::stream).toList()) {
            closeOnShutdown(context, resource);
        }
        if (!readOnly) {
            try {
                StatusEndpoint.serve(context, observe.status());
            } catch (Exception e) {
                throw new IllegalStateException("Cannot serve the status page", e);
            }
        }
    }

    /**
     * One Prometheus registry for Camel's metrics and the reaper's: camel-micrometer-prometheus reuses the bean named
     * metricsRegistry and serves it under /observe/metrics on the management port.
     */
    private static MeterRegistry meters(Registry registry) {
        MeterRegistry meters = registry.lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind("metricsRegistry", meters);
        }
        return meters;
    }

    /** Readiness's call to the API server: a node list of one. */
    private static ConnectivityCheck.Probe apiProbe(KubernetesClient client) {
        return () -> client.nodes().list(new ListOptionsBuilder().withLimit(1L).build());
    }

    /** Readiness's call to etcd: a read of one key, through the call-etcd route. */
    private static ConnectivityCheck.Probe etcdProbe(CamelContext context, ReaperSettings settings) {
        RouteCall etcdRead = new RouteCall(context, "direct:call-etcd");
        return () -> etcdRead.call(e -> {
            e.getIn().setHeader("CamelEtcdAction", "get");
            e.getIn().setHeader("CamelEtcdPath", settings.alluxio().authorizedPrefix());
            e.getIn().setHeader("CamelEtcdIsPrefix", false);
        });
    }

    /** Starts {@code service} with the context and stops it at shutdown. */
    private static void addService(CamelContext context, Object service, String what) {
        try {
            context.addService(service, true, true);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot register " + what, e);
        }
    }

    private static void closeOnShutdown(CamelContext context, AutoCloseable resource) {
        addService(context, new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                resource.close();
            }
        }, resource.getClass().getSimpleName() + " for shutdown");
    }
}
