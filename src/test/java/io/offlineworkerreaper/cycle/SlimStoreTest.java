package io.offlineworkerreaper.cycle;

import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.offlineworkerreaper.decision.WorkerPods;
import io.offlineworkerreaper.demo.ClusterObjects;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SlimStoreTest {

    private final SlimStore<Pod> store = new SlimStore<>(p -> p.getMetadata().getName(), WorkerPods::slim);

    @Test
    void should_hand_out_the_same_list_until_an_object_changes() {
        store.put("a", ClusterObjects.workerPod("default", "a", "n1", "10.0.0.1"));
        store.put("b", ClusterObjects.workerPod("default", "b", "n2", "10.0.0.2"));
        List<Pod> first = store.snapshot();

        assertThat(store.snapshot()).isSameAs(first);
        assertThat(first).extracting(p -> p.getMetadata().getName()).containsExactlyInAnyOrder("a", "b");

        store.put("b", ClusterObjects.workerPod("default", "b", "n2", "10.0.0.9"));
        List<Pod> afterUpdate = store.snapshot();
        assertThat(afterUpdate).isNotSameAs(first);
        assertThat(afterUpdate).extracting(p -> p.getStatus().getPodIP()).containsExactlyInAnyOrder("10.0.0.1",
                "10.0.0.9");

        store.remove("a");
        assertThat(store.snapshot()).isNotSameAs(afterUpdate)
                .extracting(p -> p.getMetadata().getName()).containsExactly("b");
    }

    @Test
    void should_never_keep_a_list_copied_while_an_object_changed() throws Exception {
        // a writer changes pods while a reader takes snapshots: the last snapshot after the writer ends has them all
        Thread writer = new Thread(() -> {
            for (int i = 0; i < 2000; i++) {
                store.put("p" + i, ClusterObjects.workerPod("default", "p" + i, "n1", "10.0.0.1"));
            }
        });
        writer.start();
        while (writer.isAlive()) {
            store.snapshot();
        }
        writer.join();

        assertThat(store.snapshot()).hasSize(2000);
    }
}
