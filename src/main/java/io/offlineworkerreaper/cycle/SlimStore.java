package io.offlineworkerreaper.cycle;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;

/**
 * An informer's cache that keeps a slim copy of each object (only what the reaper reads of it), not the whole
 * object: 5,000 nodes' images or 15,000 worker pods' specs would otherwise stay in the heap.
 */
final class SlimStore<T extends HasMetadata> implements ItemStore<T> {

    private final Map<String, T> objects = new ConcurrentHashMap<>();
    private final Function<T, String> key;
    private final UnaryOperator<T> slim;
    /** Bumped after every change of {@link #objects}. */
    private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();
    /** The objects as one list, tagged with the version it was copied at (copied after reading it). */
    private volatile Snapshot<T> snapshot;

    private record Snapshot<T>(long version, List<T> objects) {
    }

    SlimStore(Function<T, String> key, UnaryOperator<T> slim) {
        this.key = key;
        this.slim = slim;
    }

    @Override
    public String getKey(T object) {
        return key.apply(object);
    }

    @Override
    public T put(String k, T object) {
        T before = objects.put(k, slim.apply(object));
        version.incrementAndGet();
        return before;
    }

    @Override
    public T remove(String k) {
        T before = objects.remove(k);
        version.incrementAndGet();
        return before;
    }

    /**
     * Every object, as the same list from one change to the next, so that what a cycle works out of the list can
     * be kept while the list is the same ({@code WorkerPods}): one pod update makes a new one.
     */
    List<T> snapshot() {
        long now = version.get();
        Snapshot<T> last = snapshot;
        if (last != null && last.version() == now) {
            return last.objects();
        }
        // a change during the copy bumps the version past the tag: the next call copies again
        List<T> copy = List.copyOf(objects.values());
        snapshot = new Snapshot<>(now, copy);
        return copy;
    }

    @Override
    public Stream<String> keySet() {
        return objects.keySet().stream();
    }

    @Override
    public Stream<T> values() {
        return objects.values().stream();
    }

    @Override
    public int size() {
        return objects.size();
    }

    @Override
    public T get(String k) {
        return objects.get(k);
    }
}
