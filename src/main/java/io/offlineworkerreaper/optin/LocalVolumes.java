package io.offlineworkerreaper.optin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.offlineworkerreaper.decision.Action;
import io.offlineworkerreaper.decision.OptOut;
import io.offlineworkerreaper.kubernetes.NotReadyNode;
import io.offlineworkerreaper.settings.Durations;

/**
 * Which pods on NotReady nodes are held there by a local volume: a PVC bound to a PersistentVolume whose node
 * affinity pins it to that node (local or local-path storage), of a storage class in
 * {@code reaper.local-volumes.storage-classes}. Releasing one (PVC deleted, pod force-deleted) lets its
 * StatefulSet recreate both elsewhere and abandons the data on the dead node. A released PVC that stays
 * Terminating past {@code reaper.local-volumes.clear-finalizers-after} gets its finalizers cleared.
 * Alluxio worker pods, DaemonSet pods and opted-out pods or PVCs are never touched.
 */
public final class LocalVolumes {

    static final String HOSTNAME = "kubernetes.io/hostname";

    /** What the cluster holds that matters here: pods on the NotReady nodes, all PVCs, all PVs. */
    public record View(List<Pod> pods, List<PersistentVolumeClaim> claims, List<PersistentVolume> volumes) {
    }

    private final OptInSettings settings;
    private final SparedPods spared;
    private final Clock clock;

    public LocalVolumes(OptInSettings settings, SparedPods spared, Clock clock) {
        this.settings = settings;
        this.spared = spared;
        this.clock = clock;
    }

    public List<Action> select(View view, List<NotReadyNode> notReady) {
        Set<String> nodes = notReady.stream().map(NotReadyNode::name).collect(Collectors.toSet());
        Map<String, PersistentVolume> volumes = view.volumes().stream()
                .collect(Collectors.toMap(v -> v.getMetadata().getName(), Function.identity(), (a, b) -> a));
        Map<String, PersistentVolumeClaim> claims = view.claims().stream().collect(Collectors.toMap(
                c -> c.getMetadata().getNamespace() + "/" + c.getMetadata().getName(), Function.identity(), (a, b) -> a));
        List<Action> actions = new ArrayList<>();
        for (Pod pod : view.pods()) {
            String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
            if (node == null || !nodes.contains(node) || spared.reason(pod) != null) {
                continue;
            }
            String namespace = pod.getMetadata().getNamespace();
            for (Volume volume : pod.getSpec().getVolumes()) {
                if (volume.getPersistentVolumeClaim() == null) {
                    continue;
                }
                PersistentVolumeClaim claim = claims.get(namespace + "/" + volume.getPersistentVolumeClaim().getClaimName());
                PersistentVolume pv = claim == null || claim.getSpec().getVolumeName() == null ? null
                        : volumes.get(claim.getSpec().getVolumeName());
                if (claim == null || pv == null || OptOut.isExcluded(claim) || !pinnedTo(pv, node)
                        || !allowedClass(claim, pv) || claim.getMetadata().getDeletionTimestamp() != null) {
                    continue;
                }
                actions.add(Action.onPod(Action.Kind.RELEASE_LOCAL_VOLUME, namespace, pod.getMetadata().getName(),
                        pod.getMetadata().getUid(), node, claim.getMetadata().getName(),
                        "PVC bound to " + storageClass(claim, pv) + " volume " + pv.getMetadata().getName()
                                + " on NotReady node " + node + "; its data there is abandoned"));
            }
        }
        Instant now = clock.instant();
        for (PersistentVolumeClaim claim : view.claims()) {
            PersistentVolume pv = claim.getSpec().getVolumeName() == null ? null : volumes.get(claim.getSpec().getVolumeName());
            String node = pv == null ? null : nodes.stream().filter(n -> pinnedTo(pv, n)).findFirst().orElse(null);
            if (node == null || claim.getMetadata().getDeletionTimestamp() == null
                    || claim.getMetadata().getFinalizers().isEmpty() || OptOut.isExcluded(claim) || !allowedClass(claim, pv)) {
                continue;
            }
            Duration stuck;
            try {
                stuck = Duration.between(Instant.parse(claim.getMetadata().getDeletionTimestamp()), now);
            } catch (DateTimeParseException e) {
                continue;
            }
            if (stuck.compareTo(settings.pvcFinalizersAfter()) >= 0) {
                actions.add(new Action(Action.Kind.CLEAR_PVC_FINALIZERS, claim.getMetadata().getNamespace(), null,
                        claim.getMetadata().getUid(), node, claim.getMetadata().getName(),
                        "Terminating for " + Durations.humanize(stuck) + " with finalizers "
                                + claim.getMetadata().getFinalizers() + "; its volume is on NotReady node " + node));
            }
        }
        return actions;
    }

    private boolean allowedClass(PersistentVolumeClaim claim, PersistentVolume pv) {
        return settings.localVolumeStorageClasses().contains(storageClass(claim, pv));
    }

    private static String storageClass(PersistentVolumeClaim claim, PersistentVolume pv) {
        String c = pv.getSpec().getStorageClassName();
        return c != null ? c : String.valueOf(claim.getSpec().getStorageClassName());
    }

    /** Whether the PV's required node affinity pins it to exactly this node by hostname. */
    static boolean pinnedTo(PersistentVolume pv, String node) {
        if (pv.getSpec().getNodeAffinity() == null || pv.getSpec().getNodeAffinity().getRequired() == null) {
            return false;
        }
        return pv.getSpec().getNodeAffinity().getRequired().getNodeSelectorTerms().stream()
                .flatMap(t -> t.getMatchExpressions().stream())
                .anyMatch(e -> pins(e, node));
    }

    private static boolean pins(NodeSelectorRequirement e, String node) {
        return HOSTNAME.equals(e.getKey()) && "In".equals(e.getOperator()) && e.getValues().equals(List.of(node));
    }
}
