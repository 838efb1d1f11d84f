package io.offlineworkerreaper;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.offlineworkerreaper.demo.ClusterObjects;
import org.junit.jupiter.api.Test;

import static io.offlineworkerreaper.Scenario.CLUSTER;
import static io.offlineworkerreaper.Scenario.WORKER_3;
import static io.offlineworkerreaper.Scenario.aNotReadyNode;
import static io.offlineworkerreaper.Scenario.aReadyNode;
import static io.offlineworkerreaper.Scenario.aWorkerPod;
import static io.offlineworkerreaper.Scenario.authorizedKey;
import static io.offlineworkerreaper.Scenario.create;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The RBAC in deploy/kubernetes against what the code really calls: the reaper runs with the shipped ConfigMap's
 * settings against the API emulator, every request it makes is recorded, and each must be allowed by the Roles
 * bound to its service account; each verb granted must be used. The two cannot drift apart.
 */
class RbacManifestsTest extends ReaperWorld {

    KubernetesMockServer server;

    /** One API request as RBAC sees it. {@code namespace} is null for cluster-scoped resources. */
    record Access(String namespace, String group, String resource, String verb, String name) {
        @Override
        public String toString() {
            return verb + " " + (group.isEmpty() ? "" : group + "/") + resource + (name == null ? "" : "/" + name)
                    + (namespace == null ? " (cluster)" : " in " + namespace);
        }
    }

    /** A rule of a Role or ClusterRole, where it applies (null: every namespace). */
    record Grant(String namespace, PolicyRule rule) {
        boolean allows(Access a) {
            return (namespace == null || namespace.equals(a.namespace()))
                    && rule.getApiGroups().contains(a.group()) && rule.getResources().contains(a.resource())
                    && rule.getVerbs().contains(a.verb())
                    && (rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
                        || rule.getResourceNames().contains(a.name()));
        }
    }

    private static final Pattern PATH = Pattern.compile(
            "/(?:api/v1|apis/([^/]+)/[^/]+)(?:/namespaces/([^/]+))?/([^/?]+)(?:/([^/?]+))?(?:/[^?]*)?(?:\\?(.*))?");

    static Access access(RecordedRequest request) {
        Matcher m = PATH.matcher(request.getPath());
        assertThat(m.matches()).as("an API path: %s", request.getPath()).isTrue();
        String name = m.group(4);
        String query = m.group(5) == null ? "" : m.group(5);
        String verb = switch (request.getMethod()) {
            case "GET" -> query.contains("watch=true") ? "watch" : name == null ? "list" : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> name == null ? "deletecollection" : "delete";
            default -> throw new IllegalArgumentException(request.getMethod());
        };
        if (name == null && (verb.equals("list") || verb.equals("watch"))) {
            // RBAC authorizes a list or watch by resourceNames when it selects one object by metadata.name
            Matcher field = NAME_SELECTOR.matcher(query);
            name = field.find() ? java.net.URLDecoder.decode(field.group(1), java.nio.charset.StandardCharsets.UTF_8)
                    : null;
        }
        return new Access(m.group(2), m.group(1) == null ? "" : m.group(1), m.group(3), verb, name);
    }

    private static final Pattern NAME_SELECTOR = Pattern.compile("(?:^|&)fieldSelector=metadata\\.name(?:%3D|=)([^&,%]+)(?:&|$)");

    /** Every rule that applies to the service account, through the shipped bindings. */
    static List<Grant> grants(List<HasMetadata> objects, String saNamespace, String saName) {
        Map<String, ClusterRole> clusterRoles = new HashMap<>();
        Map<String, Role> roles = new HashMap<>();
        Manifests.ofKind(objects, ClusterRole.class).forEach(r -> clusterRoles.put(r.getMetadata().getName(), r));
        Manifests.ofKind(objects, Role.class).forEach(r -> roles.put(r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(), r));
        List<Grant> grants = new ArrayList<>();
        for (ClusterRoleBinding b : Manifests.ofKind(objects, ClusterRoleBinding.class)) {
            if (boundTo(b.getSubjects(), saNamespace, saName)) {
                clusterRoles.get(b.getRoleRef().getName()).getRules().forEach(r -> grants.add(new Grant(null, r)));
            }
        }
        for (RoleBinding b : Manifests.ofKind(objects, RoleBinding.class)) {
            if (boundTo(b.getSubjects(), saNamespace, saName)) {
                String ns = b.getMetadata().getNamespace();
                List<PolicyRule> rules = "ClusterRole".equals(b.getRoleRef().getKind())
                        ? clusterRoles.get(b.getRoleRef().getName()).getRules()
                        : roles.get(ns + "/" + b.getRoleRef().getName()).getRules();
                rules.forEach(r -> grants.add(new Grant(ns, r)));
            }
        }
        return grants;
    }

