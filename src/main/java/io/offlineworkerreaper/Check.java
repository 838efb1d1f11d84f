package io.offlineworkerreaper;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.offlineworkerreaper.alluxio.Finding;
import io.offlineworkerreaper.alluxio.RegistryReader;
import io.offlineworkerreaper.alluxio.WorkerMatching;
import io.offlineworkerreaper.alluxio.WorkerRegistry;
import io.offlineworkerreaper.decision.Inspection;
import io.offlineworkerreaper.decision.NodeCheck;
import io.offlineworkerreaper.decision.NodeReadiness;
import io.offlineworkerreaper.decision.NodeSettings;
import io.offlineworkerreaper.decision.OptOut;
import io.offlineworkerreaper.decision.Reading;
import io.offlineworkerreaper.decision.Remediation;
import io.offlineworkerreaper.decision.SafetyGate;
import io.offlineworkerreaper.kubernetes.NodeConditions;
import io.offlineworkerreaper.kubernetes.NodeSource;
import io.offlineworkerreaper.kubernetes.PodIdentity;
import io.offlineworkerreaper.kubernetes.RemovalRequest;
import io.offlineworkerreaper.optin.NodeConfirmations;
import io.offlineworkerreaper.settings.Durations;
import io.offlineworkerreaper.settings.SecretMasker;
import io.offlineworkerreaper.text.Errors;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.apache.camel.spi.Registry;

/**
 * {@code --check}: one read-only pass against the configured cluster and etcd, for a newcomer before the first
 * deploy and for the CI of a platform: every worker pod with the verdict the reaper would take, the unaccounted
 * heartbeats, the registrations that match no pod, what is misconfigured, whether each permission the
 * configuration needs is granted (SelfSubjectAccessReview, as {@code kubectl auth can-i}) and whether etcd
 * answers with the configured credentials. Nothing is written anywhere. Exit 0 when nothing is wrong, 2 with
 * the problems otherwise. The decisions are the reaper's own classes, the ones the routes call.
 */
public final class Check {

    static final int PROBLEMS = 2;
    /** Bound in the registry by {@link #settings}: ReaperConfiguration then starts no leader election nor watch. */
    public static final String READ_ONLY = "readOnlyCheck";

    private Check() {
    }

    /** No routes, no management port, no leader election (it would write the Lease): reading only. */
    public static Map<String, String> settings(Map<String, String> overrides) {
        Map<String, String> settings = new LinkedHashMap<>(overrides);
        settings.put("camel.main.auto-startup", "false");
        settings.putIfAbsent("camel.management.enabled", "false");
        return settings;
    }

    public static int run(Main main, PrintStream out) throws Exception {
        main.bind(READ_ONLY, Boolean.TRUE);
        main.start();
        try {
            Report report = inspect(main.getCamelContext());
            out.print(report.text());
            out.flush();
            return report.problems() == 0 ? 0 : PROBLEMS;
        } finally {
            main.stop();
        }
    }

    /** What {@code --check} prints, and how many problems it found. */
    record Report(String text, int problems) {
    }

