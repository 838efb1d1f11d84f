package io.offlineworkerreaper.alluxio;

import java.util.ArrayList;
import java.util.List;

/**
 * One Alluxio worker entry read from etcd, in whichever form the Alluxio version wrote it.
 *
 * @param id            the worker id, the last segment of the key ({@code worker-<uuid>}, or an MD5 hex in
 *                      earlier 3.x builds)
 * @param key           the full etcd key
 * @param host          {@code WorkerNetAddress.Host}: the pod IP, the node IP, or a host name; null when absent
 * @param containerHost {@code WorkerNetAddress.ContainerHost}: the pod IP in the Alluxio 2.x chart form; null
 *                      when absent or empty
 * @param rpcPort       {@code WorkerNetAddress.RpcPort}, or 0 when absent
 * @param problem       why the value could not be read (binary early-Dora form, garbage, no address), or null
 *                      when it was read. An entry with a problem is never matched to a pod, and never ignored
 */
public record WorkerEntry(String id, String key, String host, String containerHost, int rpcPort, String problem) {

    /** A readable entry. */
    public static WorkerEntry of(String id, String key, String host, String containerHost, int rpcPort) {
        return new WorkerEntry(id, key, host, containerHost, rpcPort, null);
    }

    /** An entry whose value could not be read. */
    public static WorkerEntry unreadable(String id, String key, String problem) {
        return new WorkerEntry(id, key, null, null, 0, problem);
    }

    public boolean readable() {
        return problem == null;
    }

    /** The addresses the worker registered under: Host, then ContainerHost, those that are set. */
    public List<String> addresses() {
        List<String> addresses = new ArrayList<>(2);
        if (host != null) {
            addresses.add(host);
        }
        if (containerHost != null) {
            addresses.add(containerHost);
        }
        return addresses;
    }

    /** For messages: "Host 172.18.0.5, ContainerHost 10.244.4.5, RpcPort 29999", or the problem. */
    public String addressText() {
        if (!readable()) {
            return "unreadable value: " + problem;
        }
        return "Host " + (host == null ? "(none)" : host)
                + (containerHost == null ? "" : ", ContainerHost " + containerHost)
                + (rpcPort > 0 ? ", RpcPort " + rpcPort : "");
    }
}
