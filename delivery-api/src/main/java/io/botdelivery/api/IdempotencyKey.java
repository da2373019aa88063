package io.botdelivery.api;

import java.util.UUID;

/**
 * Caller-chosen key that makes {@link DeliveryService#submit} idempotent: submitting the same key twice creates one
 * delivery. Use something the business already has, e.g. a payment's {@code telegram_payment_charge_id}, or
 * {@code "broadcast-42:" + chatId}.
 */
public record IdempotencyKey(String value) {
    public static final int MAX_LENGTH = 200;

    public IdempotencyKey {
        InvalidDeliveryException.required(value, "idempotencyKey");
        InvalidDeliveryException.check(!value.isBlank(), "idempotencyKey", "must not be blank");
        InvalidDeliveryException.check(value.length() <= MAX_LENGTH, "idempotencyKey", "at most " + MAX_LENGTH + " characters");
    }

    public static IdempotencyKey of(String value) {
        return new IdempotencyKey(value);
    }

    /** A fresh random key, for deliveries that have no natural one. */
    public static IdempotencyKey random() {
        return new IdempotencyKey(UUID.randomUUID().toString());
    }

    @Override
    public String toString() {
        return value;
    }
}
