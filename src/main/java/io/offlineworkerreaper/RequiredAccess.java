package io.offlineworkerreaper;

import java.util.ArrayList;
import java.util.List;

import io.offlineworkerreaper.cycle.ControlSettings;
import io.offlineworkerreaper.cycle.CycleSettings;
import io.offlineworkerreaper.cycle.LeaderElectionSettings;
import io.offlineworkerreaper.optin.OptInSettings;

/**
 * Every Kubernetes permission the configured reaper uses, as {@code kubectl auth can-i} asks it: what
 * {@code --check} verifies with a SelfSubjectAccessReview each, before the first deploy. The shipped RBAC
 * (deploy/kubernetes) grants exactly these; RbacManifestsTest holds the two together.
 */
public final class RequiredAccess {

    /**
     * One permission.
     *
     * @param verb      get, list, watch, create, update, patch, delete
     * @param group     API group ("" for the core group)
     * @param resource  plural resource name
     * @param namespace namespace, or null for all namespaces / cluster-scoped resources
     * @param name      a resourceName, or null
     * @param why       what the reaper does with it
     */
    public record Permission(String verb, String group, String resource, String namespace, String name, String why) {

        /** As kubectl auth can-i takes it: {@code list pods -n default}. */
        public String text() {
            return verb + " " + (group.isEmpty() ? "" : group + "/") + resource + (name == null ? "" : "/" + name)
                    + (namespace == null ? " (cluster-wide)" : " -n " + namespace);
        }
    }

    /** Node Events go to this namespace (Nodes have none): deploy/kubernetes/role-node-events.yaml. */
    static final String NODE_EVENTS_NAMESPACE = "default";

    private RequiredAccess() {
    }

    /** @param ownNamespace the namespace the reaper runs in, for the Lease when none is configured */
    public static List<Permission> of(ReaperSettings settings, String ownNamespace) {
        List<Permission> needed = new ArrayList<>();
        String workers = settings.alluxio().workersNamespace();
        needed.add(new Permission("list", "", "nodes", null, null, "find NotReady nodes"));
        if (settings.cycle().detection() == CycleSettings.Detection.WATCH) {
            needed.add(new Permission("watch", "", "nodes", null, null, "watch mode: act as soon as a node fails"));
        }
        needed.add(new Permission("list", "", "pods", workers, null, "find the worker pods"));
        if (settings.cycle().detection() == CycleSettings.Detection.WATCH) {
            needed.add(new Permission("watch", "", "pods", workers, null, "watch mode: keep the worker pods in memory"));
        }
        needed.add(new Permission("get", "", "pods", workers, null, "re-read a worker pod before removing it"));
        needed.add(new Permission("delete", "", "pods", workers, null, "force-delete a dead worker's pod"));
        if (settings.kubernetes().events()) {
            for (String namespace : new String[] {workers, NODE_EVENTS_NAMESPACE}) {
                needed.add(new Permission("create", "", "events", namespace, null, "record what was done and why"));
                needed.add(new Permission("patch", "", "events", namespace, null, "count a repeated Event"));
            }
        }
        String control = settings.control().namespace();
        needed.add(new Permission("get", "", "configmaps", control, settings.control().name(),
                "read the pause (" + ControlSettings.CONFIGMAP + ")"));
        needed.add(new Permission("patch", "", "configmaps", control, settings.control().name(),
                "keep the hourly removal window"));
        needed.add(new Permission("list", "", "configmaps", control, settings.control().name(),
                "keep the control ConfigMap in memory (listed by name)"));
        needed.add(new Permission("watch", "", "configmaps", control, settings.control().name(),
                "a pause applies at once"));
        LeaderElectionSettings election = settings.leaderElection();
        if (election.enabled()) {
            String namespace = election.namespace().orElse(ownNamespace);
            String lease = election.leaseName();
            needed.add(new Permission("get", "coordination.k8s.io", "leases", namespace, lease, "leader election"));
            needed.add(new Permission("update", "coordination.k8s.io", "leases", namespace, lease, "leader election"));
            needed.add(new Permission("create", "coordination.k8s.io", "leases", namespace, null, "leader election"));
            needed.add(new Permission("list", "", "pods", namespace, null, "leader election: the replicas' readiness"));
        }
        OptInSettings optIn = settings.optIn();
        if (optIn.terminatingEnabled() || optIn.localVolumesEnabled()) {
            needed.add(new Permission("list", "", "pods", null, null, "opt-in: pods on NotReady nodes"));
            needed.add(new Permission("delete", "", "pods", null, null, "opt-in: force-delete pods on NotReady nodes"));
        }
        if (optIn.localVolumesEnabled()) {
            needed.add(new Permission("list", "", "persistentvolumes", null, null, "opt-in: local volumes"));
            needed.add(new Permission("delete", "", "persistentvolumeclaims", null, null, "opt-in: release local PVCs"));
            needed.add(new Permission("patch", "", "persistentvolumeclaims", null, null, "opt-in: clear finalizers"));
        }
        if (optIn.nodeActionsEnabled()) {
            needed.add(new Permission("get", "", "nodes", null, null, "opt-in: read a node before acting on it"));
        }
        switch (optIn.nodeAction()) {
            case CORDON, OUT_OF_SERVICE_TAINT -> needed.add(new Permission("patch", "", "nodes", null, null,
                    "opt-in: reaper.node.action=" + optIn.nodeAction().name().toLowerCase(java.util.Locale.ROOT)));
            case DELETE -> needed.add(new Permission("delete", "", "nodes", null, null, "opt-in: reaper.node.action=delete"));
            case NONE -> { }
        }
        // the workers' namespace may be the node Events' or the Lease's: each permission once
        return List.copyOf(needed.stream().collect(java.util.stream.Collectors.toMap(Permission::text, p -> p,
                (first, again) -> first, java.util.LinkedHashMap::new)).values());
    }
}
