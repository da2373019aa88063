package io.botdelivery.store.jdbc;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.codec.PayloadCodec;
import io.botdelivery.core.spi.Lease;

import java.time.Instant;
import java.util.Objects;

/**
 * How a new delivery becomes a {@code delivery} row: the one INSERT, its parameters, and the delivery as it will read
 * back. Separate because both {@link JdbcRetryStore#save} and the batched saves ({@link BatchSaves}) insert, and
 * must write exactly the same row.
 */
final class Inserts {
    static final String INSERT = "INSERT INTO delivery (id, idempotency_key, request_chat_id, payload_kind,"
            + " business_reference, ordering_key, priority, on_ambiguous, allow_paid_broadcast, payload, status, chat_id,"
            + " attempts, delivered_items, message_ids, last_error, last_error_class, next_attempt_at, lease_owner,"
            + " lease_until, due_at, created_at, updated_at, send_started)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final Statements jdbc;

    Inserts(Statements jdbc) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    }

    /** The insert's parameters (see {@link #INSERT}): a new delivery, IN_FLIGHT under {@code lease} when given. */
    Object[] params(Delivery delivery, Lease lease) {
        DeliveryRequest r = delivery.request();
        boolean leased = lease != null;
        Instant due = dueAt(delivery);
        Object until = leased ? jdbc.at(lease.until()) : Statements.Null.TIMESTAMP;
        DeliveryStatus status = leased ? DeliveryStatus.IN_FLIGHT : DeliveryStatus.PENDING;
        return new Object[] {delivery.id().value().toString(), r.idempotencyKey().value(), r.chatId(),
                r.payload().kind(), r.businessReference(), r.orderingKey(), r.priority().rank(), r.onAmbiguous().name(),
                r.allowPaidBroadcast(), PayloadCodec.write(r.payload()), status.name(), delivery.chatId(),
                delivery.attempts(), delivery.deliveredItems(), Rows.joinIds(delivery.messageIds()),
                delivery.lastError(), delivery.lastErrorClass() == null ? null : delivery.lastErrorClass().name(), due,
                leased ? lease.owner() : null, until, leased ? until : due, jdbc.at(delivery.createdAt()),
                jdbc.at(delivery.updatedAt()), false};
    }

    /** What was stored for a new delivery, as {@link JdbcRetryStore#find} would read it back. */
    Delivery stored(Delivery delivery, boolean leased) {
        return new Delivery(delivery.id(), delivery.request(), delivery.chatId(),
                leased ? DeliveryStatus.IN_FLIGHT : DeliveryStatus.PENDING, delivery.attempts(),
                delivery.deliveredItems(), delivery.messageIds(), delivery.lastError(), delivery.lastErrorClass(),
                jdbc.at(delivery.createdAt()), jdbc.at(delivery.updatedAt()), dueAt(delivery), null, null);
    }

    private Instant dueAt(Delivery delivery) {
        return jdbc.at(delivery.nextAttemptAt() != null ? delivery.nextAttemptAt() : delivery.createdAt());
    }
}
