package io.offlineworkerreaper;

import java.util.LinkedHashMap;
import java.util.Map;

import io.offlineworkerreaper.cycle.Once;
import io.offlineworkerreaper.settings.EarlySettings;
import io.offlineworkerreaper.settings.InvalidSettingException;

/**
 * Entry point. {@code java -jar offline-worker-reaper.jar [--check | --once] [-Dkey=value ...]}: settings given as
 * {@code -Dkey=value} after the jar win over the properties file and the environment. The demo is not in this
 * jar: {@code offline-worker-reaper-demo.jar} (main class {@code demo.DemoApplication}) runs it through
 * {@link #run(String[], DemoRunner)}.
 */
public final class Application {

    /** Plays the built-in demo; only the demo jar has one. */
    @FunctionalInterface
    public interface DemoRunner {
        int run(Map<String, String> overrides, boolean check) throws Exception;
    }

    /** Exit code of an argument error. */
    public static final int USAGE = 2;

    private Application() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs until stopped and returns the process exit code. */
    public static int run(String[] args) {
        return run(args, null);
    }

    /** As {@link #run(String[])}, with the demo played by {@code demo} (null: this jar has no demo). */
    public static int run(String[] args, DemoRunner demoRunner) {
        Map<String, String> overrides = new LinkedHashMap<>();
        boolean demo = false;
        boolean once = false;
        boolean check = false;
        for (String arg : args) {
            if (arg.equals("--demo")) {
                demo = true;
            } else if (arg.equals("--once")) {
                once = true;
            } else if (arg.equals("--check")) {
                check = true;
            } else if (arg.startsWith("-D") && arg.contains("=")) {
                overrides.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            } else if (arg.equals("--help") || arg.equals("-h")) {
                System.out.println(usage());
                return 0;
            } else {
                System.err.println("Unknown argument: " + arg + "\n" + usage());
                return USAGE;
            }
        }
        try {
            EarlySettings.apply(overrides); // before anything logs: the log reads them once, at its start
            if (once && (demo || check)) {
                System.err.println("offline-worker-reaper: --once cannot be combined with --demo or --check\n"
                        + usage());
                return USAGE;
            }
            if (demo) {
                if (demoRunner == null) {
                    System.err.println("offline-worker-reaper: the demo is not part of the production jar; run ./run.sh "
                            + "(with no cluster configured) or java -jar target/offline-worker-reaper-demo.jar");
                    return USAGE;
                }
                return demoRunner.run(overrides, check);
            }
            if (check) {
                return Check.run(Reaper.create(Check.settings(overrides), null), System.out);
            }
            if (once) {
                return Once.run(Reaper.create(Once.settings(overrides), null));
            }
            return Reaper.create(overrides, null).run(new String[0]);
        } catch (Exception e) {
            InvalidSettingException invalid = invalidSetting(e);
            System.err.println("offline-worker-reaper: " + (invalid != null ? invalid.getMessage() : "failed: " + e));
            return 1;
        }
    }

    /** Camel wraps what the configuration class throws; the operator needs the original message. */
    static InvalidSettingException invalidSetting(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InvalidSettingException invalid) {
                return invalid;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    static String usage() {
        return """
                usage: java -jar offline-worker-reaper.jar [--check] [--demo | --once] [-Dkey=value ...]
                  --check        one read-only pass: every worker pod with the verdict the reaper would take,
                                 what is misconfigured, the permissions and etcd access the configuration needs;
                                 exit 0 when nothing is wrong, 2 otherwise (with --demo: on the demo cluster)
                  --demo         (offline-worker-reaper-demo.jar only) run against a built-in emulated cluster and
                                 a local etcd (needs etcd on PATH); it prints the --check of that cluster first
                  --once         run one cycle and exit (for a CronJob): 0 nothing to do or all done,
                                 1 a step failed, 4 the safety breaker refused to act
                  -Dkey=value    override a setting, e.g. -Dreaper.dry-run=true (see config/application.properties)
                Settings are also read from environment variables: reaper.check-interval -> REAPER_CHECK_INTERVAL.""";
    }
}
