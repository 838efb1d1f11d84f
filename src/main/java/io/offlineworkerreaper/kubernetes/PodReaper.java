package io.offlineworkerreaper.kubernetes;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Preconditions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.URLUtils;
import io.offlineworkerreaper.text.Untrusted;

/**
 * Force-deletes a worker pod (grace period 0), the way {@code kubectl delete pod --grace-period=0 --force}
 * does. Camel's kubernetes-pods {@code deletePod} cannot set a grace period, so this one call lives here.
 * The pod is re-read first: a pod that is gone counts as done, and a pod re-created under the same name
 * (a StatefulSet replacement, a different uid) is never deleted; the delete itself carries the uid as a
 * precondition, and with leader election this replica confirms it still holds the Lease right before it.
 */
public final class PodReaper {

    /** What happened to the pod. */
    public enum Outcome {
        DELETED("force-deleted"),
        ALREADY_GONE("already gone"),
        REPLACED("already replaced by a new pod with the same name, left alone");

        private final String text;

        Outcome(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private final KubernetesClient client;
    private final LeaseGuard lease;

    public PodReaper(KubernetesClient client) {
        this(client, LeaseGuard.STANDALONE);
    }

    /** {@code lease}: checked right before each delete (leader election). */
    public PodReaper(KubernetesClient client, LeaseGuard lease) {
        this.client = client;
        this.lease = lease;
    }

    /**
     * Why the pod a cycle decided on is no longer that pod, re-read from the API server before its worker's keys
     * are deleted (the decision may come from the watch mode's cache): null while it is the same pod (same uid,
     * same node), or gone (then only its dead worker's keys are left to remove); otherwise what changed.
     */
    public String changedSinceRead(WorkerPod target) {
        Pod current = client.pods().inNamespace(target.namespace()).withName(target.name()).get();
        if (current == null) {
            return null;
        }
        if (target.uid() != null && !target.uid().equals(current.getMetadata().getUid())) {
            return "pod " + target.qualifiedName() + " was replaced by a new pod (uid " + current.getMetadata().getUid()
                    + ") since the cycle read it";
        }
        String node = current.getSpec() == null ? null : current.getSpec().getNodeName();
        if (node != null && !node.equals(target.node().name())) {
            return "pod " + target.qualifiedName() + " is on node " + node + ", not " + target.node().name();
        }
        return null;
    }

    public Outcome forceDelete(WorkerPod target) {
        return forceDelete(target.namespace(), target.name(), target.uid());
    }

    /**
     * Force-deletes this pod if it is still the one with this uid (any pod when uid is null). The delete carries
     * the uid as a precondition, so that the API server itself refuses it (409) if the pod was replaced between the
     * read and the delete: a pod re-created under the same name is never the one deleted.
     */
    public Outcome forceDelete(String namespace, String name, String uid) {
        PodResource resource = client.pods().inNamespace(namespace).withName(name);
        Pod current = resource.get();
        if (current == null) {
            return Outcome.ALREADY_GONE;
        }
        String expected = uid != null ? uid : current.getMetadata().getUid();
        if (expected != null && !expected.equals(current.getMetadata().getUid())) {
            return Outcome.REPLACED;
        }
        lease.confirm("force-delete pod " + namespace + "/" + name);
        return delete(namespace, name, expected);
    }

    /** DELETE with gracePeriodSeconds 0 and, when known, preconditions.uid (which fabric8's delete cannot send). */
    private Outcome delete(String namespace, String name, String uid) {
        DeleteOptions options = new DeleteOptionsBuilder().withApiVersion("v1").withKind("DeleteOptions")
                .withGracePeriodSeconds(0L).withPreconditions(uid == null ? null : new Preconditions(null, uid))
                .build();
        HttpClient http = client.getHttpClient();
        String url = URLUtils.join(client.getMasterUrl().toString(), "api", "v1", "namespaces", namespace, "pods",
                name);
        HttpRequest request = http.newHttpRequestBuilder().uri(url)
                .method("DELETE", "application/json", client.getKubernetesSerialization().asJson(options)).build();
        HttpResponse<String> response;
        try {
            response = http.sendAsync(request, String.class).get(client.getConfiguration().getRequestTimeout(),
                    TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubernetesClientException("interrupted while deleting pod " + namespace + "/" + name, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KubernetesClientException("cannot delete pod " + namespace + "/" + name + ": " + e.getMessage(),
                    e);
        }
        int code = response.code();
        if (code == 404) {
            return Outcome.ALREADY_GONE;
        }
        if (code == 409) {
            return Outcome.REPLACED; // the uid precondition failed: a new pod has that name now
        }
        if (code < 200 || code > 299) {
            throw new KubernetesClientException("Failure executing: DELETE at: " + url + ". Received status: " + code
                    + ". " + Untrusted.line(response.body(), 512), code, null);
        }
        return Outcome.DELETED;
    }
}
