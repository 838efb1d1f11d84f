package io.offlineworkerreaper.logging;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Where log lines go: the console (standard output), and the rotating file when one is configured. A file that
 * cannot be opened or written is reported once on standard error, and the log goes on on the console alone:
 * logging never stops the reaper.
 */
final class LogOutput {

    private final Supplier<PrintStream> console;
    private final PrintStream errors;
    private final int consoleLevel;
    private final LineFormat consoleFormat;
    private final LineFormat fileFormat;
    private RollingFile file;

    LogOutput(LogConfig config, Supplier<PrintStream> console, PrintStream errors) {
        this.console = console;
        this.errors = errors;
        this.consoleLevel = config.consoleLevel();
        this.consoleFormat = config.consoleFormat();
        this.fileFormat = config.fileFormat();
        if (config.file() != null) {
            try {
                file = new RollingFile(Path.of(config.file()), config.fileMaxBytes(), config.fileMaxFiles(),
                        config.fileAppend());
            } catch (IOException | RuntimeException e) {
                errors.println("offline-worker-reaper: cannot open the log file " + config.file() + " (" + e
                        + "): logging to the console only");
            }
        }
    }

    synchronized void write(int level, String logger, String message, Throwable thrown) {
        long now = System.currentTimeMillis();
        String thread = Thread.currentThread().getName();
        String line = null;
        if (level >= consoleLevel) {
            line = consoleFormat.format(now, level, thread, logger, message, thrown);
            PrintStream out = console.get();
            out.print(line);
            out.flush();
        }
        if (file != null) {
            if (line == null || fileFormat != consoleFormat) {
                line = fileFormat.format(now, level, thread, logger, message, thrown);
            }
            try {
                file.write(line.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                errors.println("offline-worker-reaper: cannot write the log file " + file.path() + " (" + e
                        + "): logging to the console only from now on");
                try {
                    file.close();
                } catch (IOException ignored) {
                    // already reported
                }
                file = null;
            }
        }
    }
}
