package io.offlineworkerreaper.kubernetes;


/**
 * A worker pod scheduled on a NotReady node (or, when an operator asks for its removal, on any node).
 *
 * @param identity what the pod can be known by in etcd (uid included, so that a replacement with the same name
 *                 is never deleted by mistake)
 * @param node     the node it runs on, as the cycle saw it (Ready=True when an operator asked for a pod on a
 *                 Ready node)
 * @param request  the operator's removal request on the pod ({@link RemovalRequest#ANNOTATION}), or null
 */
public record WorkerPod(PodIdentity identity, NotReadyNode node, RemovalRequest request) {

    public WorkerPod(PodIdentity identity, NotReadyNode node) {
        this(identity, node, null);
    }

    public String namespace() {
        return identity.namespace();
    }

    public String name() {
        return identity.name();
    }

    public String uid() {
        return identity.uid();
    }

    /** The address Alluxio's charts register the worker under: the pod IP, or the host IP with hostNetwork. */
    public String ip() {
        return identity.primaryAddress();
    }

    /** The pod's phase as the API reports it (often still Running on a dead node). */
    public String phase() {
        return identity.phase();
    }

    public String qualifiedName() {
        return identity.qualifiedName();
    }

    @Override
    public String toString() {
        return qualifiedName() + " on node " + node.name() + ", IP " + ip() + ", phase " + phase();
    }
}
