import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import alluxio.conf.Configuration;
import alluxio.conf.InstancedConfiguration;
import alluxio.conf.PropertyKey;
import alluxio.membership.EtcdMembershipManager;
import alluxio.membership.WorkerClusterView;
import alluxio.wire.WorkerIdentity;
import alluxio.wire.WorkerInfo;
import alluxio.wire.WorkerNetAddress;

/**
 * A worker's membership as Alluxio runs it, with Alluxio's own code (EtcdMembershipManager) of one release; compiled
 * and run by the reaper's tests (AlluxioReleases) in a JVM of its own, on that release's class path only.
 * <pre>
 *   join ENDPOINT CLUSTER UUID HOST   registers the worker, prints "joined", then heartbeats until killed
 *   view ENDPOINT CLUSTER             prints "all ...", "live ...", "failed ..." (Host:RpcPort, sorted)
 *   write ENDPOINT - C|UUID|HOST|CONTAINERHOST...  joins each worker (cluster C) and exits, its heartbeats left to
 *                                     expire: what stays is each /DHT value as this release writes it
 * </pre>
 */
public final class AlluxioMember {

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable e) { // Alluxio's and gRPC's threads would keep the JVM alive
            e.printStackTrace(System.out);
            System.out.flush();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        InstancedConfiguration conf = Configuration.modifiableGlobal();
        conf.set(PropertyKey.ETCD_ENDPOINTS, args[1]);
        conf.set(PropertyKey.ALLUXIO_CLUSTER_NAME, args[2]);
        String timeout = System.getProperty("failure.detection.timeout");
        if (timeout != null && PropertyKey.isValid("alluxio.worker.failure.detection.timeout")) {
            conf.set(PropertyKey.fromString("alluxio.worker.failure.detection.timeout"), timeout); // 308: fixed 2 s
        }
        EtcdMembershipManager membership = EtcdMembershipManager.create(conf);
        switch (args[0]) {
            case "join" -> {
                membership.join(worker(args[3], args[4], ""));
                System.out.println("joined");
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE);
            }
            case "write" -> {
                for (int i = 3; i < args.length; i++) {
                    String[] f = args[i].split("\\|", -1);
                    conf.set(PropertyKey.ALLUXIO_CLUSTER_NAME, f[0]);
                    EtcdMembershipManager.create(conf).join(worker(f[1], f[2], f[3]));
                }
                System.out.println("joined");
                System.out.flush();
                System.exit(0);
            }
            case "view" -> {
                System.out.println("all " + hosts(membership.getAllMembers()));
                System.out.println("live " + hosts(membership.getLiveMembers()));
                System.out.println("failed " + hosts(membership.getFailedMembers()));
                System.out.flush();
                System.exit(0);
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /** A worker as Alluxio's worker process describes itself when it joins. */
    private static WorkerInfo worker(String uuid, String host, String containerHost) {
        WorkerIdentity identity = WorkerIdentity.ParserV1.INSTANCE.fromUUID(UUID.fromString(uuid));
        return new WorkerInfo().setIdentity(identity).setAddress(new WorkerNetAddress().setHost(host)
                .setContainerHost(containerHost).setRpcPort(29999).setDataPort(29997).setWebPort(30000));
    }

    private static String hosts(WorkerClusterView view) {
        List<String> hosts = view.stream().map(w -> w.getAddress().getHost() + ":" + w.getAddress().getRpcPort())
                .sorted().collect(Collectors.toList());
        return String.join(",", hosts);
    }
}
