package io.offlineworkerreaper.observe;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.offlineworkerreaper.decision.Action;
import io.offlineworkerreaper.decision.Remediation;
import io.offlineworkerreaper.decision.SafetyGate;
import io.offlineworkerreaper.kubernetes.PodReaper;
import io.offlineworkerreaper.kubernetes.WorkerPod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a Kubernetes Event (type Warning, source offline-worker-reaper) on the Node and on the Pod for every
 * remediation and every refusal, so that {@code kubectl describe} and event exporters show what happened. The
 * same event on the same object is counted up with a patch, as kubelet does, instead of piling up new ones; a
 * refusal that lasts is recorded when it starts and counted up once when it ends ({@link OutcomeRecorder}), so a long one
 * costs the API server two requests, not one per cycle.
 * Recording is best effort: a failure is logged and counted, and never stops a remediation.
 */
public final class KubernetesEvents {

    public static final String REMOVED = "OfflineWorkerRemoved";
    public static final String WOULD_ACT = "OfflineWorkerWouldBeRemoved";
    public static final String REFUSED = "RemediationRefused";
    public static final String COMPONENT = "offline-worker-reaper";
    static final String UNFENCED = "NodeActionRefused";
    private static final int MAX_COUNTED = 10_000;
    /** Node events go to the default namespace, where kubelet puts them and kubectl describe node finds them. */
    static final String NODE_EVENTS_NAMESPACE = "default";

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesEvents.class);

    private final KubernetesClient client;
    private final boolean enabled;
    private final String instance;
    private final Clock clock;
    private final ReaperMetrics metrics;
    /** The count of each Event this process recorded, the least recently used dropped past 10,000. */
    private final Map<String, Integer> counts = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                    return size() > MAX_COUNTED;
                }
            });

    public KubernetesEvents(KubernetesClient client, boolean enabled, String instance, Clock clock,
                            ReaperMetrics metrics) {
        this.client = client;
        this.enabled = enabled;
        this.instance = instance;
        this.clock = clock;
        this.metrics = metrics;
    }

    void removed(Remediation r, PodReaper.Outcome podOutcome, boolean dryRun) {
        String message = dryRun
                ? "Dry-run: would delete Alluxio worker " + r.workerIdText() + " (etcd keys " + r.keys()
                        + ") and force-delete pod " + r.pod().qualifiedName() + " on NotReady node " + r.pod().node().name()
                : "Removed offline Alluxio worker " + r.workerIdText() + ": deleted etcd keys " + r.keys()
                        + ", pod " + r.pod().qualifiedName() + " " + podOutcome + " on NotReady node " + r.pod().node().name();
        if (r.request() != null) {
            message += "; asked by " + r.request().requestedBy() + ": " + r.request().reason()
                    + (r.bypassed().isEmpty() ? "" : "; bypassed: " + String.join("; ", r.bypassed()));
        }
        String reason = dryRun ? WOULD_ACT : REMOVED;
        record(podRef(r.pod()), reason, message);
        record(nodeRef(r.pod().node().name()), reason, message);
    }

    void refused(Remediation r) {
        String message = refusal(r);
        record(podRef(r.pod()), REFUSED, message);
        record(nodeRef(r.pod().node().name()), REFUSED, message);
    }

    /** A refusal that held for {@code cycles} cycles ended: its Events are counted up to that, once. */
    void refusalEnded(Remediation r, long cycles) {
        String message = refusal(r) + " (held for " + cycles + " cycles, no longer)";
        countTo(podRef(r.pod()), REFUSED, message, cycles);
        countTo(nodeRef(r.pod().node().name()), REFUSED, message, cycles);
    }

    private static String refusal(Remediation r) {
        return "Left pod " + r.pod().qualifiedName() + " alone (" + r.verdict() + "): " + r.detail();
    }

    void acted(Action a, String outcome, boolean dryRun) {
        String message = (dryRun ? "Dry-run: would " + a.kind().intent() : "Did " + a.kind().intent() + ": " + outcome)
                + " (" + a.target() + "): " + a.detail();
        if (!a.isNodeAction() && a.name() != null) {
            record(new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod").withNamespace(a.namespace())
                    .withName(a.name()).withUid(a.uid()).build(), a.kind().reason(dryRun), message);
        }
        record(nodeRef(a.node()), a.kind().reason(dryRun), message);
    }

    void unfenced(Action a, String detail) {
        record(nodeRef(a.node()), UNFENCED, unfencedMessage(a, detail));
    }

    /** A node action refused for {@code cycles} cycles is no longer: its Event is counted up to that, once. */
    void unfencedEnded(Action a, String detail, long cycles) {
        countTo(nodeRef(a.node()), UNFENCED, unfencedMessage(a, detail) + " (for " + cycles + " cycles, no longer)",
                cycles);
    }

    private static String unfencedMessage(Action a, String detail) {
        return "Not going to " + a.kind().intent() + ": the node could not be proven off: " + detail;
    }

    /** Counts an Event this process recorded up to {@code total}, if that is more than it has. */
    private void countTo(ObjectReference involved, String reason, String message, long total) {
        if (!enabled) {
            return;
        }
        String namespace = namespaceOf(involved);
        String name = nameOf(involved, reason);
        Integer previous = counts.get(name);
        if (previous == null || previous >= total) {
            return;
        }
        try {
            count(namespace, name, (int) Math.min(Integer.MAX_VALUE, total), message,
                    clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        } catch (KubernetesClientException e) {
            metrics.failed(false, e, null);
            LOG.warn("Could not count up Event {} on {} {}: {}", reason, involved.getKind(), involved.getName(),
                    e.getMessage());
        }
    }

    private static String namespaceOf(ObjectReference involved) {
        return involved.getNamespace() == null ? NODE_EVENTS_NAMESPACE : involved.getNamespace();
    }

    private static String nameOf(ObjectReference involved, String reason) {
        return involved.getName() + "." + digest(involved.getKind() + "/" + involved.getName() + "/"
                + involved.getUid() + "/" + reason);
    }

    void breakerOpen(SafetyGate.Admission admission) {
        String message = "Not remediating: " + admission.reason();
        admission.notReady().forEach(node -> record(nodeRef(node), REFUSED, message));
    }

    private void record(ObjectReference involved, String reason, String message) {
        if (!enabled) {
            return;
        }
        String namespace = namespaceOf(involved);
        String name = nameOf(involved, reason);
        // metav1.Time: RFC 3339 to the second, as the API server writes it
        String now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        try {
            Integer previous = counts.get(name);
            if (previous == null) {
                client.v1().events().inNamespace(namespace).resource(event(name, namespace, involved, reason, message,
                        now)).create();
                counts.put(name, 1);
                LOG.info("Event {} recorded on {} {}", reason, involved.getKind(), involved.getName());
            } else {
                count(namespace, name, previous + 1, message, now);
                LOG.debug("Event {} on {} {} counted up to {}", reason, involved.getKind(), involved.getName(),
                        previous + 1);
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) { // recorded by an earlier run of the reaper: count it up
                try {
                    count(namespace, name, 2, message, now);
                    return;
                } catch (KubernetesClientException again) {
                    e = again;
                }
            }
            metrics.failed(false, e, null);
            LOG.warn("Could not record Event {} on {} {} (the remediation is not affected): {}", reason,
                    involved.getKind(), involved.getName(), e.getMessage());
        }
    }

    private void count(String namespace, String name, int count, String message, String now) {
        Event patch = new EventBuilder().withCount(count).withLastTimestamp(now).withMessage(shorten(message)).build();
        client.v1().events().inNamespace(namespace).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE),
                io.fabric8.kubernetes.client.utils.Serialization.asJson(patch));
        counts.put(name, count);
    }

    private Event event(String name, String namespace, ObjectReference involved, String reason, String message,
                        String now) {
        return new EventBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withInvolvedObject(involved).withType("Warning").withReason(reason)
                .withMessage(shorten(message))
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT).withReportingInstance(instance)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1).build();
    }

    private static String shorten(String message) {
        return message.length() > 1024 ? message.substring(0, 1021) + "..." : message;
    }

    private static ObjectReference podRef(WorkerPod pod) {
        return new ObjectReferenceBuilder().withApiVersion("v1").withKind("Pod").withNamespace(pod.namespace())
                .withName(pod.name()).withUid(pod.uid()).build();
    }

    private static ObjectReference nodeRef(String node) {
        // kubelet's own node events use the node name as uid
        return new ObjectReferenceBuilder().withApiVersion("v1").withKind("Node").withName(node).withUid(node).build();
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
