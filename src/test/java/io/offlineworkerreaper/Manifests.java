package io.offlineworkerreaper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** The shipped deployment files, read as kubectl, kustomize and docker compose would read them. */
final class Manifests {

    static final Path DEPLOY = Path.of("deploy", "kubernetes");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();

    private Manifests() {
    }

    /** Every object kustomization.yaml applies, in its order. */
    static List<HasMetadata> applied() {
        JsonNode kustomization = yaml(DEPLOY.resolve("kustomization.yaml"));
        List<HasMetadata> objects = new java.util.ArrayList<>();
        kustomization.get("resources").forEach(file -> objects.add(object(DEPLOY.resolve(file.asText()))));
        return objects;
    }

    /** The objects of an opt-in feature's RBAC, deploy/kubernetes/optional/<feature>/. */
    static List<HasMetadata> optional(String feature) {
        try (var files = java.nio.file.Files.list(DEPLOY.resolve("optional").resolve(feature))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().map(Manifests::object).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static HasMetadata object(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return KUBERNETES.unmarshal(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T extends HasMetadata> List<T> ofKind(Class<T> kind) {
        return ofKind(applied(), kind);
    }

    static <T extends HasMetadata> List<T> ofKind(List<HasMetadata> objects, Class<T> kind) {
        return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    static JsonNode yaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** config/application.properties as shipped. */
    static Properties defaults() {
        Properties shipped = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("config", "application.properties"))) {
            shipped.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return shipped;
    }

    /** The project's version, as pom.xml has it, without -SNAPSHOT. */
    static String projectVersion() {
        try {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                    "<artifactId>offline-worker-reaper</artifactId>\\s*<version>([^<]+)</version>")
                    .matcher(Files.readString(Path.of("pom.xml")));
            if (!m.find()) {
                throw new AssertionError("pom.xml has no project version");
            }
            return m.group(1).replace("-SNAPSHOT", "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every object of a multi-document YAML stream (helm template, kubectl kustomize). */
    static List<HasMetadata> objects(String yamlStream) {
        List<HasMetadata> objects = new java.util.ArrayList<>();
        for (String document : yamlStream.split("(?m)^---\\s*$")) {
            if (document.lines().anyMatch(l -> l.startsWith("kind:"))) {
                objects.add(KUBERNETES.unmarshal(document));
            }
        }
        return objects;
    }

    /** {@code kubectl kustomize <dir>}: kubectl is on the machine image (run.sh test installs it where not). */
    static String kustomize(Path dir) {
        try {
            Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new AssertionError("kubectl kustomize " + dir + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("kubectl is not installed: install it (./run.sh test does, from Kubernetes'"
                    + " Debian repository or dl.k8s.io) to test the kustomize manifests: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Environment variable -> setting key, for every key in config/application.properties. */
    static Map<String, String> settingsByEnvironmentVariable() {
        Properties shipped = defaults();
        Map<String, String> byVariable = new HashMap<>();
        shipped.stringPropertyNames().forEach(k -> byVariable.put(ReaperSettings.environmentVariableOf(k), k));
        return byVariable;
    }
}
