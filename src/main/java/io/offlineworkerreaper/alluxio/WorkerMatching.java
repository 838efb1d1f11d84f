package io.offlineworkerreaper.alluxio;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.offlineworkerreaper.kubernetes.PodIdentity;

/**
 * Which worker pod each Alluxio registration belongs to, over every registration form real deployments write.
 *
 * <p>A registration belongs to a pod when its {@code Host} or {@code ContainerHost} is one of the pod's
 * addresses ({@link PodIdentity}). A match on an address of the pod alone (pod IP, pod name) wins over a
 * match on an address of its node (host IP, node name): in the Alluxio 2.x chart form {@code Host} is the node
 * IP and {@code ContainerHost} the pod IP, and only the latter says which pod. Where several pods still match
 * (hostNetwork pods share the node's address), the registration's {@code RpcPort} must be one of the pod's
 * container ports. A registration is read under both of its keys: its owners are those of either value.
 *
 * <p>A live heartbeat (a {@code /ServiceDiscovery} key) that belongs to no worker pod is <em>unaccounted</em>:
 * a worker is alive somewhere the reaper cannot see, possibly in a pod it would take for unregistered.
 */
public final class WorkerMatching {

    /**
     * One worker as etcd knows it, under one id.
     *
     * @param id         the worker id
     * @param authorized its /DHT/.../AUTHORIZED entry, or null
     * @param heartbeat  its /ServiceDiscovery entry (present while its lease lives), or null
     * @param owners     the uids of the worker pods it belongs to (empty: none; several: cannot tell which)
     */
    public record Registration(String id, WorkerEntry authorized, WorkerEntry heartbeat, List<String> owners) {

        public Registration {
            owners = List.copyOf(owners);
        }

        public boolean live() {
            return heartbeat != null;
        }

        /** Readable under at least one of its keys. */
        public boolean readable() {
            return (authorized != null && authorized.readable()) || (heartbeat != null && heartbeat.readable());
        }

        /** The entry to describe it by: the heartbeat's if readable, else the authorized one's. */
        public WorkerEntry entry() {
            if (heartbeat != null && (heartbeat.readable() || authorized == null)) {
                return heartbeat;
            }
            return authorized;
        }

        /** Its keys in deletion order: the heartbeat first (clients stop routing to it), then /DHT. */
        public List<String> keys() {
            List<String> keys = new ArrayList<>(2);
            if (heartbeat != null) {
                keys.add(heartbeat.key());
            }
            if (authorized != null) {
                keys.add(authorized.key());
            }
            return keys;
        }

        @Override
        public String toString() {
            return id + " (" + entry().addressText() + (live() ? ", heartbeating" : ", lease expired") + ")";
        }
    }

    private final List<PodIdentity> pods;
    private final List<Registration> registrations;
    private final boolean registryEmpty;

    private WorkerMatching(List<PodIdentity> pods, List<Registration> registrations, boolean registryEmpty) {
        this.pods = List.copyOf(pods);
        this.registrations = List.copyOf(registrations);
        this.registryEmpty = registryEmpty;
    }

    /** Matches every registration under both prefixes to {@code pods}: all the worker pods, on any node. */
    public static WorkerMatching match(List<PodIdentity> pods, WorkerRegistry authorized, WorkerRegistry heartbeats) {
        return match(pods, authorized, heartbeats, new Memo());
    }

    /**
     * The same, reusing what {@code memo} kept of the previous matching: the address index while the pods are
     * the same objects, and each registration while both of its entries are the same objects. In watch mode both
     * come from the caches unchanged from one cycle to the next, so a cycle works out only what changed, not
     * 10,000 registrations against 5,000 pods.
     */
    public static WorkerMatching match(List<PodIdentity> pods, WorkerRegistry authorized, WorkerRegistry heartbeats,
                                       Memo memo) {
        Map<String, WorkerEntry[]> byId = new LinkedHashMap<>();
        authorized.entries().forEach(e -> byId.computeIfAbsent(e.id(), id -> new WorkerEntry[2])[0] = e);
        heartbeats.entries().forEach(e -> byId.computeIfAbsent(e.id(), id -> new WorkerEntry[2])[1] = e);
        memo.use(pods);
        List<Registration> registrations = new ArrayList<>();
        byId.forEach((id, entries) -> registrations.add(memo.registration(id, entries[0], entries[1])));
        memo.forgetUnused();
        return new WorkerMatching(pods, registrations, authorized.isEmpty() && heartbeats.isEmpty());
    }

    /** What one matching leaves to the next (see {@link #match(List, WorkerRegistry, WorkerRegistry, Memo)}). */
    public static final class Memo {
        private List<PodIdentity> pods = List.of();
        private Addresses index = new Addresses(List.of());
        /** The last matching's registrations by id, while the pods are the same. */
        private Map<String, Registration> registrations = new java.util.HashMap<>();
        private Map<String, Registration> used = new java.util.HashMap<>();
        private WorkerRegistry lastAuthorized;
        private WorkerRegistry lastHeartbeats;
        private WorkerMatching last;

