package io.botdelivery.core.spi;

import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.Payload;

import java.util.Objects;

/**
 * One attempt to hand a payload to Telegram, as the engine gives it to a {@link Sender}.
 *
 * @param deliveryId         for logs and correlation only
 * @param chatId             the current target (after any migration)
 * @param payload            what to send now: the whole payload, or the undelivered rest of an album
 * @param allowPaidBroadcast pass {@code allow_paid_broadcast} to Telegram
 * @param attempt            1 for the first send, counting earlier sends of this delivery
 */
public record SendRequest(DeliveryId deliveryId, long chatId, Payload payload, boolean allowPaidBroadcast, int attempt) {
    public SendRequest {
        Objects.requireNonNull(deliveryId, "deliveryId");
        Objects.requireNonNull(payload, "payload");
        if (chatId == 0) {
            throw new IllegalArgumentException("chatId must not be 0");
        }
    }
}
