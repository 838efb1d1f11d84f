package io.offlineworkerreaper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerRegistryTest {

    private static final String PREFIX = "/DHT/default-alluxio/AUTHORIZED/";

    /** An example value from shared/fixtures/alluxio-etcd (copied to src/test/resources/fixtures). */
    private static String fixture(String name) throws IOException {
        try (InputStream in = WorkerRegistryTest.class.getResourceAsStream("/fixtures/alluxio-etcd/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void should_read_worker_id_and_host_from_alluxio_values() throws IOException {
        WorkerRegistry registry = WorkerRegistry.parse(List.of(
                Map.entry(PREFIX + "worker-0d950643-73c0-461d-a694-ecc601819336",
                        fixture("worker-0d950643-73c0-461d-a694-ecc601819336.json")),
                Map.entry(PREFIX + "worker-5b7d4c0e-9a8b-4d5c-8e3f-2a1b3f2c9a1e",
                        fixture("worker-without-state-fields.json"))), PREFIX);

        assertThat(registry.entries()).containsExactly(
                new WorkerEntry("worker-0d950643-73c0-461d-a694-ecc601819336",
                        PREFIX + "worker-0d950643-73c0-461d-a694-ecc601819336", "10.244.4.5"),
                new WorkerEntry("worker-5b7d4c0e-9a8b-4d5c-8e3f-2a1b3f2c9a1e",
                        PREFIX + "worker-5b7d4c0e-9a8b-4d5c-8e3f-2a1b3f2c9a1e", "10.244.2.3"));
        assertThat(registry.withHost("10.244.4.5")).hasSize(1);
        assertThat(registry.withHost("10.244.4.55")).isEmpty();
    }

    @Test
    void should_not_match_entries_of_another_cluster() throws IOException {
        String value = fixture("worker-0d950643-73c0-461d-a694-ecc601819336.json");
        WorkerRegistry registry = WorkerRegistry.parse(List.of(
                Map.entry("/DHT/default-alluxio2/AUTHORIZED/worker-1", value),
                Map.entry("/DHT/default-alluxio/AUTHORIZED-old/worker-2", value)), PREFIX);

        assertThat(registry.entries()).isEmpty();
    }

    @Test
    void should_keep_unreadable_values_by_id_but_never_match_them_by_address() {
        WorkerRegistry registry = WorkerRegistry.parse(List.of(
                Map.entry(PREFIX + "worker-a", "not json {"),
                Map.entry(PREFIX + "worker-b", "{\"Identity\":{}}"),
                Map.entry(PREFIX + "worker-c", "{\"WorkerNetAddress\":{\"Host\":\"\"}}"),
                Map.entry(PREFIX + "worker-d", "[1,2]"),
                Map.entry(PREFIX + "worker-e", "null"),
                Map.entry(PREFIX, "{}"),
                Map.entry(PREFIX + "nested/worker-f", "{}")), PREFIX);

        assertThat(registry.entries()).extracting(WorkerEntry::id)
                .containsExactly("worker-a", "worker-b", "worker-c", "worker-d", "worker-e");
        assertThat(registry.entries()).allSatisfy(e -> assertThat(e.host()).isNull());
        assertThat(registry.withHost("")).isEmpty();
        assertThat(registry.withId("worker-a")).isPresent();
    }
}