    private static boolean boundTo(List<Subject> subjects, String namespace, String name) {
        return subjects.stream().anyMatch(s -> "ServiceAccount".equals(s.getKind()) && name.equals(s.getName())
                && namespace.equals(s.getNamespace()));
    }

    /** The shipped ConfigMap as settings, as the Deployment hands them to the reaper (envFrom). */
    static Map<String, String> shippedSettings() {
        Map<String, String> keys = Manifests.settingsByEnvironmentVariable();
        Map<String, String> settings = new HashMap<>();
        Manifests.ofKind(ConfigMap.class).get(0).getData().forEach((variable, value) -> {
            assertThat(keys).as("ConfigMap key %s is a setting", variable).containsKey(variable);
            settings.put(keys.get(variable), value);
        });
        return settings;
    }

    @Test
    void should_grant_exactly_what_the_reaper_calls() throws Exception {
        ServiceAccount account = Manifests.ofKind(ServiceAccount.class).get(0);
        String reaperNamespace = account.getMetadata().getNamespace();
        Map<String, String> settings = new HashMap<>(shippedSettings());
        String workers = settings.get("reaper.workers.namespace");

        // given the seed crash in the workers' namespace, a second dead node whose worker still heartbeats
        // (refused: an Event created, counted up when the refusal ends), and this replica's own pod for leader
        // election
        Scenario.seedCrash(client, registry);
        create(client, aReadyNode("alluxio-e2e-worker5"), aNotReadyNode("alluxio-e2e-worker4"));
        create(client, aWorkerPod("alluxio-worker-577545dc9-4x4x4", "alluxio-e2e-worker4", "10.244.5.9"));
        String worker4 = "worker-4d4d4d4d-0000-4000-8000-000000000004";
        registry.registerLiveWorker(CLUSTER, worker4, "10.244.5.9", 2);
        create(client, new PodBuilder(ClusterObjects.pod(reaperNamespace, "offline-worker-reaper-6d9f7-abcde",
                "alluxio-e2e-worker", "10.244.3.60", Map.of("app.kubernetes.io/name", "offline-worker-reaper")))
                .editStatus().addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build());
        assertThat(workers).isEqualTo("default");
        // and the shipped ConfigMaps: the settings and the control object (the pause, the window, the breaker)
        Manifests.ofKind(ConfigMap.class).forEach(map -> client.configMaps().resource(map).create());
        drainRequests();

        // when the reaper runs with the shipped settings (only the addresses and timings of this test differ),
        // is probed for readiness, remediates, refuses, and shuts down
        Management management = new Management(Management.freePort());
        settings.put("reaper.etcd.endpoints", etcd.clientUrl());
        settings.put("reaper.audit.file", Files.createTempFile("audit", ".jsonl").toString());
        settings.put("reaper.leader-election.pod-name", "offline-worker-reaper-6d9f7-abcde"); // downward API
        settings.put("reaper.leader-election.namespace", reaperNamespace); // in a pod: its service account's
        settings.put("reaper.leader-election.lease-duration", "3s");
        settings.put("reaper.leader-election.renew-deadline", "2s");
        settings.put("reaper.leader-election.retry-period", "500ms");
        settings.put("reaper.check-interval", "300ms");
        settings.put("reaper.dry-run", "false"); // the shipped ConfigMap starts in dry-run; deleting needs its verbs too
        settings.put("camel.management.enabled", "true");
        settings.put("camel.management.port", String.valueOf(management.port()));
        reaper = RunningReaper.start(client, etcd.clientUrl(), slack, settings);
        await().atMost(Duration.ofSeconds(30)).until(() -> !registry.exists(authorizedKey(CLUSTER, WORKER_3))
                && reaper.cyclesRun() >= 3);
        reaper.awaitCycles(3); // long enough for a Lease renewal too
        registry.stopHeartbeat(worker4); // the refusal ends: its Events are counted up
        await().atMost(Duration.ofSeconds(30)).until(() -> !registry.exists(authorizedKey(CLUSTER, worker4)));
        reaper.awaitCycles(3);
        assertThat(management.get("/observe/health/ready").status()).isEqualTo(200);
        reaper.close();
        reaper = null;

        // then every request was allowed by the shipped RBAC, and every verb it grants was used
        Set<Access> made = drainRequests();
        List<Grant> grants = grants(Manifests.applied(), reaperNamespace, account.getMetadata().getName());
        verify(made, grants, grants);
        // and the Helm chart's default rendering grants the same (HelmChartTest: the same objects and settings)
        List<Grant> chart = grants(HelmChart.render(Map.of()), reaperNamespace, account.getMetadata().getName());
        verify(made, chart, chart);
    }

