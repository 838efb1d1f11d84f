package io.offlineworkerreaper.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.offlineworkerreaper.Check;
import io.offlineworkerreaper.Reaper;
import io.offlineworkerreaper.alluxio.AlluxioKeys;
import io.offlineworkerreaper.alluxio.AlluxioSettings;
import io.offlineworkerreaper.settings.Durations;
import io.offlineworkerreaper.settings.InvalidSettingException;
import io.offlineworkerreaper.settings.Reader;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --demo}: the seed scenario of the Alluxio remove-offline-worker script, played on an emulated
 * Kubernetes API (fabric8's CRUD mock, in-process) and a real etcd started from PATH. Three nodes run one
 * Alluxio worker each, plus bystander pods; {@code demo.crash-after} (10 s) after the reaper started, node alluxio-e2e-worker3
 * crashes (Ready=Unknown, its worker stops renewing its etcd lease) and the reaper, running unchanged, removes that worker.
 * With {@code -Ddemo.exit-when-done=true} the demo stops by itself once the remediation is complete.
 */
public final class Demo {

    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);
    // The emulated API server logs every request through java.util.logging: keep the demo readable. Held in a
    // field because java.util.logging only keeps weak references to configured loggers.
    private static final java.util.logging.Logger MOCK_SERVER_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    public static final String CLUSTER = "default-alluxio";
    public static final String DEAD_NODE = "alluxio-e2e-worker3";
    public static final String DEAD_POD = "alluxio-worker-577545dc9-2q7z7";
    public static final String DEAD_WORKER = "worker-0d950643-73c0-461d-a694-ecc601819336";
    public static final String EXIT_WHEN_DONE = "demo.exit-when-done";
    /** How long after the reaper started node alluxio-e2e-worker3 crashes (a duration, default 10s). */
    public static final String CRASH_AFTER = "demo.crash-after";
    /** Which registration form the demo's workers write: one of {@link Form}, in lower case with dashes. */
    public static final String FORM = "demo.form";

    /** The registration forms of real Alluxio deployments (shared/fixtures/alluxio-etcd/README.md). */
    enum Form {
        CURRENT("current Alluxio chart: Host = pod IP"),
        HOST_NETWORK("current chart with hostNetwork: Host = node IP"),
        OPERATOR("k8s-operator chart: labels app=alluxio,role=alluxio-worker, Host = pod IP"),
        CHART_2X("Alluxio 2.x chart: Host = node IP, ContainerHost = pod IP"),
        HOSTNAME("no alluxio.worker.hostname: Host = the pod's host name"),
        MD5("earlier 3.x builds: no Identity, the key id an MD5 hex");

        final String description;

        Form(String description) {
            this.description = description;
        }

        static Form of(String text) {
            try {
                return text == null ? CURRENT : valueOf(text.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(FORM, text,
                        "current, host-network, operator, chart-2x, hostname or md5");
            }
        }

        boolean operatorLabels() {
            return this == OPERATOR || this == CHART_2X;
        }

        io.fabric8.kubernetes.api.model.Pod pod(String name, String node, String podIp) {
            io.fabric8.kubernetes.api.model.Pod pod = ClusterObjects.workerPod("default", name, node,
                    this == HOST_NETWORK ? ClusterObjects.nodeIp(node) : podIp);
            pod.getSpec().setHostNetwork(this == HOST_NETWORK);
            if (operatorLabels()) {
                pod.getMetadata().setLabels(ClusterObjects.OPERATOR_WORKER_LABELS);
            }
            return pod;
        }

        String id(String workerId) {
            return this == MD5 ? java.util.HexFormat.of().formatHex(md5(workerId)) : workerId;
        }

        String value(String id, io.fabric8.kubernetes.api.model.Pod pod) {
            String podIp = pod.getStatus().getPodIP();
            String nodeIp = pod.getStatus().getHostIP();
            return switch (this) {
                case CURRENT, OPERATOR -> AlluxioRegistry.workerValue(id, podIp);
                case HOST_NETWORK -> AlluxioRegistry.workerValue(id, nodeIp);
                case CHART_2X -> AlluxioRegistry.workerValue(id, nodeIp, podIp);
                case HOSTNAME -> AlluxioRegistry.workerValue(id, pod.getMetadata().getName());
                case MD5 -> AlluxioRegistry.workerValue(id, podIp).replaceFirst("\\{\"Identity\":\\{[^}]*},", "{")
                        .replaceFirst(",\"ServiceEntityName\":\"[^\"]*\"", "");
            };
        }

        private static byte[] md5(String text) {
            try {
                return java.security.MessageDigest.getInstance("MD5").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
    // The worker's lease outlives the reaper's NotReady threshold, as Alluxio's 15 s lease does against a 30 s
    // node-monitor grace period: the demo shows the reaper waiting for the lease, then acting.
    static final long LEASE_TTL_SECONDS = 5;
    static final Duration DEFAULT_CRASH_AFTER = Duration.ofSeconds(10);
    static final Duration DRY_RUN_WATCH = Duration.ofSeconds(3);

    private Demo() {
    }

    /**
     * @param checkOnly {@code --demo --check}: print the --check of the demo cluster and exit with its code;
     *                  otherwise it is printed first and the demo goes on
     */
    public static int run(Map<String, String> userOverrides, boolean checkOnly) throws Exception {
        if (EtcdServer.findBinary().isEmpty()) {
            String etcdBin = System.getenv("ETCD_BIN");
            System.err.println("offline-worker-reaper --demo: " + (etcdBin == null || etcdBin.isBlank()
                    ? EtcdServer.INSTALL_HINT : "ETCD_BIN=" + etcdBin + " is not an executable file."));
            return 3;
        }
        Map<String, String> overrides = new HashMap<>(userOverrides);
        boolean exitWhenDone = Boolean.parseBoolean(overrides.remove(EXIT_WHEN_DONE));
        Form form = Form.of(overrides.remove(FORM));
        Duration crashAfter = overrides.containsKey(CRASH_AFTER)
                ? new Reader(key -> Optional.ofNullable(overrides.get(key))).duration(CRASH_AFTER, Duration.ZERO)
                : DEFAULT_CRASH_AFTER;
        overrides.remove(CRASH_AFTER);
        boolean dryRun = Boolean.parseBoolean(overrides.getOrDefault("reaper.dry-run", System.getenv("REAPER_DRY_RUN")));
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        Path workDir = Files.createTempDirectory("offline-worker-reaper-demo");
        KubernetesMockServer api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new AccessReviewingDispatcher(review -> true), false); // no RBAC in the demo: all is allowed
        api.init();
        ScheduledExecutorService scenario = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-scenario");
            t.setDaemon(true);
            return t;
        });
        try (EtcdServer etcd = EtcdServer.start(workDir.resolve("etcd"));
             NamespacedKubernetesClient client = api.createClient();
             AlluxioRegistry workers = new AlluxioRegistry(etcd.clientUrl())) {
            // Ctrl-C: Camel stops through its own hook; this one takes etcd and its data down with it.
            Thread cleanUp = new Thread(() -> {
                etcd.close();
                EtcdServer.deleteRecursively(workDir);
            }, "demo-clean-up");
            Runtime.getRuntime().addShutdownHook(cleanUp);
            seed(client, workers, form);
            Map<String, String> settings = new LinkedHashMap<>();
            if (form.operatorLabels()) {
                settings.put(AlluxioSettings.WORKERS_SELECTOR, "app=alluxio,role=alluxio-worker");
            }
            settings.put("reaper.etcd.endpoints", etcd.clientUrl());
            settings.put("reaper.check-interval", "2s");
            settings.put("reaper.nodes.not-ready-for", "2s");
            settings.putAll(overrides);
            LOG.info("DEMO: emulated Kubernetes API at {}, etcd at {} (data in {})", client.getMasterUrl(),
                    etcd.clientUrl(), workDir);
            LOG.info("DEMO: 3 nodes with one Alluxio worker each, registered as the {} writes them ({}={}); node {}"
                    + " will crash {}s after the reaper started", form.description, FORM, form.name().toLowerCase(java.util.Locale.ROOT)
                    .replace('_', '-'), DEAD_NODE, crashAfter.toSeconds());
            LOG.info("DEMO: what ./run.sh --check says of this cluster before the crash:");
            int checked = Check.run(Reaper.create(Check.settings(settings), client), System.out);
            if (checkOnly) {
                return checked;
            }
            Main main = Reaper.create(settings, client);
            // counted from the reaper's start, however long the JVM and Camel take to get there
            main.addMainListener(new MainListenerSupport() {
                @Override
                public void afterStart(BaseMainSupport started) {
                    scenario.schedule(() -> crashAndWatch(client, workers, main, exitWhenDone, dryRun,
                            form.id(DEAD_WORKER)), crashAfter.toMillis(), TimeUnit.MILLISECONDS);
                }
            });
            return main.run(new String[0]);
        } finally {
            scenario.shutdownNow();
            api.destroy();
            EtcdServer.deleteRecursively(workDir);
        }
    }

    /** The seed cluster: three Ready nodes, a worker on each, bystanders that must survive. */
    static void seed(NamespacedKubernetesClient client, AlluxioRegistry workers, Form form) {
        Instant longAgo = Instant.now().minus(Duration.ofHours(3));
        for (String node : new String[] {"alluxio-e2e-worker", "alluxio-e2e-worker2", DEAD_NODE}) {
            client.nodes().resource(ClusterObjects.node(node, "True", longAgo)).create();
        }
        String[][] workerPods = {
                {"alluxio-worker-577545dc9-5vt8k", "alluxio-e2e-worker", "10.244.3.7", "worker-5b7d4c0e-9a8b-4d5c-8e3f-2a1b3f2c9a1e"},
                {"alluxio-worker-577545dc9-6hjj9", "alluxio-e2e-worker2", "10.244.1.14", "worker-bd310c49-815f-4f7b-8948-1709dadb86f9"},
                {DEAD_POD, DEAD_NODE, "10.244.4.5", DEAD_WORKER}};
        for (String[] w : workerPods) {
            io.fabric8.kubernetes.api.model.Pod pod = form.pod(w[0], w[1], w[2]);
            client.pods().resource(pod).create();
            String id = form.id(w[3]);
            workers.registerLiveWorkerWithValue(CLUSTER, id, form.value(id, pod), LEASE_TTL_SECONDS);
        }
        client.pods().resource(ClusterObjects.pod("default", "alluxio-master-0", "alluxio-e2e-worker",
                "10.244.3.8", Map.of("app", "alluxio", "role", "alluxio-master"))).create();
        client.pods().resource(ClusterObjects.pod("default", "spark-client-7d4b9", DEAD_NODE, "10.244.4.9",
                Map.of("app", "spark-client"))).create();
        client.pods().resource(ClusterObjects.pod("kube-system", "kube-proxy-x2v7q", DEAD_NODE, ClusterObjects.nodeIp(DEAD_NODE),
                Map.of("k8s-app", "kube-proxy"))).create();
    }

    private static void crashAndWatch(NamespacedKubernetesClient client, AlluxioRegistry workers, Main main,
                                      boolean exitWhenDone, boolean dryRun, String deadWorker) {
        try {
            Instant crash = Instant.now();
            client.nodes().withName(DEAD_NODE).edit(n -> {
                n.getStatus().setConditions(java.util.List.of(ClusterObjects.readyCondition("Unknown", crash)));
                return n;
            });
            workers.stopHeartbeat(deadWorker);
            LOG.warn("DEMO: node {} crashed: Ready=Unknown, worker {} stopped renewing its etcd lease",
                    DEAD_NODE, deadWorker);
            String heartbeatKey = AlluxioKeys.heartbeatKey(CLUSTER, deadWorker);
            String authorizedKey = AlluxioKeys.authorizedKey(CLUSTER, deadWorker);
            Instant leaseExpired = null;
            while (true) {
                if (leaseExpired == null && !workers.exists(heartbeatKey)) {
                    leaseExpired = Instant.now();
                    LOG.warn("DEMO: the lease of worker {} expired {} ms after the crash", deadWorker,
                            Duration.between(crash, leaseExpired).toMillis());
                }
                boolean podGone = client.pods().inNamespace("default").withName(DEAD_POD).get() == null;
                if (dryRun && leaseExpired != null
                        && Duration.between(leaseExpired, Instant.now()).compareTo(DRY_RUN_WATCH) > 0) {
                    LOG.warn("DEMO (dry-run): {} after the lease expired, pod {} {} and worker key {}: the reaper"
                                    + " only said what it would remove", Durations.humanize(DRY_RUN_WATCH), DEAD_POD,
                            podGone ? "is GONE" : "is still there", workers.exists(authorizedKey) ? "still there" : "GONE");
                    break;
                }
                if (leaseExpired != null && podGone && !workers.exists(authorizedKey)) {
                    Instant done = Instant.now();
                    LOG.warn("DEMO: remediation complete: pod {} and worker {} removed {} ms after the lease expired"
                                    + " ({} ms after the crash); other pods left: {}", DEAD_POD, deadWorker,
                            Duration.between(leaseExpired, done).toMillis(), Duration.between(crash, done).toMillis(),
                            client.pods().inAnyNamespace().list().getItems().stream()
                                    .map(p -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName())
                                    .sorted().toList());
                    break;
                }
                Thread.sleep(20); // sampling the outcome for the report; 20 ms is the report's resolution
            }
            if (exitWhenDone) {
                main.completed();
            } else {
                LOG.info("DEMO: the reaper keeps running; press Ctrl-C to stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("DEMO: the scenario failed: {}", e.toString());
        }
    }
}
