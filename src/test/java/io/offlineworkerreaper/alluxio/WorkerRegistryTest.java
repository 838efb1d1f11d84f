package io.offlineworkerreaper.alluxio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

public class WorkerRegistryTest {

    private static final String PREFIX = "/DHT/default-alluxio/AUTHORIZED/";

    /** An example value from shared/fixtures/alluxio-etcd (copied to src/test/resources/fixtures). */
    public static String fixture(String name) throws IOException {
        try (InputStream in = WorkerRegistryTest.class.getResourceAsStream("/fixtures/alluxio-etcd/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static WorkerEntry only(String id, String value) {
        WorkerRegistry registry = WorkerRegistry.parse(List.of(Map.entry(PREFIX + id, value)), PREFIX);
        assertThat(registry.entries()).hasSize(1);
        return registry.entries().get(0);
    }

    @Test
    void should_read_the_current_form_with_identity() throws IOException {
        assertThat(only("worker-0d950643-73c0-461d-a694-ecc601819336",
                fixture("worker-0d950643-73c0-461d-a694-ecc601819336.json")))
                .isEqualTo(WorkerEntry.of("worker-0d950643-73c0-461d-a694-ecc601819336",
                        PREFIX + "worker-0d950643-73c0-461d-a694-ecc601819336", "10.244.4.5", null, 29999));
    }

    @Test
    void should_read_the_form_without_state_fields() throws IOException {
        WorkerEntry e = only("worker-5b7d4c0e-9a8b-4d5c-8e3f-2a1b3f2c9a1e", fixture("worker-without-state-fields.json"));
        assertThat(e.readable()).isTrue();
        assertThat(e.addresses()).containsExactly("10.244.2.3");
    }

    @Test
    void should_read_the_2x_chart_form_with_the_pod_ip_in_container_host() throws IOException {
        WorkerEntry e = only("worker-8a41c2d0-7e5b-4f6a-9c3d-1e2f4a5b6c7d",
                fixture("worker-2x-style-hostip-containerhost.json"));
        assertThat(e.host()).isEqualTo("172.18.0.5");
        assertThat(e.containerHost()).isEqualTo("10.244.4.5");
        assertThat(e.addresses()).containsExactly("172.18.0.5", "10.244.4.5");
    }

    @Test
    void should_read_a_host_name_as_host() throws IOException {
        WorkerEntry e = only("worker-c0ffee00-1234-4567-8899-aabbccddeeff", fixture("worker-hostname-host.json"));
        assertThat(e.host()).isEqualTo("alluxio-worker-577545dc9-2q7z7");
        assertThat(e.containerHost()).isNull();
    }

    @Test
    void should_read_the_md5_era_form_without_identity() throws IOException {
        WorkerEntry e = only("6e715648b6f308cd8c90df531c76a028",
                fixture("worker-md5-era-6e715648b6f308cd8c90df531c76a028.json"));
        assertThat(e.readable()).isTrue();
        assertThat(e.host()).isEqualTo("10.244.3.8");
        assertThat(e.rpcPort()).isEqualTo(29999);
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
    void should_keep_unreadable_values_by_id_with_the_reason() {
        // the binary form of early Dora builds: an int state ordinal, then protobuf bytes of the address
        String binary = new String(new byte[] {0, 0, 0, 1, 0x0a, 0x0a, '1', '0', '.', '2', '4', '4', '.', '4', '.', '5'},
                StandardCharsets.ISO_8859_1);
        WorkerRegistry registry = WorkerRegistry.parse(List.of(
                Map.entry(PREFIX + "worker-a", "not json {"),
                Map.entry(PREFIX + "worker-b", "{\"Identity\":{}}"),
                Map.entry(PREFIX + "worker-c", "{\"WorkerNetAddress\":{\"Host\":\"\"}}"),
                Map.entry(PREFIX + "worker-d", "[1,2]"),
                Map.entry(PREFIX + "worker-e", "null"),
                Map.entry(PREFIX + "worker-f", binary),
                Map.entry(PREFIX + "worker-g", "{\"WorkerNetAddress\":{\"Host\":42}}"),
                Map.entry(PREFIX + "worker-h", "{\"WorkerNetAddress\":{\"Host\":\"10.0.0.1\"}} trailing"),
                Map.entry(PREFIX, "{}"),
                Map.entry(PREFIX + "nested/worker-i", "{}")), PREFIX);

        assertThat(registry.entries()).extracting(WorkerEntry::id).containsExactly("worker-a", "worker-b",
                "worker-c", "worker-d", "worker-e", "worker-f", "worker-g", "worker-h");
        assertThat(registry.entries()).allSatisfy(e -> {
            assertThat(e.readable()).as(e.id()).isFalse();
            assertThat(e.addresses()).isEmpty();
            assertThat(e.problem()).isNotBlank();
        });
        assertThat(registry.withId("worker-f").orElseThrow().problem()).contains("not JSON");
        assertThat(registry.withId("worker-b").orElseThrow().problem()).contains("no WorkerNetAddress");
    }

    @Test
    void should_match_a_container_host_alone_when_host_is_empty() {
        WorkerEntry e = only("worker-x", "{\"WorkerNetAddress\":{\"Host\":\"\",\"ContainerHost\":\"10.244.4.5\","
                + "\"RpcPort\":\"29999\"}}");
        assertThat(e.readable()).isTrue();
        assertThat(e.addresses()).containsExactly("10.244.4.5");
        assertThat(e.rpcPort()).as("a port that is not a number is unknown").isZero();
    }
}
