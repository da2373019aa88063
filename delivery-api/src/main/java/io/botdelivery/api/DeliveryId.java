package io.botdelivery.api;

import java.util.UUID;

/** The engine's identifier of one delivery; stable across retries, instances and restarts. */
public record DeliveryId(UUID value) {
    public DeliveryId {
        InvalidDeliveryException.required(value, "deliveryId");
    }

    public static DeliveryId random() {
        return new DeliveryId(UUID.randomUUID());
    }

    /** Parses the form printed by {@link #toString()}; throws {@link InvalidDeliveryException} on anything else. */
    public static DeliveryId parse(String text) {
        try {
            return new DeliveryId(UUID.fromString(text.trim()));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidDeliveryException("deliveryId", "must be a UUID such as 3f2b8c9e-1d4a-4c1e-9b7a-2f6d0e8a5c31");
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
