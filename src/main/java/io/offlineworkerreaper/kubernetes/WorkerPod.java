package io.offlineworkerreaper.kubernetes;


/**
 * A worker pod scheduled on a NotReady node.
 *
 * @param identity what the pod can be known by in etcd (uid included, so that a replacement with the same name
 *                 is never deleted by mistake)
 * @param node     the NotReady node it runs on
 */
public record WorkerPod(PodIdentity identity, NotReadyNode node) {

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