        /**
         * The last matching itself when nothing changed since (the same registry objects, the watches' copies, and
         * the same pods); otherwise a new one, with what this memo kept.
         */
        public WorkerMatching matching(List<PodIdentity> pods, WorkerRegistry authorized, WorkerRegistry heartbeats) {
            if (last == null || authorized != lastAuthorized || heartbeats != lastHeartbeats
                    || !sameObjects(this.pods, pods)) {
                last = match(pods, authorized, heartbeats, this);
                lastAuthorized = authorized;
                lastHeartbeats = heartbeats;
            }
            return last;
        }

        void use(List<PodIdentity> now) {
            if (!sameObjects(pods, now)) {
                pods = now;
                index = new Addresses(now);
                registrations = new java.util.HashMap<>();
            }
            used = new java.util.HashMap<>();
        }

        /** The registration of the last matching when both of its entries are the same objects; a new one else. */
        Registration registration(String id, WorkerEntry authorized, WorkerEntry heartbeat) {
            Registration known = registrations.get(id);
            Registration registration = known != null && known.authorized() == authorized
                    && known.heartbeat() == heartbeat ? known
                    : new Registration(id, authorized, heartbeat, WorkerMatching.owners(authorized, heartbeat, index));
            used.put(id, registration);
            return registration;
        }

        /** Keeps only the registrations of this matching: one deleted from etcd is not held on to. */
        void forgetUnused() {
            registrations = used;
        }

        private static boolean sameObjects(List<PodIdentity> a, List<PodIdentity> b) {
            if (a == b) {
                return true;
            }
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i) != b.get(i)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The same registrations matched to other pods (e.g. every pod of the namespace, whatever its labels). */
    public WorkerMatching withPods(List<PodIdentity> others) {
        Addresses index = new Addresses(others);
        return new WorkerMatching(others, registrations.stream().map(r -> new Registration(r.id(), r.authorized(),
                r.heartbeat(), owners(r.authorized(), r.heartbeat(), index))).toList(), registryEmpty);
    }

    /** The owners of a worker: those of each of its readable values. */
    private static List<String> owners(WorkerEntry authorized, WorkerEntry heartbeat, Addresses pods) {
        Set<String> owners = new LinkedHashSet<>();
        for (WorkerEntry entry : new WorkerEntry[] {authorized, heartbeat}) {
            if (entry != null && entry.readable()) {
                owners.addAll(pods.owners(entry));
            }
        }
        return List.copyOf(owners);
    }

    /** The uids of the pods one readable entry belongs to, by the rules in the class comment. */
    static List<String> owners(WorkerEntry entry, List<PodIdentity> pods) {
        return new Addresses(pods).owners(entry);
    }

    /**
     * The pods by each address they can be registered under, built once per matching, so that matching N
     * registrations to N pods costs N lookups, not N x N comparisons (15,000 workers: 225 million).
     */
    private static final class Addresses {
        private final List<PodIdentity> pods;
        private final Map<String, List<Integer>> own = new java.util.HashMap<>();
        private final Map<String, List<Integer>> shared = new java.util.HashMap<>();

        Addresses(List<PodIdentity> pods) {
            this.pods = pods;
            for (int i = 0; i < pods.size(); i++) {
                for (String a : pods.get(i).ownAddresses()) {
                    own.computeIfAbsent(a, k -> new ArrayList<>(1)).add(i);
                }
                for (String a : pods.get(i).sharedAddresses()) {
                    shared.computeIfAbsent(a, k -> new ArrayList<>(1)).add(i);
                }
            }
        }

        List<String> owners(WorkerEntry entry) {
            Set<String> addresses = new LinkedHashSet<>();
            entry.addresses().forEach(a -> addresses.addAll(PodIdentity.comparable(a)));
            List<PodIdentity> candidates = lookUp(own, addresses);
            if (candidates.isEmpty()) {
                candidates = lookUp(shared, addresses);
            }
            if (candidates.size() > 1 && entry.rpcPort() > 0) {
                candidates = candidates.stream().filter(p -> p.ports().contains(entry.rpcPort())).toList();
            }
            return candidates.stream().map(PodIdentity::uid).toList();
        }

        /** The pods with any of these addresses, in the pods' order. */
        private List<PodIdentity> lookUp(Map<String, List<Integer>> index, Set<String> addresses) {
            java.util.TreeSet<Integer> found = new java.util.TreeSet<>();
            addresses.forEach(a -> found.addAll(index.getOrDefault(a, List.of())));
            return found.stream().map(pods::get).toList();
        }
    }

    public List<PodIdentity> pods() {
        return pods;
    }

    public List<Registration> registrations() {
        return registrations;
    }

    /** No registration at all under either prefix of the configured cluster. */
    public boolean registryEmpty() {
        return registryEmpty;
    }

    /** The registrations that belong to this pod. */
    public List<Registration> of(String podUid) {
        return registrations.stream().filter(r -> r.owners().contains(podUid)).toList();
    }

    /** Live heartbeats that belong to no worker pod, or cannot be read. */
    public List<Registration> unaccountedHeartbeats() {
        return registrations.stream().filter(r -> r.live() && r.owners().isEmpty()).toList();
    }

    /** Registrations whose lease expired and that belong to no worker pod: stale, or of workers elsewhere. */
    public List<Registration> unmatched() {
        return registrations.stream().filter(r -> !r.live() && r.owners().isEmpty()).toList();
    }

    /** How many registrations there are, and how many of them heartbeat. */
    public long liveCount() {
        return registrations.stream().filter(Registration::live).count();
    }
}
