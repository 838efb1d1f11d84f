package io.offlineworkerreaper.cycle;

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
        return objects.put(k, slim.apply(object));
    }

    @Override
    public T remove(String k) {
        return objects.remove(k);
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
