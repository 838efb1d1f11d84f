package io.offlineworkerreaper.observe;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Knows when a cycle starts and ends, and how it went: it watches the exchanges of the check-nodes timer
 * (never the split's copies) and is told of failures and breaker refusals by {@link OutcomeRecorder}. It feeds the
 * cycle metrics and lets {@code --once} wait for the end of the first cycle.
 */
public final class CycleTracker extends EventNotifierSupport {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CycleTracker.class);

    static final String CYCLE_ROUTE = "check-nodes";

    /** How one cycle ended. */
    public enum Result {
        /** Nothing to do, or everything done. */
        OK,
        /** A step failed: something was left undone. */
        FAILED,
        /** The safety breaker held remediation. */
        REFUSED
    }

    private final ReaperMetrics metrics;
    private final CompletableFuture<Result> firstCycle = new CompletableFuture<>();
    private long startedNanos;
    private int failures;
    private boolean breakerHeld;

    public CycleTracker(ReaperMetrics metrics) {
        this.metrics = metrics;
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeCreatedEvent || event instanceof CamelEvent.ExchangeCompletedEvent
                || event instanceof CamelEvent.ExchangeFailedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Exchange exchange = ((CamelEvent.ExchangeEvent) event).getExchange();
        if (!CYCLE_ROUTE.equals(exchange.getFromRouteId())
                || exchange.getProperty(ExchangePropertyKey.CORRELATION_ID) != null) {
            return;
        }
        if (event instanceof CamelEvent.ExchangeCreatedEvent) {
            started();
        } else {
            ended(event instanceof CamelEvent.ExchangeFailedEvent);
        }
    }

    synchronized void started() {
        startedNanos = System.nanoTime();
        failures = 0;
        breakerHeld = false;
    }

    /** A step of this cycle failed (called by {@link OutcomeRecorder}). */
    public synchronized void failed() {
        failures++;
    }

    /** The breaker held remediation in this cycle (called by {@link OutcomeRecorder}). */
    public synchronized void breakerHeld() {
        breakerHeld = true;
    }

    synchronized void ended(boolean exchangeFailed) {
        Result result = exchangeFailed || failures > 0 ? Result.FAILED : breakerHeld ? Result.REFUSED : Result.OK;
        Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
        metrics.cycleEnded(took, result != Result.FAILED);
        LOG.info("Cycle ended in {} ms: {}", took.toMillis(), result);
        firstCycle.complete(result);
    }

    /** Waits for the end of the first cycle; {@code --once} exits with what it returns. */
    public Result awaitFirstCycle(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return firstCycle.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
