package io.botdelivery.api;

import java.util.Objects;

/**
 * One thing to deliver to one chat. Build with {@link #builder(long, Payload)}; construction validates everything
 * Telegram would refuse, so a request that exists is one the engine can accept.
 *
 * @param chatId             recipient: a user (positive) or a group/channel (negative) chat id
 * @param payload            what to send
 * @param idempotencyKey     submitting the same key twice creates one delivery
 * @param priority           dispatch order between chats when the global budget is the bottleneck
 * @param onAmbiguous        what to do when Telegram may or may not have received a send
 * @param businessReference  e.g. an order id; shown in admin alerts and monitoring views ({@code null} for none)
 * @param orderingKey        deliveries sharing this key are sent strictly in submission order even across retries,
 *                           e.g. one order's album and its receipt ({@code null} for none)
 * @param allowPaidBroadcast send in Telegram's paid-broadcast lane (up to 1000 msg/s, charged in Stars)
 */
public record DeliveryRequest(
        long chatId,
        Payload payload,
        IdempotencyKey idempotencyKey,
        Priority priority,
        AmbiguousOutcomePolicy onAmbiguous,
        String businessReference,
        String orderingKey,
        boolean allowPaidBroadcast) {

    public static final int MAX_REFERENCE_LENGTH = 200;

    public DeliveryRequest {
        InvalidDeliveryException.check(chatId != 0, "chatId", "must not be 0");
        InvalidDeliveryException.required(payload, "payload");
        InvalidDeliveryException.required(idempotencyKey, "idempotencyKey");
        InvalidDeliveryException.required(priority, "priority");
        InvalidDeliveryException.required(onAmbiguous, "onAmbiguous");
        if (businessReference != null) {
            InvalidDeliveryException.check(businessReference.length() <= MAX_REFERENCE_LENGTH, "businessReference",
                    "at most " + MAX_REFERENCE_LENGTH + " characters");
        }
        if (orderingKey != null) {
            InvalidDeliveryException.check(!orderingKey.isBlank() && orderingKey.length() <= MAX_REFERENCE_LENGTH,
                    "orderingKey", "1 to " + MAX_REFERENCE_LENGTH + " characters");
        }
        // forwardMessage has no allow_paid_broadcast: sent at paid-lane speed it would meet the free limits and 429
        InvalidDeliveryException.check(!(allowPaidBroadcast && payload instanceof Payload.Forward), "allowPaidBroadcast",
                "forwardMessage cannot use the paid broadcast lane; copy the message instead");
    }

    /** Whether the recipient is a group, supergroup or channel (Telegram gives them negative ids). */
    public boolean isGroupChat() {
        return chatId < 0;
    }

    public static Builder builder(long chatId, Payload payload) {
        return new Builder(chatId, payload);
    }

    public Builder toBuilder() {
        return new Builder(chatId, payload)
                .idempotencyKey(idempotencyKey)
                .priority(priority)
                .onAmbiguous(onAmbiguous)
                .businessReference(businessReference)
                .orderingKey(orderingKey)
                .allowPaidBroadcast(allowPaidBroadcast);
    }

    /** Defaults: a random idempotency key, NORMAL priority, RETRY on ambiguous outcomes, no reference, no ordering key. */
    public static final class Builder {
        private final long chatId;
        private final Payload payload;
        private IdempotencyKey idempotencyKey;
        private Priority priority = Priority.NORMAL;
        private AmbiguousOutcomePolicy onAmbiguous = AmbiguousOutcomePolicy.RETRY;
        private String businessReference;
        private String orderingKey;
        private boolean allowPaidBroadcast;

        private Builder(long chatId, Payload payload) {
            this.chatId = chatId;
            this.payload = payload;
        }

        public Builder idempotencyKey(IdempotencyKey key) {
            this.idempotencyKey = key;
            return this;
        }

        public Builder idempotencyKey(String key) {
            return idempotencyKey(new IdempotencyKey(key));
        }

        public Builder priority(Priority priority) {
            this.priority = Objects.requireNonNull(priority, "priority");
            return this;
        }

        public Builder onAmbiguous(AmbiguousOutcomePolicy policy) {
            this.onAmbiguous = Objects.requireNonNull(policy, "onAmbiguous");
            return this;
        }

        public Builder businessReference(String reference) {
            this.businessReference = reference;
            return this;
        }

        public Builder orderingKey(String orderingKey) {
            this.orderingKey = orderingKey;
            return this;
        }

        public Builder allowPaidBroadcast(boolean allow) {
            this.allowPaidBroadcast = allow;
            return this;
        }

        public DeliveryRequest build() {
            return new DeliveryRequest(chatId, payload, idempotencyKey == null ? IdempotencyKey.random() : idempotencyKey,
                    priority, onAmbiguous, businessReference, orderingKey, allowPaidBroadcast);
        }
    }
}
