package io.offlineworkerreaper;

import java.time.Clock;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.offlineworkerreaper.alluxio.BoundedEtcdConfiguration;
import io.offlineworkerreaper.alluxio.Registrations;
import io.offlineworkerreaper.alluxio.RegistryFindings;
import io.offlineworkerreaper.alluxio.RegistryReader;
import io.offlineworkerreaper.alluxio.RegistryKeys;
import io.offlineworkerreaper.cycle.ClusterDiagnostics;
import io.offlineworkerreaper.cycle.Control;
import io.offlineworkerreaper.cycle.ControlWatch;
import io.offlineworkerreaper.cycle.CycleScheduler;
import io.offlineworkerreaper.cycle.CycleSettings;
import io.offlineworkerreaper.observe.CycleTracker;
import io.offlineworkerreaper.cycle.RegistryWatch;
import io.offlineworkerreaper.cycle.WatchCaches;
import io.offlineworkerreaper.cycle.WorkerPodWatch;
import io.offlineworkerreaper.cycle.Leadership;
import io.offlineworkerreaper.cycle.NodeWatch;
import io.offlineworkerreaper.decision.Flapping;
import io.offlineworkerreaper.decision.Inspection;
import io.offlineworkerreaper.decision.HourlyBudget;
import io.offlineworkerreaper.decision.NodeReadiness;
import io.offlineworkerreaper.decision.RemediationPlanner;
import io.offlineworkerreaper.decision.RunMode;
import io.offlineworkerreaper.decision.SafetyGate;
import io.offlineworkerreaper.kubernetes.KubernetesAccess;
import io.offlineworkerreaper.kubernetes.LeaseGuard;
import io.offlineworkerreaper.kubernetes.NodeSource;
import io.offlineworkerreaper.kubernetes.PodReaper;
import io.offlineworkerreaper.decision.WorkerPods;
import io.offlineworkerreaper.notify.Announcements;
import io.offlineworkerreaper.notify.Notice;
import io.offlineworkerreaper.notify.Notices;
import io.offlineworkerreaper.notify.RouteCall;
import io.offlineworkerreaper.notify.SlackMessages;
import io.offlineworkerreaper.notify.AlertmanagerAlerts;
import io.offlineworkerreaper.notify.Destinations;
import io.offlineworkerreaper.notify.NotifySettings;
import io.offlineworkerreaper.notify.Outbox;
import io.offlineworkerreaper.notify.WebhookMessages;
import io.offlineworkerreaper.observe.AuditLog;
import io.offlineworkerreaper.observe.RegistryAudit;
import io.offlineworkerreaper.observe.ConnectivityCheck;
import io.offlineworkerreaper.observe.KubernetesEvents;
import io.offlineworkerreaper.observe.Outcomes;
import io.offlineworkerreaper.observe.ReaperMetrics;
import io.offlineworkerreaper.observe.StatusEndpoint;
import io.offlineworkerreaper.observe.StatusPage;
import io.offlineworkerreaper.optin.ClusterActionExecutor;
import io.offlineworkerreaper.optin.Fence;
import io.offlineworkerreaper.optin.LocalVolumes;
import io.offlineworkerreaper.optin.NodeActionPlanner;
import io.offlineworkerreaper.optin.SparedPods;
import io.offlineworkerreaper.optin.TerminatingPods;
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
 * Builds every bean the routes use from the validated {@link ReaperSettings}. It runs before any route is
 * created, so an invalid setting stops startup before anything touches the cluster.
 */