    static Report inspect(CamelContext context) {
        Registry registry = context.getRegistry();
        ReaperSettings settings = registry.lookupByNameAndType("settings", ReaperSettings.class);
        KubernetesClient client = registry.lookupByNameAndType("kubernetesClient", KubernetesClient.class);
        SecretMasker masker = settings.masker();
        Text out = new Text();
        List<String> problems = new ArrayList<>();
        out.line("offline-worker-reaper --check: one read-only pass, nothing is changed");
        out.line("Kubernetes API " + masker.mask(String.valueOf(client.getMasterUrl())) + "; etcd "
                + masker.mask(settings.etcd().endpoints().toString()) + "; Alluxio cluster " + settings.alluxio().clusterName()
                + "; worker pods in namespace " + settings.alluxio().workersNamespace() + " with " + settings.alluxio().workersSelectorText());
        out.line("");

        // etcd: the registry under both prefixes, with the configured credentials
        WorkerRegistry authorized = new WorkerRegistry(settings.alluxio().authorizedPrefix(), List.of());
        WorkerRegistry heartbeats = new WorkerRegistry(settings.alluxio().serviceDiscoveryPrefix(), List.of());
        boolean etcdOk = false;
        String etcdStatus;
        try {
            RegistryReader etcd = registry.lookupByNameAndType("registryReader", RegistryReader.class);
            authorized = etcd.read(settings.alluxio().authorizedPrefix());
            heartbeats = etcd.read(settings.alluxio().serviceDiscoveryPrefix());
            etcdOk = true;
            etcdStatus = "answers" + settings.etcd().security().username().map(u -> " as user " + u).orElse("")
                    + ": " + authorized.entries().size() + " registration(s) under " + settings.alluxio().authorizedPrefix()
                    + ", " + heartbeats.entries().size() + " heartbeat(s) under " + settings.alluxio().serviceDiscoveryPrefix();
        } catch (RuntimeException e) {
            etcdStatus = "FAILED: " + masker.mask(Errors.rootMessage(e));
            problems.add("etcd " + etcdStatus + " (check reaper.etcd.endpoints, credentials and TLS files)");
        }

        // Kubernetes: nodes and worker pods
        List<Node> nodes = List.of();
        List<Pod> pods = List.of();
        String apiStatus = "answers";
        NodeReadiness readiness = registry.lookupByNameAndType("nodeReadiness", NodeReadiness.class);
        try {
            nodes = readiness.considered(registry.lookupByNameAndType("nodeSource", NodeSource.class).nodes());
            pods = client.pods().inNamespace(settings.alluxio().workersNamespace()).withLabels(settings.alluxio().workersSelector())
                    .list().getItems();
        } catch (Exception e) {
            apiStatus = "FAILED: " + masker.mask(Errors.rootMessage(e));
            problems.add("Kubernetes API " + apiStatus);
        }

        // the reaper's own pipeline, as a cycle runs it, the breaker's decision apart: a removal it holds back is
        // shown with "[held: ...]"
        Inspection inspection = registry.lookupByNameAndType("inspection", Inspection.class);
        Reading reading = new Reading(pods, authorized, heartbeats);
        SafetyGate.Admission admission = registry.lookupByNameAndType("safetyGate", SafetyGate.class).admit(nodes);
        NodeCheck nodeCheck = readiness.check(nodes, null);
        Inspection.Result result = etcdOk ? inspection.inspect(nodeCheck, reading)
                : inspection.inspect(nodeCheck, reading, Inspection.Diagnostics.NONE);
        WorkerMatching matching = result.matching();
        List<Finding> findings = etcdOk ? result.findings() : List.of();
        Map<String, Remediation> plans = new LinkedHashMap<>();
        result.remediations().forEach(r -> plans.put(r.pod().uid(), r));
        NodeConfirmations confirmations = registry.lookupByNameAndType("nodeConfirmations", NodeConfirmations.class);
        confirmations.observe(nodes);

        // the table of worker pods
        Map<String, Node> nodeByName = nodes.stream().collect(Collectors.toMap(n -> n.getMetadata().getName(),
                n -> n, (a, b) -> a));
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"POD", "NODE", "NODE READY", "ADDRESS", "WORKER", "HEARTBEAT", "VERDICT"});
        for (PodIdentity pod : matching.pods()) {
            List<WorkerMatching.Registration> workers = matching.of(pod.uid());
            Node node = pod.nodeName() == null ? null : nodeByName.get(pod.nodeName());
            rows.add(new String[] {pod.qualifiedName(), String.valueOf(pod.nodeName()), readyText(node),
                    String.valueOf(pod.primaryAddress()),
                    workers.isEmpty() ? "-" : workers.stream().map(WorkerMatching.Registration::id)
                            .collect(Collectors.joining(",")),
                    workers.isEmpty() ? "-" : workers.stream().anyMatch(WorkerMatching.Registration::live)
                            ? "alive" : "expired",
                    verdict(pod, node, plans.get(pod.uid()), readiness, admission)});
        }
        out.line("WORKER PODS (" + matching.pods().size() + ")");
        out.table(rows);
        out.line("");
        out.line("Safety breaker: " + admission.state().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + " (" + admission.notReady().size() + " of " + admission.total() + " nodes not Ready, limit "
                + admission.limit() + ")");
        out.line("");

        List<Remediation> requests = result.remediations().stream().filter(r -> r.request() != null).toList();
        out.line("REMOVALS ASKED FOR (" + RemovalRequest.ANNOTATION + ")" + (requests.isEmpty() ? ": none" : ""));
        requests.forEach(r -> out.line("- " + r.pod().qualifiedName() + ", asked by " + r.request().requestedBy() + ": "
                + r.request().reason() + "\n    verdict: " + (r.isRemoval() ? "REMOVE" : "REFUSE " + r.verdict())
                + ": " + r.detail()));
        List<NodeConfirmations.Confirmation> confirmed = confirmations.current();
        out.line("NODES CONFIRMED OFF (" + NodeConfirmations.ANNOTATION + ", counts as a fence)"
                + (confirmed.isEmpty() ? ": none" : ""));
        confirmed.forEach(c -> out.line("- " + c.node() + ": " + c.text()));
        out.line("");
        out.line("UNACCOUNTED HEARTBEATS (live, matching no worker pod): " + list(matching.unaccountedHeartbeats()));
        out.line("UNMATCHED REGISTRATIONS (expired, matching no worker pod; information only): "
                + list(matching.unmatched()));
        out.line("");
        out.line("FINDINGS" + (findings.isEmpty() ? ": none" : ""));
        for (Finding f : findings) {
            out.line("- " + masker.mask(f.summary()));
            f.details().forEach(d -> out.line("    " + masker.mask(d)));
            out.line("    fix: " + masker.mask(f.fix()));
            if (f.kind() != Finding.Kind.UNMATCHED_REGISTRATIONS) {
                problems.add(f.kind().label());
            }
        }
        out.line("");

        out.line("PERMISSIONS (SelfSubjectAccessReview, as kubectl auth can-i)");
        List<String[]> access = new ArrayList<>();
        access.add(new String[] {"PERMISSION", "GRANTED", "FOR"});
        for (RequiredAccess.Permission p : RequiredAccess.of(settings, client.getNamespace())) {
            String granted;
            try {
                granted = allowed(client, p) ? "yes" : "NO";
            } catch (Exception e) {
                granted = "cannot tell: " + masker.mask(Errors.rootMessage(e));
            }
            if (!granted.equals("yes")) {
                problems.add("permission " + p.text());
            }
            access.add(new String[] {p.text(), granted, p.why()});
        }
        out.table(access);
        out.line("");
        out.line("Kubernetes API: " + apiStatus);
        out.line("etcd: " + etcdStatus);
        out.line("");
        out.line(problems.isEmpty() ? "RESULT: OK, nothing is wrong (exit 0)"
                : "RESULT: " + problems.size() + " problem(s): " + String.join("; ", problems) + " (exit 2)");
        return new Report(out.toString(), problems.size());
    }

    private static String verdict(PodIdentity pod, Node node, Remediation plan, NodeReadiness readiness,
                                  SafetyGate.Admission admission) {
        if (plan != null) {
            String held = admission.allowed() || plan.request() != null ? "" : " [held: " + admission.reason() + "]";
            return (plan.isRemoval() ? "REMOVE " + (plan.keys().isEmpty() ? "the pod only" : "the pod and "
                    + String.join(", ", plan.keys())) : "REFUSE " + plan.verdict() + ": " + plan.detail()) + held;
        }
        if (node == null) {
            return "none: " + (pod.nodeName() == null ? "not scheduled" : "node not considered");
        }
        if (NodeConditions.isReady(node)) {
            return "none: node Ready";
        }
        Optional<Duration> due = readiness.dueIn(node);
        if (due.isPresent() && !due.get().isZero()) {
            return "wait: acts in " + Durations.humanize(due.get()) + " (" + NodeSettings.NOT_READY_FOR + ")";
        }
        return "none: " + (OptOut.KEY + "=true, or no address");
    }

    private static String readyText(Node node) {
        if (node == null) {
            return "-";
        }
        var ready = NodeConditions.ready(node);
        return ready == null || ready.getStatus() == null ? "Unknown" : ready.getStatus();
    }

    private static String list(List<WorkerMatching.Registration> registrations) {
        return registrations.isEmpty() ? "none" : registrations.stream()
                .map(r -> "\n    " + r.keys().get(0) + " (" + r.entry().addressText() + ")").collect(Collectors.joining());
    }

    static boolean allowed(KubernetesClient client, RequiredAccess.Permission p) {
        SelfSubjectAccessReview review = client.authorization().v1().selfSubjectAccessReview().create(
                new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
                        .withVerb(p.verb()).withGroup(p.group()).withResource(p.resource())
                        .withNamespace(p.namespace()).withName(p.name())
                        .endResourceAttributes().endSpec().build());
        if (review.getStatus() == null || review.getStatus().getAllowed() == null) {
            throw new IllegalStateException("the API server gave no decision");
        }
        return review.getStatus().getAllowed();
    }

    /** Lines and aligned tables. */
    private static final class Text {
        private final StringBuilder text = new StringBuilder();

        void line(String line) {
            text.append(line).append('\n');
        }

        void table(List<String[]> rows) {
            int[] widths = new int[rows.get(0).length];
            for (String[] row : rows) {
                for (int i = 0; i < row.length - 1; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            }
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
                }
                line(line.toString().stripTrailing());
            }
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
