package io.botdelivery.example.shop;

import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryService;
import io.botdelivery.api.Redaction;
import io.botdelivery.core.spi.RetryStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Stores a paid order's deliveries, or says it could not: {@link #store} returns only once every part is in the store
 * (the engine's {@code submit} returns after the write), so the payment update may then be confirmed to Telegram.
 *
 * <p>A store that cannot be reached ({@link RetryStoreException}: a connection lost, a failover) is tried again with
 * backoff a few times; if it still fails, {@link PaymentNotStoredException} tells the update loop to leave the update
 * unconfirmed, so Telegram sends it again and this runs again. Parts stored on an earlier try are not stored twice: their
 * idempotency keys ({@link PackOrder}) make the repeat a no-op. The admins hear about such a payment once (not once per
 * try or per redelivery), because they may need to look at the database; after a restart a payment still failing alerts
 * once more.
 */
final class PaymentIntake {
    private static final Logger log = LoggerFactory.getLogger(PaymentIntake.class);
    /** Payments alerted about and not stored yet; bounded so a long outage with many buyers cannot grow it forever. */
    static final int REMEMBERED_PAYMENTS = 10_000;

    /**
     * How hard one handling of a payment update tries before giving the update back to Telegram.
     *
     * @param attempts   submit rounds per handling (at least 1)
     * @param firstDelay pause after the first failed round; doubles each round
     * @param maxDelay   the longest pause
     */
    record StoreRetry(int attempts, Duration firstDelay, Duration maxDelay) {
        StoreRetry {
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be at least 1");
            }
            Objects.requireNonNull(firstDelay, "firstDelay");
            Objects.requireNonNull(maxDelay, "maxDelay");
        }

        /** 5 rounds, 0.2 s, 0.4 s, 0.8 s, 1.6 s apart: a failover of a few seconds is ridden out inside one handling. */
        static final StoreRetry DEFAULT = new StoreRetry(5, Duration.ofMillis(200), Duration.ofSeconds(5));
    }

    /** The order could not be stored; the update carrying it must not be confirmed. */
    static final class PaymentNotStoredException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PaymentNotStoredException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final DeliveryService deliveries;
    private final StoreRetry retry;
    private final Consumer<String> alertAdmins;
    private final Set<String> alerted = Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<String, Boolean>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_PAYMENTS;
        }
    }));

    PaymentIntake(DeliveryService deliveries, StoreRetry retry, Consumer<String> alertAdmins) {
        this.deliveries = Objects.requireNonNull(deliveries, "deliveries");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.alertAdmins = Objects.requireNonNull(alertAdmins, "alertAdmins");
    }

    /**
     * Submits every part of the order; returns how many were new (0: the payment was seen before).
     *
     * @throws PaymentNotStoredException the store kept failing, or the engine is stopping, or the thread was interrupted
     * @throws io.botdelivery.api.InvalidDeliveryException a part can never be delivered (a configuration problem)
     */
    int store(PackOrder order) {
        Duration delay = retry.firstDelay();
        RuntimeException last = null;
        for (int round = 1; round <= retry.attempts(); round++) {
            try {
                int created = 0;
                for (DeliveryRequest request : order.deliveries()) {
                    created += deliveries.submit(request).created() ? 1 : 0;
                }
                if (alerted.remove(order.chargeId())) {
                    log.info("payment {} in chat {} is stored now, after the store failed earlier", order.chargeId(), order.chatId());
                }
                return created;
            } catch (RetryStoreException e) {
                last = e;
                log.warn("payment {}: the store failed (round {} of {}): {}", order.chargeId(), round, retry.attempts(),
                        Redaction.redact(String.valueOf(e.getMessage())));
            } catch (IllegalStateException e) {
                // the engine is shutting down: nothing stored; the update stays with Telegram for the next start
                throw new PaymentNotStoredException("the delivery engine is stopping", e);
            }
            if (round < retry.attempts()) {
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PaymentNotStoredException("interrupted while waiting to try the store again", e);
                }
                delay = delay.multipliedBy(2).compareTo(retry.maxDelay()) <= 0 ? delay.multipliedBy(2) : retry.maxDelay();
            }
        }
        String reason = Redaction.redact(String.valueOf(last.getMessage()));
        if (alerted.add(order.chargeId())) {
            alertAdmins.accept("⚠️ Payment " + order.chargeId() + " in chat " + order.chatId() + " (" + order.product().id()
                    + ") is not stored yet: the store failed " + retry.attempts() + " times in a row (" + reason + ").\n"
                    + "The update stays unconfirmed, so Telegram sends it again and the bot keeps trying; the pack goes out "
                    + "once it is stored. If this lasts, check the database. (One alert per payment.)");
        }
        throw new PaymentNotStoredException("the store failed " + retry.attempts() + " times: " + reason, last);
    }
}
