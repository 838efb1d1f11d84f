package io.offlineworkerreaper.notify;

import io.micrometer.core.instrument.Counter;

/** Where an {@link Outbox} counts what it delivered, gave up on and dropped ({@code reaper_notices_total}). */
public interface DeliveryMetrics {

    /** The three counters of one notification destination (slack, alertmanager, webhook). */
    Delivery delivery(String destination);

    /** The three counters of one notification destination. */
    record Delivery(Counter delivered, Counter undelivered, Counter dropped) {
    }
}
