package io.offlineworkerreaper.build;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Build step (pom.xml, the package phase). The CycloneDX plugin describes the module's runtime dependencies, the
 * demo's mock API server among them, which the shade plugin leaves out of the production jar (and only those two
 * artifacts: what they bring is packed). This takes the artifacts the production jar leaves out of
 * {@code target/bom.json}, and hands what they depended on to whoever depended on them, so that the bill of
 * materials the image carries lists what the image holds. ImageIT checks the result against the jar.
 * Arguments: the BOM file, then the left-out artifacts as group:artifact.
 */
public final class ShippedBom {

    private ShippedBom() {
    }

    /** The BOM's metadata property that says this step ran on it (an offline build keeps the BOM of the last one). */
    static final String DONE = "offline-worker-reaper:left-out";

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        if (!java.nio.file.Files.exists(file)) {
            // the CycloneDX plugin does not run in an offline build (mvn -o): ./run.sh image builds online
            System.out.println("ShippedBom: no " + file + " (the CycloneDX plugin skips offline builds)");
            return;
        }
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode bom = (ObjectNode) json.readTree(file.toFile());
        ArrayNode properties = ((ObjectNode) bom.get("metadata")).withArray("properties");
        for (JsonNode p : properties) {
            if (DONE.equals(p.path("name").asText())) {
                System.out.println("ShippedBom: " + file + " already lists the production jar's contents");
                return;
            }
        }
        Set<String> removed = leaveOut(bom, Set.copyOf(Arrays.asList(args).subList(1, args.length)));
        properties.addObject().put("name", DONE).put("value", String.join(",", removed));
        json.writeValue(file.toFile(), bom);
        System.out.println("ShippedBom: left out of " + file + ": " + removed);
    }

    /**
     * Removes the components {@code leftOut} names (group:artifact) and every reference to them; a component that
     * depended on one now depends on what it depended on. Returns the bom-refs removed. Fails when one of
     * {@code leftOut} is not in the BOM: the list here and the dependencies have parted.
     */
    static Set<String> leaveOut(ObjectNode bom, Set<String> leftOut) {
        ArrayNode components = (ArrayNode) bom.get("components");
        Set<String> removed = new TreeSet<>();
        Set<String> found = new TreeSet<>();
        for (Iterator<JsonNode> i = components.iterator(); i.hasNext(); ) {
            JsonNode c = i.next();
            String coordinates = c.path("group").asText() + ":" + c.path("name").asText();
            if (leftOut.contains(coordinates)) {
                found.add(coordinates);
                removed.add(c.get("bom-ref").asText());
                i.remove();
            }
        }
        if (!found.equals(new TreeSet<>(leftOut))) {
            throw new IllegalStateException("the BOM does not list all of " + new TreeSet<>(leftOut) + ": found " + found);
        }
        Map<String, List<String>> dependsOn = new HashMap<>();
        bom.path("dependencies").forEach(d -> {
            List<String> on = new ArrayList<>();
            d.path("dependsOn").forEach(r -> on.add(r.asText()));
            dependsOn.put(d.get("ref").asText(), on);
        });
        ArrayNode dependencies = (ArrayNode) bom.get("dependencies");
        for (Iterator<JsonNode> i = dependencies.iterator(); i.hasNext(); ) {
            ObjectNode d = (ObjectNode) i.next();
            if (removed.contains(d.get("ref").asText())) {
                i.remove();
            } else if (d.has("dependsOn")) {
                Set<String> on = new LinkedHashSet<>();
                d.get("dependsOn").forEach(r -> on.addAll(through(r.asText(), removed, dependsOn)));
                ArrayNode list = d.putArray("dependsOn");
                on.forEach(list::add);
            }
        }
        return removed;
    }

    /** {@code ref} itself, or, when it is removed, what it depended on (through removed ones too). */
    private static Set<String> through(String ref, Set<String> removed, Map<String, List<String>> dependsOn) {
        if (!removed.contains(ref)) {
            return Set.of(ref);
        }
        Set<String> on = new LinkedHashSet<>();
        dependsOn.getOrDefault(ref, List.of()).forEach(r -> on.addAll(through(r, removed, dependsOn)));
        return on;
    }
}