public final class ReaperConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ReaperConfiguration.class);
    /** The first cycle starts as soon as its route does (after the other routes, and after leadership). */
    static final java.time.Duration FIRST_CYCLE_AFTER = java.time.Duration.ZERO;
    /** A failed etcd watch is started again after this long. */
    static final java.time.Duration WATCH_RETRY = java.time.Duration.ofSeconds(2);

    @Override
    public void configure(CamelContext context) {
        ReaperSettings settings = ReaperSettings.from(key -> context.getPropertiesComponent().resolveProperty(key));
        settings.describe().forEach((key, value) -> LOG.info("setting {} = {}", key, value));
        if (settings.dryRun()) {
            LOG.warn("DRY-RUN: nothing will be deleted; every action is logged and notified as 'would remove'");
        }

        Registry registry = context.getRegistry();
        // camel-etcd3 waits for etcd without any bound by default; this configuration bounds every call.
        BoundedEtcdConfiguration etcd = new BoundedEtcdConfiguration(settings.etcd().timeout(), settings.etcd().security());
        etcd.setEndpoints(String.join(",", settings.etcd().endpoints().stream().map(Object::toString).toList()));
        context.getComponent("etcd3", Etcd3Component.class).setConfiguration(etcd);
        // the Lease, checked before every destructive call (the client is known further down)
        java.util.concurrent.atomic.AtomicReference<LeaseGuard> lease =
                new java.util.concurrent.atomic.AtomicReference<>(LeaseGuard.STANDALONE);
        RegistryKeys registryKeys = new RegistryKeys(etcd::createClient, settings.alluxio().serviceDiscoveryPrefix(),
                settings.etcd().timeout(), action -> lease.get().confirm(action));
        context.getRegistry().bind("registryKeys", registryKeys);
        closeOnShutdown(context, registryKeys);
        // the etcd client (gRPC, Netty) starts on another core while this thread builds the Kubernetes client
        // and the rest: the first cycle then finds both ready (docs/BENCHMARKS.md, startup)
        daemon(() -> registryKeys.warmUp(settings.alluxio().authorizedPrefix()), "etcd-warm-up").start();

        // the Kubernetes client (Vert.x, Jackson) is built on a third thread while this one builds what needs no client
        KubernetesClient given = registry.lookupByNameAndType("kubernetesClient", KubernetesClient.class);
        java.util.concurrent.CompletableFuture<KubernetesClient> connecting = given != null
                ? java.util.concurrent.CompletableFuture.completedFuture(given)
                : java.util.concurrent.CompletableFuture.supplyAsync(() -> KubernetesAccess.connect(
                        settings.kubernetes().timeout()), r -> daemon(r, "kubernetes-connect").start());

        // Secrets go to the component, never into an endpoint URI, so they cannot show up in a route dump.
        SlackComponent slack = context.getComponent("slack", SlackComponent.class);
        settings.slack().webhookUrl().ifPresent(slack::setWebhookUrl);
        settings.slack().token().ifPresent(slack::setToken);

        Announcements announcements = new Announcements(settings.notifications().repeatAfter(), Clock.systemUTC());
        RunMode runMode = new RunMode(settings.dryRun());
        SecretMasker masker = settings.masker();

        // One Prometheus registry for Camel's metrics and the reaper's: camel-micrometer-prometheus reuses the
        // bean named metricsRegistry and serves it under /observe/metrics on the management port.
        MeterRegistry meters = registry.lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind("metricsRegistry", meters);
        }
        ReaperMetrics metrics = new ReaperMetrics(meters, Clock.systemUTC());
        registry.bind("metrics", metrics);
        CycleTracker cycles = new CycleTracker(metrics);
        context.getManagementStrategy().addEventNotifier(cycles);
        registry.bind("cycles", cycles);

        KubernetesClient client;
        try {
            client = connecting.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        if (given == null) {
            registry.bind("kubernetesClient", client);
            closeOnShutdown(context, client);
        }
        LOG.info("Kubernetes API: {}", client.getMasterUrl());
        if (settings.leaderElection().enabled()) {
            lease.set(new LeaseGuard(client, settings.leaderElection().namespace().orElseGet(client::getNamespace),
                    settings.leaderElection().leaseName(), settings.leaderElection().podName(),
                    settings.leaderElection().renewDeadline(), Clock.systemUTC()));
        }
        warmUp(client, settings.control());
        KubernetesEvents events = new KubernetesEvents(client, settings.kubernetes().events(),
                settings.leaderElection().enabled() ? settings.leaderElection().podName() : "standalone",
                Clock.systemUTC(), metrics);
        AuditLog audit = new AuditLog(settings.audit(), runMode::dryRun, masker, announcements, Clock.systemUTC());
        closeOnShutdown(context, audit);
        registry.bind("runMode", runMode);
        Control control = new Control(client, settings.control(), runMode, settings.safety().maxRemovalsPerHour(),
                announcements, metrics, Clock.systemUTC());
        registry.bind("control", control);
        HourlyBudget budget = new HourlyBudget(settings.safety().maxRemovalsPerHour(), control::remaining,
                control::nextAllowed);
        registry.bind("hourlyBudget", budget);
        Outcomes outcomes = new Outcomes(audit, metrics, events, cycles, runMode, control::record,
                announcements::currentCycle, Clock.systemUTC());
        registry.bind("outcomes", outcomes);
        registry.bind("connectivity", connectivity(context, client, settings, masker));
        // --check reads only: no leader election (it writes the Lease), no watches
        boolean readOnly = registry.lookupByName(Check.READ_ONLY) != null;
        try {
            registry.bind("leadership", readOnly ? new org.apache.camel.support.RoutePolicySupport() { }
                    : Leadership.install(context, settings.leaderElection(), client));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot set up leader election", e);
        }
        registry.bind("leaderGauge", Leadership.gauge(metrics));

        registry.bind("settings", settings);
        registry.bind("callOutRetries", settings.retry().policy());
        registry.bind("announcements", announcements);
        NodeReadiness readiness = new NodeReadiness(settings.nodes().notReadyFor(), settings.nodes().selector(),
                Clock.systemUTC());
        registry.bind("nodeReadiness", readiness);
        registry.bind("flapping", new Flapping(Clock.systemUTC()));
        StatusPage status = new StatusPage(readiness, runMode, budget, outcomes, Clock.systemUTC());
        registry.bind("status", status);
        if (!readOnly) {
            try {
                StatusEndpoint.serve(context, status);
            } catch (Exception e) {
                throw new IllegalStateException("Cannot serve the status page", e);
            }
        }
        CycleScheduler cycleScheduler = new CycleScheduler(FIRST_CYCLE_AFTER, settings.cycle().checkInterval());
        registry.bind("cycleScheduler", cycleScheduler);
        NodeSource nodeSource = new NodeSource(client);
        registry.bind("nodeSource", nodeSource);
        WatchCaches caches = new WatchCaches(); // poll mode: nothing cached
        if (settings.cycle().detection() == CycleSettings.Detection.WATCH && !readOnly) {
            NodeWatch nodeWatch = new NodeWatch(client, readiness, cycleScheduler);
            addService(context, nodeWatch, "the node watch");
            RegistryWatch registryWatch = new RegistryWatch(etcd::createWatchClient, settings.alluxio().authorizedPrefix(),
                    settings.alluxio().serviceDiscoveryPrefix(), cycleScheduler, WATCH_RETRY, masker);
            addService(context, registryWatch, "the registry watch");
            WorkerPodWatch workerPodWatch = new WorkerPodWatch(client, settings.alluxio().workersNamespace(),
                    settings.alluxio().workersSelector());
            addService(context, workerPodWatch, "the worker pod watch");
            caches = new WatchCaches(workerPodWatch, registryWatch, nodeWatch);
            nodeSource.useCache(caches::nodes);
        }
        if (!readOnly) {
            // both modes: one watch on one ConfigMap costs the API server nothing per cycle, spares every cycle a
            // GET (poll mode's healthy cycle is its node list alone) and applies a pause at once
            ControlWatch controlWatch = new ControlWatch(client, settings.control(), cycleScheduler);
            control.useWatch(controlWatch);
            addService(context, controlWatch, "the control watch");
        }
        registry.bind("caches", caches);
        SafetyGate safetyGate = new SafetyGate(settings.safety().maxUnhealthy(), settings.safety().cooldown(),
                settings.safety().maxPodsPerCycle(), Clock.systemUTC(), readOnly ? control.readOnly() : control);
        registry.bind("safetyGate", safetyGate);
        Registrations registrations = new Registrations();
        registry.bind("registrations", registrations);
        RegistryReader registryReader = new RegistryReader(etcd::createClient, settings.etcd().timeout());
        closeOnShutdown(context, registryReader);
        registry.bind("registryReader", registryReader);
        ClusterDiagnostics diagnostics = new ClusterDiagnostics(client, settings.alluxio().workersNamespace(), registryReader);
        registry.bind("diagnostics", diagnostics);
        // the aggregation strategies of the routes' enrich and split steps, by reference: routes name no Java type
        registry.bind("keepOriginal", new UseOriginalAggregationStrategy());
        registry.bind("collectBodies", new GroupedBodyAggregationStrategy());
        RemediationPlanner planner = new RemediationPlanner(settings.alluxio().requireLeaseExpired(),
                settings.alluxio().unaccountedHeartbeats());
        registry.bind("remediationPlanner", planner);
        registry.bind("inspection", new Inspection(new WorkerPods(settings.alluxio().workersNamespace()), registrations,
                new RegistryFindings(settings.alluxio().workersNamespace(), settings.alluxio().workersSelectorText(),
                        settings.alluxio().clusterName()), planner, safetyGate, budget, diagnostics));
        PodReaper podReaper = new PodReaper(client, lease.get());
        registry.bind("podReaper", podReaper);
        registry.bind("clusterActionExecutor", new ClusterActionExecutor(client, podReaper,
                settings.alluxio().workersNamespace(), settings.alluxio().workersSelector(), lease.get()));
        SparedPods spared = new SparedPods(settings.alluxio().workersNamespace(), settings.alluxio().workersSelector());
        registry.bind("terminatingPods", new TerminatingPods(settings.optIn(), spared, Clock.systemUTC()));
        registry.bind("nodeActionPlanner", new NodeActionPlanner(settings.optIn()));
        registry.bind("fence", new Fence(settings.fence(), client, context.createProducerTemplate(), masker));
        registry.bind("localVolumes", new LocalVolumes(settings.optIn(), spared, Clock.systemUTC()));
        Notices notices = new Notices(announcements, masker, runMode);
        registry.bind("notices", notices);
        registry.bind("registryAudit", new RegistryAudit(settings.alluxio().auditInterval(), Clock.systemUTC(), notices,
                metrics));
        registry.bind("slackMessages", new SlackMessages(runMode::dryRun));
        Destinations destinations = destinations(context, settings, announcements, masker, metrics);
        registry.bind("destinations", destinations);
        closeOnShutdown(context, destinations);
    }

    /** Slack, Alertmanager and the webhook, those configured, each fed through an outbox of its own. */
    private static Destinations destinations(CamelContext context, ReaperSettings settings,
                                             Announcements announcements, SecretMasker masker, ReaperMetrics metrics) {
        NotifySettings notify = settings.notifications();
        Destinations destinations = new Destinations();
        if (settings.slack().enabled()) {
            destinations.add(Outbox.ofNotices("Slack", new PostThrough<>(context, "direct:post-to-slack"),
                    notify.queueSize(), notify.retryFor(), masker, metrics));
        }
        // bound whether configured or not: the routes that use them start either way
        AlertmanagerAlerts alerts = new AlertmanagerAlerts(notify.alertmanager().orElse(null), announcements,
                Clock.systemUTC(), notify.resendEvery());
        context.getRegistry().bind("alertmanagerAlerts", alerts);
        context.getRegistry().bind("webhookMessages", new WebhookMessages(notify.webhook().orElse(null)));
        notify.alertmanager().ifPresent(target -> destinations.addAlertmanager(new Outbox<AlertmanagerAlerts.Post>("Alertmanager",
                    new PostThrough<>(context, "direct:post-to-alertmanager"), notify.queueSize(), notify.retryFor(),
                    masker, metrics, AlertmanagerAlerts.Post::text, (post, note) -> post), alerts));
        notify.webhook().ifPresent(target -> destinations.add(Outbox.ofNotices("webhook",
                new PostThrough<>(context, "direct:post-to-webhook"), notify.queueSize(), notify.retryFor(), masker,
                metrics)));
        return destinations;
    }

    /** Readiness: one cheap call to the API server (a node list of one) and one to etcd (a read of one key). */
    private static ConnectivityCheck connectivity(CamelContext context, KubernetesClient client,
                                                  ReaperSettings settings, SecretMasker masker) {
        ConnectivityCheck.Probe api = () -> client.nodes()
                .list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(1L).build());
        RouteCall etcdRead = new RouteCall(context, "direct:call-etcd");
        ConnectivityCheck.Probe etcd = () -> etcdRead.call(e -> {
            e.getIn().setHeader("CamelEtcdAction", "get");
            e.getIn().setHeader("CamelEtcdPath", settings.alluxio().authorizedPrefix());
            e.getIn().setHeader("CamelEtcdIsPrefix", false);
        });
        return new ConnectivityCheck(api, etcd, masker);
    }

    /** Posts through a post-to-... route and reports its failure, whatever the component did with it. */
    static final class PostThrough<T> implements Outbox.Sender<T> {
        private final RouteCall post;

        PostThrough(CamelContext context, String route) {
            this.post = new RouteCall(context, route);
        }

        @Override
        public void send(T message) throws Exception {
            post.call(e -> e.getIn().setBody(message));
        }
    }

    /**
     * The Kubernetes client's first request (the control ConfigMap, which every cycle reads) on a thread of its
     * own while the routes load: its connection, TLS and JSON parsing are then ready for the first cycle. A
     * failure is only logged at debug level: the cycles report the API's state.
     */
    private static final String WARM_UP_POD = "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"items\":[{\"metadata\":"
            + "{\"name\":\"w\",\"namespace\":\"n\",\"labels\":{\"a\":\"b\"},\"ownerReferences\":[{\"kind\":\"ReplicaSet\","
            + "\"name\":\"r\",\"uid\":\"u\",\"apiVersion\":\"apps/v1\"}]},\"spec\":{\"nodeName\":\"x\",\"containers\":[{\"name\":"
            + "\"c\",\"image\":\"i\",\"ports\":[{\"containerPort\":1}],\"env\":[{\"name\":\"e\",\"value\":\"v\"}],"
            + "\"resources\":{\"limits\":{\"memory\":\"1Gi\"}},\"volumeMounts\":[{\"name\":\"v\",\"mountPath\":\"/v\"}]}],"
            + "\"volumes\":[{\"name\":\"v\",\"emptyDir\":{}}]},\"status\":{\"phase\":\"Running\",\"podIP\":\"10.0.0.1\","
            + "\"hostIP\":\"10.0.0.2\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}]}";

    private static void warmUp(KubernetesClient client, io.offlineworkerreaper.cycle.ControlSettings control) {
        daemon(() -> {
            try {
                client.configMaps().inNamespace(control.namespace()).withName(control.name()).get();
                // Jackson builds its Pod deserializers (a few dozen model classes) here, not in the first cycle
                client.getKubernetesSerialization().unmarshal(WARM_UP_POD, io.fabric8.kubernetes.api.model.PodList.class);
            } catch (RuntimeException e) {
                LOG.debug("Kubernetes warm-up: {}", e.getMessage());
            }
        }, "kubernetes-warm-up").start();
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
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
