package io.botdelivery.store.postgres;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One row of the {@code delivery} table as MyBatis reads and writes it: plain columns, no interpretation.
 * {@link DeliveryRows} turns it into a {@code Delivery} (or explains why it cannot).
 */
final class DeliveryRow {
    UUID id;
    long seq;
    String idempotencyKey;
    long requestChatId;
    String payloadKind;
    String businessReference;
    String orderingKey;
    int priority;
    String onAmbiguous;
    boolean allowPaidBroadcast;
    String payload;
    String status;
    long chatId;
    int attempts;
    int deliveredItems;
    List<Long> messageIds;
    String lastError;
    String lastErrorClass;
    Instant nextAttemptAt;
    String leaseOwner;
    Instant leaseUntil;
    Instant createdAt;
    Instant updatedAt;
    Instant deliveredAt;
    Instant failedAt;
    Instant cancelledAt;
    Instant notifiedAt;
    boolean sendStarted;
}
