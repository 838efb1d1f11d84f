package io.offlineworkerreaper;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.utils.ResponseProvider;

/**
 * The API server's view of the pods on given nodes, where the fabric8 CRUD mock falls short: it answers
 * {@code GET /api/v1/pods?fieldSelector=spec.nodeName=<node>} with an empty list, and it cannot hold a
 * Terminating pod without finalizers (it deletes it at once), which is exactly what a pod on a dead node is.
 * The pods added here are served (list by node, get, delete) from this model, ahead of the CRUD store: a pod
 * the reaper deletes is gone, and each DELETE is recorded with its body (grace period).
 */
final class NodePodLists {

    private final Map<String, Pod> pods = new ConcurrentHashMap<>();
    private final List<String> deletes = new CopyOnWriteArrayList<>();
    private final KubernetesMockServer server;

    private NodePodLists(KubernetesMockServer server) {
        this.server = server;
    }

    static NodePodLists serve(KubernetesMockServer server, String... nodes) {
        NodePodLists lists = new NodePodLists(server);
        for (String node : nodes) {
            server.expect().get().withPath("/api/v1/pods?fieldSelector=spec.nodeName%3D" + node)
                    .andReply(200, request -> new PodListBuilder().withItems(lists.pods.values().stream()
                            .filter(p -> node.equals(p.getSpec().getNodeName())).toList()).build()).always();
        }
        return lists;
    }

    /** A pod on its node, Terminating since {@code since} (null: not Terminating). */
    void add(Pod pod, Instant since) {
        Pod shown = since == null ? pod : new PodBuilder(pod).editMetadata().withDeletionTimestamp(since.toString())
                .withDeletionGracePeriodSeconds(30L).endMetadata().build();
        String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
        pods.put(key, shown);
        String path = "/api/v1/namespaces/" + pod.getMetadata().getNamespace() + "/pods/" + pod.getMetadata().getName();
        server.expect().get().withPath(path).andReply(new Answer(key, false)).always();
        server.expect().delete().withPath(path).andReply(new Answer(key, true)).always();
    }

    boolean exists(String namespace, String name) {
        return pods.containsKey(namespace + "/" + name);
    }

    /** The bodies of the DELETE requests received, e.g. with "gracePeriodSeconds":0. */
    List<String> deletes() {
        return deletes;
    }

    private final class Answer implements ResponseProvider<Object> {
        private final String key;
        private final boolean delete;
        private Headers headers = Headers.builder().build();

        Answer(String key, boolean delete) {
            this.key = key;
            this.delete = delete;
        }

        @Override
        public int getStatusCode(RecordedRequest request) {
            return pods.containsKey(key) ? 200 : 404;
        }

        @Override
        public Object getBody(RecordedRequest request) {
            Pod pod = delete ? pods.remove(key) : pods.get(key);
            if (delete && pod != null) {
                deletes.add(key + " " + request.getUtf8Body());
            }
            return pod != null ? pod : new StatusBuilder().withStatus("Failure").withReason("NotFound").withCode(404)
                    .withMessage("pods \"" + key + "\" not found").build();
        }

        @Override
        public Headers getHeaders() {
            return headers;
        }

        @Override
        public void setHeaders(Headers headers) {
            this.headers = headers;
        }
    }
}
