package io.offlineworkerreaper.kubernetes;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * What a worker pod can be known by in an Alluxio registration. Alluxio writes {@code alluxio.worker.hostname}
 * into {@code WorkerNetAddress.Host}: the charts set it from the pod IP, or the node IP with hostNetwork (the
 * Alluxio 2.x chart always the node IP, with the pod IP in {@code ContainerHost}); left unset, it is the
 * container's host name.
 *
 * <ul>
 * <li>{@link #ownAddresses()} belong to this pod alone: its pod IP and its names (pod name, spec.hostname). With
 * hostNetwork the pod IP is the node's, so only the names remain.</li>
 * <li>{@link #sharedAddresses()} belong to its node, and to every other pod there: the host IP, and with
 * hostNetwork the node name (the container's host name is then the node's).</li>
 * </ul>
 *
 * @param namespace   pod namespace
 * @param name        pod name
 * @param uid         pod uid
 * @param nodeName    spec.nodeName, or null when not scheduled
 * @param podIp       status.podIP, or null
 * @param hostIp      status.hostIP, or null
 * @param hostNetwork spec.hostNetwork
 * @param hostname    spec.hostname, or null
 * @param ports       the containerPort of every container
 * @param labels      metadata.labels
 * @param phase       status.phase, or Unknown
 */
public record PodIdentity(String namespace, String name, String uid, String nodeName, String podIp, String hostIp,
                          boolean hostNetwork, String hostname, Set<Integer> ports, Map<String, String> labels,
                          String phase) {

    public PodIdentity {
        ports = Set.copyOf(ports);
        labels = Map.copyOf(labels);
    }

    public static PodIdentity of(Pod pod) {
        var meta = pod.getMetadata();
        var spec = pod.getSpec();
        var status = pod.getStatus();
        Set<Integer> ports = new LinkedHashSet<>();
        if (spec != null && spec.getContainers() != null) {
            for (Container container : spec.getContainers()) {
                if (container.getPorts() != null) {
                    for (ContainerPort port : container.getPorts()) {
                        if (port.getContainerPort() != null) {
                            ports.add(port.getContainerPort());
                        }
                    }
                }
            }
        }
        return new PodIdentity(meta.getNamespace(), meta.getName(), meta.getUid(),
                spec == null ? null : blankToNull(spec.getNodeName()),
                status == null ? null : blankToNull(status.getPodIP()),
                status == null ? null : blankToNull(status.getHostIP()),
                spec != null && Boolean.TRUE.equals(spec.getHostNetwork()),
                spec == null ? null : blankToNull(spec.getHostname()), ports,
                meta.getLabels() == null ? Map.of() : meta.getLabels(),
                status == null || status.getPhase() == null ? "Unknown" : status.getPhase());
    }

    public String qualifiedName() {
        return namespace + "/" + name;
    }

    /** The address Alluxio's charts register the worker under: the pod IP, or the host IP with hostNetwork. */
    public String primaryAddress() {
        return hostNetwork ? hostIp : podIp;
    }

    /** Addresses no other pod has: the pod IP (not with hostNetwork), the pod name, spec.hostname. */
    public Set<String> ownAddresses() {
        Set<String> own = new LinkedHashSet<>();
        if (!hostNetwork && podIp != null) {
            own.add(podIp);
        }
        own.add(name.toLowerCase(Locale.ROOT));
        if (hostname != null) {
            own.add(hostname.toLowerCase(Locale.ROOT));
        }
        return own;
    }

    /** Addresses of the node, shared with its other pods: the host IP, and with hostNetwork the node name. */
    public Set<String> sharedAddresses() {
        Set<String> shared = new LinkedHashSet<>();
        if (hostIp != null) {
            shared.add(hostIp);
        }
        if (hostNetwork && podIp != null) {
            shared.add(podIp);
        }
        if (hostNetwork && nodeName != null) {
            shared.add(nodeName.toLowerCase(Locale.ROOT));
        }
        return shared;
    }

    /**
     * The forms an address in a registration may take for a name: as written, and its first DNS label (a
     * worker that registered {@code alluxio-worker-0.alluxio-worker.default.svc} is pod {@code alluxio-worker-0}).
     * IP addresses are compared whole.
     */
    public static Set<String> comparable(String address) {
        String lower = address.toLowerCase(Locale.ROOT);
        Set<String> forms = new LinkedHashSet<>();
        forms.add(lower);
        boolean ip = lower.indexOf(':') >= 0 || lower.chars().allMatch(c -> c == '.' || Character.isDigit(c));
        int dot = lower.indexOf('.');
        if (!ip && dot > 0) {
            forms.add(lower.substring(0, dot));
        }
        return forms;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    @Override
    public String toString() {
        return qualifiedName() + " on node " + nodeName + ", IP " + primaryAddress() + ", phase " + phase;
    }
}
