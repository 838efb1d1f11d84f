package io.offlineworkerreaper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the Dockerfile does with the jar, run here where {@code app} stands for the image's /app: its archive step
 * (the AppCDS archive of a recorded class list) and its entrypoint, read from the Dockerfile so that they cannot
 * drift. ImageIT runs the image itself; this is for the benchmarks and the jar tests, which run the jar on the host.
 */
final class Image {

    private Image() {
    }

    /** The Dockerfile's command starting at {@code prefix} (a RUN or the ENTRYPOINT), continuation lines joined. */
    static String command(String prefix) throws IOException {
        StringBuilder command = new StringBuilder();
        boolean in = false;
        for (String line : Files.readAllLines(Path.of("Dockerfile"))) {
            if (line.startsWith(prefix)) {
                in = true;
            }
            if (in) {
                command.append(line.replaceAll("\\\\$", "")).append(' ');
                if (!line.endsWith("\\")) {
                    break;
                }
            }
        }
        return command.toString().trim();
    }

    /**
     * The classes a remediation loads, recorded as ./run.sh image records them for the image's archive: the demo jar
     * runs one remediation (watch mode) with the JVM writing every class it loads; the demo's own classes are left
     * out. Returns the list, {@code dir}/classes.lst.
     */
    static Path recordClassList(Path dir) throws IOException, InterruptedException {
        Path raw = dir.resolve("classes-raw.lst");
        Path demoJar = Path.of(System.getProperty("reaper.demo.jar", "target/offline-worker-reaper-demo.jar"))
                .toAbsolutePath();
        Process demo = new ProcessBuilder(java(), "-XX:DumpLoadedClassList=" + raw, "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-jar", demoJar.toString(), "--demo", "-Ddemo.crash-after=2s",
                "-Ddemo.exit-when-done=true", "-Dreaper.check-interval=1s", "-Dreaper.detection=watch",
                "-Dcamel.management.port=" + Management.freePort()).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("demo.log").toFile()).start();
        if (!demo.waitFor(120, TimeUnit.SECONDS) || demo.exitValue() != 0) {
            demo.destroyForcibly();
            throw new IllegalStateException("the demo run that records the class list failed:\n"
                    + Files.readString(dir.resolve("demo.log")));
        }
        Path list = dir.resolve("classes.lst");
        Files.write(list, Files.readAllLines(raw).stream().filter(l -> !l.contains("io/offlineworkerreaper/demo/")
                && !l.contains("io/fabric8/mockwebserver/") && !l.contains("io/fabric8/kubernetes/client/server/mock/"))
                .toList());
        return list;
    }

    /**
     * Runs the Dockerfile's archive step with the jar at {@code app}/offline-worker-reaper.jar and {@code classList}
     * where the build mounts target/classes.lst; returns what it printed.
     */
    static String train(Path app, Path classList) throws IOException, InterruptedException {
        String step = command("RUN --mount=type=bind,source=target/classes.lst");
        String training = step.substring(step.indexOf(' ', "RUN --mount=".length()) + 1)
                .replace("/tmp/classes.lst", classList.toAbsolutePath().toString())
                .replace("/app/", app + "/");
        training = training.replaceFirst("^java ", java() + " ");
        Process train = new ProcessBuilder("bash", "-c", training).directory(app.toFile()).redirectErrorStream(true)
                .start();
        String out = new String(train.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!train.waitFor(120, TimeUnit.SECONDS) || train.exitValue() != 0) {
            throw new IllegalStateException("the Dockerfile's archive step failed:\n" + training + "\n" + out);
        }
        return out;
    }

    /** The entrypoint's words, java first, /app/ replaced by {@code app}. */
    static List<String> entrypoint(Path app) throws IOException {
        List<String> words = new ArrayList<>();
        Matcher word = Pattern.compile("\"([^\"]*)\"").matcher(command("ENTRYPOINT "));
        while (word.find()) {
            words.add(word.group(1).replace("/app/", app + "/"));
        }
        words.set(0, java());
        return words;
    }

    /** The entrypoint's JVM flags (between java and -jar): how the image maps the archive. */
    static List<String> entrypointFlags(Path app) throws IOException {
        List<String> words = entrypoint(app);
        return List.copyOf(words.subList(1, words.indexOf("-jar")));
    }

    /** The final stage's ENV settings (the last stage's, as the container gets them), by name. */
    static java.util.Map<String, String> env() throws IOException {
        java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
        List<String> lines = Files.readAllLines(Path.of("Dockerfile"));
        int last = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("FROM ")) {
                last = i;
            }
        }
        Matcher setting = Pattern.compile("^ENV (\\w+)=(\\S+)").matcher("");
        for (String line : lines.subList(last, lines.size())) {
            if (setting.reset(line).find()) {
                env.put(setting.group(1), setting.group(2));
            }
        }
        return env;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
