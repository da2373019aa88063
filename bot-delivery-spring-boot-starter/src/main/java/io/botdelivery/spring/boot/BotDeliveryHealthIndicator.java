package io.botdelivery.spring.boot;

import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.QueueSummary;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.spi.RetryStore;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * UP while the engine runs and the store answers; the details are what an operator looks at first: deliveries by
 * status, the oldest one still waiting, and how many this instance holds in memory. DOWN when the engine is not
 * running (not started yet, or stopped), or the store fails to answer (PostgreSQL unreachable, say).
 */
final class BotDeliveryHealthIndicator extends AbstractHealthIndicator {
    private final DeliveryEngine engine;
    private final DeliveryEngineLifecycle lifecycle;
    private final RetryStore store;

    BotDeliveryHealthIndicator(DeliveryEngine engine, DeliveryEngineLifecycle lifecycle, RetryStore store) {
        super("bot-delivery health check failed");
        this.engine = engine;
        this.lifecycle = lifecycle;
        this.store = store;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("engine", lifecycle.isRunning() ? "running" : "stopped")
                .withDetail("held", engine.heldCount());
        QueueSummary summary;
        try {
            summary = store == null ? engine.summary() : store.summary();
        } catch (RuntimeException e) {
            // the store's messages name the server, never a password
            builder.down().withDetail("store", "unreachable: " + e.getMessage());
            return;
        }
        Map<String, Long> byStatus = new LinkedHashMap<>();
        for (DeliveryStatus status : DeliveryStatus.values()) {
            byStatus.put(status.name().toLowerCase(Locale.ROOT), summary.count(status));
        }
        builder.withDetail("store", "reachable").withDetail("deliveries", byStatus);
        summary.oldestPending().ifPresent(t -> builder.withDetail("oldestPendingSince", t.toString()));
        if (lifecycle.isRunning()) {
            builder.up();
        } else {
            builder.down();
        }
    }
}