    @Test
    void should_give_the_reaper_no_access_to_its_own_settings_and_secret() {
        // given every RBAC object shipped, optional ones included, from kustomize and from the chart
        ServiceAccount account = Manifests.ofKind(ServiceAccount.class).get(0);
        String namespace = account.getMetadata().getNamespace();
        String sa = account.getMetadata().getName();
        List<HasMetadata> all = new ArrayList<>(Manifests.applied());
        for (String feature : List.of("terminating-pods", "node-actions", "local-volumes")) {
            all.addAll(Manifests.optional(feature));
        }
        String settingsMap = Manifests.ofKind(ConfigMap.class).get(0).getMetadata().getName();
        assertThat(Manifests.ofKind(ConfigMap.class)).extracting(c -> c.getMetadata().getName())
                .containsExactly(settingsMap, "offline-worker-reaper-control");
        for (List<Grant> grants : List.of(grants(all, namespace, sa),
                grants(HelmChart.render(HelmChart.ALL_FEATURES), namespace, sa))) {
            // then no verb reaches the settings ConfigMap or the Secret, nor any other ConfigMap but the control one
            for (String verb : List.of("get", "list", "watch", "create", "update", "patch", "delete")) {
                for (String name : List.of(settingsMap, "offline-worker-reaper", "anything-else")) {
                    assertThat(grants).as("%s configmaps/%s", verb, name)
                            .noneMatch(g -> g.allows(new Access(namespace, "", "configmaps", verb, name)));
                    assertThat(grants).as("%s secrets/%s", verb, name)
                            .noneMatch(g -> g.allows(new Access(namespace, "", "secrets", verb, name)));
                }
                assertThat(grants).as("%s configmaps (all of them)", verb)
                        .noneMatch(g -> g.allows(new Access(namespace, "", "configmaps", verb, null)));
            }
            // and the control object is writable, by patch only
            assertThat(grants).anyMatch(g -> g.allows(new Access(namespace, "", "configmaps", "patch",
                    "offline-worker-reaper-control")));
        }
    }

