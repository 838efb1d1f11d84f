package io.offlineworkerreaper.optin;

import java.util.Map;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.offlineworkerreaper.demo.ClusterObjects;

/** Local volumes as a local-path provisioner makes them: a PV pinned to a node, its bound PVC, a pod using it. */
public final class LocalVolumeObjects {

    private LocalVolumeObjects() {
    }

    /** A PV of {@code storageClass}, pinned to {@code node} by node affinity (null: not pinned, network storage). */
    public static PersistentVolume volume(String name, String storageClass, String node) {
        PersistentVolumeBuilder pv = new PersistentVolumeBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withStorageClassName(storageClass).addToCapacity("storage", new Quantity("10Gi"))
                .withNewHostPath().withPath("/var/local-path-provisioner/" + name).endHostPath().endSpec();
        if (node != null) {
            pv.editSpec().withNewNodeAffinity().withNewRequired().addNewNodeSelectorTerm().addNewMatchExpression()
                    .withKey("kubernetes.io/hostname").withOperator("In").withValues(node).endMatchExpression()
                    .endNodeSelectorTerm().endRequired().endNodeAffinity().endSpec();
        }
        return pv.build();
    }

    public static PersistentVolumeClaim claim(String namespace, String name, String volume, String storageClass) {
        return new PersistentVolumeClaimBuilder().withNewMetadata().withNamespace(namespace).withName(name)
                .addToFinalizers("kubernetes.io/pvc-protection").endMetadata()
                .withNewSpec().withStorageClassName(storageClass).withVolumeName(volume).endSpec()
                .withNewStatus().withPhase("Bound").endStatus().build();
    }

    public static Pod podWith(String namespace, String name, String node, String claim, Map<String, String> labels) {
        return new PodBuilder(ClusterObjects.pod(namespace, name, node, "10.244.9.7", labels)).editSpec()
                .addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName(claim)
                .endPersistentVolumeClaim().endVolume().endSpec().build();
    }
}
