package io.offlineworkerreaper.decision;


/**
 * One opt-in remediation step on a NotReady node: a stuck pod to force-delete, a node to cordon, taint or
 * delete (or to give back once Ready), a pod on a local volume to release. Planned by {@code optin.TerminatingPods},
 * {@code NodeActionPlanner} and {@code LocalVolumes}, carried out by {@code ClusterActionExecutor}.
 *
 * @param kind      what to do
 * @param namespace the pod's or PVC's namespace; null for a node action
 * @param name      the pod's name, or the node's for a node action
 * @param uid       the pod's uid, so that a replacement with the same name is never touched; null for nodes
 * @param node      the NotReady (or, for a revert, Ready again) node
 * @param pvc       the PersistentVolumeClaim, for the local-volume kinds; null otherwise
 * @param detail    one sentence: why
 */
public record Action(Kind kind, String namespace, String name, String uid, String node, String pvc, String detail) {

    /** The kinds of action, with the words their logs, notices and Events use. */
    public enum Kind {
        FORCE_DELETE_STUCK_POD("force-delete the pod stuck Terminating", "force-deleted", "StuckPodForceDeleted"),
        CORDON("cordon the node", "cordoned", "NodeCordoned"),
        TAINT_OUT_OF_SERVICE("taint the node out-of-service", "tainted node.kubernetes.io/out-of-service",
                "NodeOutOfServiceTainted"),
        DELETE_NODE("delete the Node object", "deleted", "NodeDeleted"),
        UNCORDON("uncordon the node, Ready again", "uncordoned", "NodeUncordoned"),
        REMOVE_OUT_OF_SERVICE_TAINT("remove the out-of-service taint, Ready again", "taint removed",
                "OutOfServiceTaintRemoved"),
        RELEASE_LOCAL_VOLUME("delete the local PVC and force-delete the pod", "PVC deleted, pod force-deleted",
                "LocalVolumeReleased"),
        CLEAR_PVC_FINALIZERS("clear the finalizers of the released PVC", "finalizers cleared", "PvcFinalizersCleared");

        private final String intent;
        private final String done;
        private final String reason;

        Kind(String intent, String done, String reason) {
            this.intent = intent;
            this.done = done;
            this.reason = reason;
        }

        public String intent() {
            return intent;
        }

        public String done() {
            return done;
        }

        /** The Kubernetes Event reason; in dry-run prefixed with DryRun. */
        public String reason(boolean dryRun) {
            return dryRun ? "DryRun" + reason : reason;
        }

        /** Gives a node back once it is Ready again (undoes a cordon or taint of the reaper's): never capped. */
        public boolean isRevert() {
            return this == UNCORDON || this == REMOVE_OUT_OF_SERVICE_TAINT;
        }

        /** The metric label: force_delete_stuck_pod, cordon, ... */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        boolean onNode() {
            return this == CORDON || this == TAINT_OUT_OF_SERVICE || this == DELETE_NODE || this == UNCORDON
                    || this == REMOVE_OUT_OF_SERVICE_TAINT;
        }
    }

    public static Action onNode(Kind kind, String node, String detail) {
        return new Action(kind, null, node, null, node, null, detail);
    }

    public static Action onPod(Kind kind, String namespace, String name, String uid, String node, String pvc, String detail) {
        return new Action(kind, namespace, name, uid, node, pvc, detail);
    }

    public boolean isNodeAction() {
        return kind.onNode();
    }

    /** "pod ns/name", "PVC ns/name of pod ns/name" or "node name", for logs and notices. */
    public String target() {
        if (isNodeAction()) {
            return "node " + name;
        }
        String pod = "pod " + namespace + "/" + name;
        if (pvc == null) {
            return pod;
        }
        return name == null ? "PVC " + namespace + "/" + pvc : "PVC " + namespace + "/" + pvc + " of " + pod;
    }

    /** Identifies the action across cycles (dry-run announces each once). */
    public String announcementKey() {
        return kind + ":" + namespace + "/" + name + "/" + uid + "/" + pvc;
    }

    @Override
    public String toString() {
        return kind.intent() + ": " + target() + " on node " + node + " (" + detail + ")";
    }
}
