package io.offlineworkerreaper.logging;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The log behind SLF4J, for the reaper and every library in the jar: levels by logger name, the console, and a
 * file rotated by size ({@link LogConfig}). It replaces Log4j 2, whose start (about 700 classes, its plugin
 * system and configuration builder) was the largest single cost before the first cycle (docs/BENCHMARKS.md).
 * SLF4J finds it through {@code META-INF/services/org.slf4j.spi.SLF4JServiceProvider}.
 */
public final class ReaperLogProvider implements SLF4JServiceProvider, ILoggerFactory {

    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new BasicMDCAdapter();
    private LogConfig config;
    private LogOutput output;

    @Override
    public void initialize() {
        config = LogConfig.load();
        output = new LogOutput(config, () -> System.out, System.err);
    }

    @Override
    public Logger getLogger(String name) {
        return loggers.computeIfAbsent(name, n -> new LineLogger(n, config.levelOf(n), output));
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return this;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }
}
