package io.offlineworkerreaper.demo;

import java.util.ArrayList;
import java.util.List;

import io.offlineworkerreaper.Application;

/**
 * Entry point of {@code offline-worker-reaper-demo.jar}: the reaper, unchanged, played against the built-in
 * demo cluster ({@link Demo}). {@code --demo} is implied; {@code --check} and {@code -Dkey=value} work as with
 * the production jar. This class and the emulated API server it needs never ship in the production jar.
 */
public final class DemoApplication {

    private DemoApplication() {
    }

    public static void main(String[] args) {
        List<String> withDemo = new ArrayList<>(List.of(args));
        if (!withDemo.contains("--demo") && !withDemo.contains("--help") && !withDemo.contains("-h")) {
            withDemo.add(0, "--demo");
        }
        System.exit(Application.run(withDemo.toArray(String[]::new), Demo::run));
    }
}