    @Test
    void should_grant_every_permission_that_check_verifies() {
        // given the shipped settings with every feature on, and all the shipped RBAC applied
        ServiceAccount account = Manifests.ofKind(ServiceAccount.class).get(0);
        String reaperNamespace = account.getMetadata().getNamespace();
        List<HasMetadata> all = new ArrayList<>(Manifests.applied());
        for (String feature : List.of("terminating-pods", "node-actions", "local-volumes")) {
            all.addAll(Manifests.optional(feature));
        }
        List<Grant> grants = grants(all, reaperNamespace, account.getMetadata().getName());
        for (String action : List.of("cordon", "delete")) {
            Map<String, String> values = new HashMap<>(shippedSettings());
            values.put("reaper.terminating.enabled", "true");
            values.put("reaper.local-volumes.enabled", "true");
            values.put("reaper.node.action", action);
            values.put("reaper.leader-election.pod-name", "offline-worker-reaper-0");
            values.remove("reaper.audit.file"); // a path inside the container
            values.remove("reaper.log.file");
            ReaperSettings settings = ReaperSettings.from(k -> java.util.Optional.ofNullable(values.get(k))
                    .or(() -> java.util.Optional.ofNullable(Manifests.defaults().getProperty(k))));

            // then what --check asks the API server for is what the manifests grant
            List<RequiredAccess.Permission> needed = RequiredAccess.of(settings, reaperNamespace);
            assertThat(needed).extracting(RequiredAccess.Permission::text).contains("watch nodes (cluster-wide)",
                    "get coordination.k8s.io/leases/offline-worker-reaper -n " + reaperNamespace);
            assertThat(needed).allSatisfy(p -> assertThat(grants).as(p.text()).anyMatch(g -> g.allows(
                    new Access(p.namespace(), p.group(), p.resource(), p.verb(), p.name()))));
        }
    }

    @Test
    void should_grant_the_opt_in_features_exactly_what_they_call() throws Exception {
        ServiceAccount account = Manifests.ofKind(ServiceAccount.class).get(0);
        String sa = account.getMetadata().getName();
        String reaperNamespace = account.getMetadata().getNamespace();
        List<HasMetadata> optional = new ArrayList<>();
        for (String feature : List.of("terminating-pods", "node-actions", "local-volumes")) {
            optional.addAll(Manifests.optional(feature));
        }
        List<HasMetadata> all = new ArrayList<>(Manifests.applied());
        all.addAll(optional);

        // given a dead node with a pod stuck Terminating, a pod on a local volume, and a second such node
        create(client, aReadyNode("alluxio-e2e-worker"), aReadyNode("alluxio-e2e-worker2"),
                aReadyNode("alluxio-e2e-worker5"), aNotReadyNode("alluxio-e2e-worker3"), aNotReadyNode("alluxio-e2e-worker4"));
        NodePodLists pods = NodePodLists.serve(server, "alluxio-e2e-worker3", "alluxio-e2e-worker4");
        pods.add(ClusterObjects.pod("apps", "web-7f9c-stuck", "alluxio-e2e-worker3", "10.244.9.1", Map.of("app", "web")),
                java.time.Instant.now().minus(Duration.ofMinutes(12)));
        client.persistentVolumes().resource(new io.fabric8.kubernetes.api.model.PersistentVolumeBuilder()
                .withNewMetadata().withName("pv-db-0").endMetadata().withNewSpec().withStorageClassName("local-path")
                .withNewNodeAffinity().withNewRequired().addNewNodeSelectorTerm().addNewMatchExpression()
                .withKey("kubernetes.io/hostname").withOperator("In").withValues("alluxio-e2e-worker3")
                .endMatchExpression().endNodeSelectorTerm().endRequired().endNodeAffinity().endSpec().build()).create();
        client.persistentVolumeClaims().resource(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
                .withNewMetadata().withNamespace("data").withName("data-db-0")
                .addToFinalizers("kubernetes.io/pvc-protection").endMetadata()
                .withNewSpec().withStorageClassName("local-path").withVolumeName("pv-db-0").endSpec().build()).create();
        pods.add(new PodBuilder(ClusterObjects.pod("data", "db-0", "alluxio-e2e-worker3", "10.244.9.7", Map.of("app", "db")))
                .editSpec().addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName("data-db-0")
                .endPersistentVolumeClaim().endVolume().endSpec().build(), null);
        drainRequests();

        // when the reaper runs with every opt-in feature on: first tainting the dead nodes, which then come
        // back (the taint is removed), then deleting one that stays down
        Map<String, String> settings = new HashMap<>(shippedSettings());
        settings.putAll(Map.of("reaper.etcd.endpoints", etcd.clientUrl(), "reaper.check-interval", "300ms",
                "reaper.dry-run", "false", "reaper.leader-election.enabled", "false",
                "reaper.audit.file", Files.createTempFile("audit", ".jsonl").toString(),
                "reaper.safety.max-unhealthy", "2"));
        settings.putAll(Map.of("reaper.terminating.enabled", "true", "reaper.local-volumes.enabled", "true",
                "reaper.local-volumes.clear-finalizers-after", "1s",
                "reaper.node.action", "out-of-service-taint", "reaper.node.action-after", "1m",
                // the permissions, not the fence, are under test here (FenceRoutesTest)
                "reaper.node.require-fence", "false"));
        // (a dry-run first: it records the same Events every cycle, which counts them up with a patch)
        settings.put("reaper.dry-run", "true");
        reaper = RunningReaper.start(client, etcd.clientUrl(), slack, settings);
        reaper.awaitCycles(3);
        reaper.close();
        settings.put("reaper.dry-run", "false");
        reaper = RunningReaper.start(client, etcd.clientUrl(), slack, settings);
        await().atMost(Duration.ofSeconds(30)).until(() -> !pods.exists("apps", "web-7f9c-stuck")
                && !pods.exists("data", "db-0") && reaper.cyclesRun() >= 5);
        reaper.awaitCycles(2);
        Set<Access> made = new LinkedHashSet<>(drainRequests());
        client.nodes().withName("alluxio-e2e-worker4").edit(n -> new io.fabric8.kubernetes.api.model.NodeBuilder(n)
                .editStatus().withConditions(ClusterObjects.readyCondition("True", java.time.Instant.now())).endStatus()
                .build());
        drainRequests(); // the test's own edit
        reaper.awaitCycles(3);
        reaper.close();
        settings.put("reaper.node.action", "delete");
        reaper = RunningReaper.start(client, etcd.clientUrl(), slack, settings);
        reaper.awaitCycles(3);
        reaper.close();
        reaper = null;
        made.addAll(drainRequests());

        // then the shipped RBAC plus the opt-in files allow every request, and each opt-in verb was used
        verify(made, grants(all, reaperNamespace, sa), grants(optional, reaperNamespace, sa));
        // and so does the Helm chart with every feature switched on by its setting
        List<HasMetadata> chartAll = HelmChart.render(HelmChart.ALL_FEATURES);
        Set<String> base = new java.util.HashSet<>(HelmChart.render(Map.of()).stream()
                .map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList());
        List<HasMetadata> chartOptional = chartAll.stream()
                .filter(o -> !base.contains(o.getKind() + "/" + o.getMetadata().getName())).toList();
        assertThat(chartOptional).hasSize(6);
        verify(made, grants(chartAll, reaperNamespace, sa), grants(chartOptional, reaperNamespace, sa));
    }

