package io.offlineworkerreaper.build;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShippedBomTest {

    /** app -> camel, app -> mock -> bc; camel -> bc: what the CycloneDX plugin writes, cut down. */
    private static ObjectNode bom() throws Exception {
        return (ObjectNode) new ObjectMapper().readTree("""
                {"metadata": {"component": {"bom-ref": "app", "name": "offline-worker-reaper"}},
                 "components": [
                   {"bom-ref": "camel", "group": "org.apache.camel", "name": "camel-main"},
                   {"bom-ref": "mock", "group": "io.fabric8", "name": "kubernetes-server-mock"},
                   {"bom-ref": "web", "group": "io.fabric8", "name": "mockwebserver"},
                   {"bom-ref": "bc", "group": "org.bouncycastle", "name": "bcpkix-jdk18on"}],
                 "dependencies": [
                   {"ref": "app", "dependsOn": ["camel", "mock"]},
                   {"ref": "camel", "dependsOn": []},
                   {"ref": "mock", "dependsOn": ["web"]},
                   {"ref": "web", "dependsOn": ["bc"]},
                   {"ref": "bc", "dependsOn": []}]}
                """);
    }

    @Test
    void should_leave_out_what_the_jar_leaves_out_and_keep_what_they_brought_into_it() throws Exception {
        ObjectNode bom = bom();

        Set<String> removed = ShippedBom.leaveOut(bom, Set.of("io.fabric8:kubernetes-server-mock", "io.fabric8:mockwebserver"));

        assertThat(removed).containsExactly("mock", "web");
        assertThat(names(bom.get("components"), "bom-ref")).containsExactly("camel", "bc");
        assertThat(names(bom.get("dependencies"), "ref")).containsExactly("app", "camel", "bc");
        // what the left-out ones brought, and the shade plugin packs, is now the application's own dependency
        assertThat(names(bom.get("dependencies").get(0).get("dependsOn"), null)).containsExactly("camel", "bc");
    }

    @Test
    void should_fail_when_an_artifact_to_leave_out_is_not_in_the_bom() throws Exception {
        ObjectNode bom = bom();

        assertThatThrownBy(() -> ShippedBom.leaveOut(bom, Set.of("io.fabric8:kubernetes-server-mock", "io.fabric8:gone")))
                .hasMessageContaining("io.fabric8:gone");
    }

    private static List<String> names(JsonNode array, String field) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(field == null ? n.asText() : n.get(field).asText()));
        return names;
    }
}
