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
 * What the Dockerfile's final stage does with the jar, run here where {@code app} stands for the image's /app:
 * its training run (the AppCDS archive) and its entrypoint, read from the Dockerfile so that they cannot drift.
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

    /** Runs the training RUN with the jar at {@code app}/offline-worker-reaper.jar; returns what it printed. */
    static String train(Path app) throws IOException, InterruptedException {
        String training = command("RUN KUBERNETES_MASTER=").substring("RUN ".length())
                .replace("/app/", "@APP@/").replace("/tmp/", "@APP@/").replace("@APP@", app.toString())
                .replace(" java ", " " + java() + " ");
        Process train = new ProcessBuilder("bash", "-c", training).directory(app.toFile()).redirectErrorStream(true)
                .start();
        String out = new String(train.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!train.waitFor(120, TimeUnit.SECONDS) || train.exitValue() != 0) {
            throw new IllegalStateException("the Dockerfile's training run failed:\n" + out);
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