    private static void verify(Set<Access> made, List<Grant> allowed, List<Grant> mustBeUsed) {
        assertThat(made).as("requests the reaper made").isNotEmpty();
        assertThat(made.stream().filter(a -> allowed.stream().noneMatch(g -> g.allows(a))).toList())
                .as("requests the shipped RBAC would deny").isEmpty();
        List<String> unused = new ArrayList<>();
        for (Grant grant : mustBeUsed) {
            for (String group : grant.rule().getApiGroups()) {
                for (String resource : grant.rule().getResources()) {
                    for (String verb : grant.rule().getVerbs()) {
                        boolean used = made.stream().anyMatch(a -> a.group().equals(group)
                                && a.resource().equals(resource) && a.verb().equals(verb)
                                && (grant.namespace() == null || grant.namespace().equals(a.namespace())));
                        if (!used) {
                            unused.add(verb + " " + resource + " in " + (grant.namespace() == null ? "(cluster)" : grant.namespace()));
                        }
                    }
                }
            }
        }
        assertThat(unused).as("verbs granted but never used (least privilege: nothing granted just in case)").isEmpty();
        System.out.println("requests made by the reaper: " + made);
    }

    private Set<Access> drainRequests() throws InterruptedException {
        Set<Access> seen = new LinkedHashSet<>();
        RecordedRequest request;
        while ((request = server.takeRequest(200, TimeUnit.MILLISECONDS)) != null) {
            seen.add(access(request));
        }
        return seen;
    }
}
