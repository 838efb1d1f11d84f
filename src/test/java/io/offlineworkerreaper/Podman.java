package io.offlineworkerreaper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * The image {@code ./run.sh image} builds, and podman running it as deploy/kubernetes/deployment.yaml runs it: its
 * user, a read-only root filesystem with the Deployment's volumes as the only writable places, no capabilities, no
 * privilege escalation, its memory limit, its environment (JAVA_TOOL_OPTIONS, the ConfigMap), on the host network
 * where the test's API emulator and etcd listen. Read from the Deployment, so that the two cannot drift.
 */
final class Podman {

    /** Where the reaper's pod name comes from in the cluster (the downward API); the tests give one. */
    static final String POD_NAME_VARIABLE = "REAPER_LEADER_ELECTION_POD_NAME";

    private static String built;

    private Podman() {
    }

    /**
     * Builds the image once per JVM with {@code ./run.sh image} (which prints its name), on the runtime base of
     * REAPER_RUNTIME_IMAGE, by default the JRE base run.sh assembles from Debian's packages: these machines reach no
     * image registry.
     */
    static synchronized String image() throws IOException, InterruptedException {
        if (built == null) {
            ProcessBuilder build = new ProcessBuilder("./run.sh", "image").redirectError(ProcessBuilder.Redirect.INHERIT);
            build.environment().putIfAbsent("REAPER_RUNTIME_IMAGE", "debian");
            Process process = build.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(15, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new AssertionError("./run.sh image failed (exit " + process.exitValue() + "): " + out);
            }
            built = out.substring(out.lastIndexOf('\n') + 1);
        }
        return built;
    }

    static Deployment deployment() {
        return Manifests.ofKind(Deployment.class).get(0);
    }

    static Container reaperContainer() {
        return deployment().getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    /**
     * {@code podman run} for the image as the Deployment runs it, named {@code name}, its volumes as directories
     * under {@code volumes} (an emptyDir is a directory on the node), {@code kubeconfig} mounted read-only where a
     * pod has its service account's credentials, {@code env} over the Deployment's and the ConfigMap's variables,
     * {@code args} after the entrypoint.
     */
    static List<String> runAsDeployed(String image, String name, Path volumes, Path kubeconfig, Map<String, String> env,
                                      List<String> args) throws IOException {
        PodSpec pod = deployment().getSpec().getTemplate().getSpec();
        Container container = reaperContainer();
        PodSecurityContext podSecurity = pod.getSecurityContext();
        SecurityContext security = container.getSecurityContext();
        List<String> command = new ArrayList<>(List.of("podman", "run", "--name", name, "--network=host",
                "--user", podSecurity.getRunAsUser() + ":" + podSecurity.getRunAsGroup()));
        if (Boolean.TRUE.equals(security.getReadOnlyRootFilesystem())) {
            command.addAll(List.of("--read-only", "--read-only-tmpfs=false")); // no writable /tmp unless mounted
        }
        if (Boolean.FALSE.equals(security.getAllowPrivilegeEscalation())) {
            command.add("--security-opt=no-new-privileges");
        }
        security.getCapabilities().getDrop().forEach(c -> command.add("--cap-drop=" + c));
        Quantity memory = container.getResources().getLimits().get("memory");
        command.add("--memory=" + Quantity.getAmountInBytes(memory).longValueExact());
        for (var mount : container.getVolumeMounts()) {
            var volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
                    .orElseThrow();
            if (volume.getEmptyDir() == null) {
                throw new IllegalStateException("the Deployment mounts a volume that is not an emptyDir: " + volume);
            }
            Path dir = Files.createDirectories(volumes.resolve(mount.getName()));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx")); // as an emptyDir
            command.addAll(List.of("--volume", dir + ":" + mount.getMountPath()));
        }
        command.addAll(List.of("--volume", kubeconfig + ":/kube/config:ro"));
        Map<String, String> all = new LinkedHashMap<>(configMap().getData());
        for (EnvVar variable : container.getEnv()) {
            if (variable.getValue() != null) {
                all.put(variable.getName(), variable.getValue());
            }
        }
        all.put("KUBECONFIG", "/kube/config");
        all.putAll(env);
        all.forEach((k, v) -> command.addAll(List.of("--env", k + "=" + v)));
        command.add(image);
        command.addAll(args);
        return command;
    }

    /** The seconds Kubernetes waits after SIGTERM before it kills the container. */
    static long gracePeriodSeconds() {
        return deployment().getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
    }

    static ConfigMap configMap() {
        return Manifests.ofKind(ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().equals(reaperContainer().getEnvFrom().get(0).getConfigMapRef()
                        .getName())).findFirst().orElseThrow();
    }

    /** Runs a podman command to its end; returns what it printed (stdout and stderr). */
    static Result podman(long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(args));
        return run(timeoutSeconds, command);
    }

    static Result run(long timeoutSeconds, List<String> command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("podman", ".txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end within " + timeoutSeconds + " s:\n"
                    + Files.readString(output));
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    record Result(int exitCode, String output) {
    }
}
