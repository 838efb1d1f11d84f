package io.offlineworkerreaper;

/**
 * A worker pod scheduled on a NotReady node.
 *
 * @param namespace pod namespace
 * @param name      pod name
 * @param uid       pod uid, so that a replacement with the same name is never deleted by mistake
 * @param ip        the address Alluxio registers the worker under: the pod IP, or the host IP with hostNetwork
 * @param phase     the pod's phase as the API reports it (often still Running on a dead node)
 * @param node      the NotReady node it runs on
 */
public record WorkerPod(String namespace, String name, String uid, String ip, String phase, NotReadyNode node) {

    public String qualifiedName() {
        return namespace + "/" + name;
    }

    @Override
    public String toString() {
        return qualifiedName() + " on node " + node.name() + ", IP " + ip + ", phase " + phase;
    }
}
