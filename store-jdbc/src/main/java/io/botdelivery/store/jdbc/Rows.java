package io.botdelivery.store.jdbc;

import io.botdelivery.api.AmbiguousOutcomePolicy;
import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.IdempotencyKey;
import io.botdelivery.api.InvalidDeliveryException;
import io.botdelivery.api.ParseMode;
import io.botdelivery.api.Payload;
import io.botdelivery.api.Priority;
import io.botdelivery.codec.PayloadCodec;
import io.botdelivery.codec.UnreadablePayloadException;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** One {@code delivery} row, as read, with no interpretation; and its conversions to a {@link Delivery}. */
record Rows(String id, long seq, String idempotencyKey, long requestChatId, String payloadKind, String businessReference,
            String orderingKey, int priority, String onAmbiguous, boolean allowPaidBroadcast, String payload,
            String status, long chatId, int attempts, int deliveredItems, String messageIds, String lastError,
            String lastErrorClass, Instant nextAttemptAt, Instant createdAt, Instant updatedAt, Instant finishedAt,
            Instant notifiedAt, boolean sendStarted) {

    static final String COLUMNS = "id, seq, idempotency_key, request_chat_id, payload_kind, business_reference, "
            + "ordering_key, priority, on_ambiguous, allow_paid_broadcast, payload, status, chat_id, attempts, "
            + "delivered_items, message_ids, last_error, last_error_class, next_attempt_at, created_at, updated_at, "
            + "finished_at, notified_at, send_started";

    static Rows read(ResultSet rs, SqlDialect dialect) throws SQLException {
        return new Rows(rs.getString("id"), rs.getLong("seq"), rs.getString("idempotency_key"),
                rs.getLong("request_chat_id"), rs.getString("payload_kind"), rs.getString("business_reference"),
                rs.getString("ordering_key"), rs.getInt("priority"), rs.getString("on_ambiguous"),
                rs.getBoolean("allow_paid_broadcast"), rs.getString("payload"), rs.getString("status"),
                rs.getLong("chat_id"), rs.getInt("attempts"), rs.getInt("delivered_items"), rs.getString("message_ids"),
                rs.getString("last_error"), rs.getString("last_error_class"), dialect.readInstant(rs, "next_attempt_at"),
                dialect.readInstant(rs, "created_at"), dialect.readInstant(rs, "updated_at"),
                dialect.readInstant(rs, "finished_at"), dialect.readInstant(rs, "notified_at"),
                rs.getBoolean("send_started"));
    }

    /** The same row leased by a claim: IN_FLIGHT, written at {@code now}, the "send started" mark cleared. */
    Rows claimed(Instant now) {
        return new Rows(id, seq, idempotencyKey, requestChatId, payloadKind, businessReference, orderingKey, priority,
                onAmbiguous, allowPaidBroadcast, payload, DeliveryStatus.IN_FLIGHT.name(), chatId, attempts,
                deliveredItems, messageIds, lastError, lastErrorClass, nextAttemptAt, createdAt, now, finishedAt,
                notifiedAt, sendStarted);
    }

    static String joinIds(List<Long> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    static List<Long> splitIds(String ids) {
        return ids == null || ids.isEmpty() ? List.of() : Arrays.stream(ids.split(",")).map(Long::valueOf).toList();
    }

    /** The stored delivery, or why it cannot be read (corrupted, or written by a newer version). */
    Delivery toDelivery() throws UnreadablePayloadException {
        Payload p = PayloadCodec.read(payload);
        try {
            DeliveryRequest request = new DeliveryRequest(requestChatId, p, IdempotencyKey.of(idempotencyKey),
                    Priority.ofRank(priority), AmbiguousOutcomePolicy.valueOf(onAmbiguous), businessReference,
                    orderingKey, allowPaidBroadcast);
            DeliveryStatus s = DeliveryStatus.valueOf(status);
            return new Delivery(new DeliveryId(UUID.fromString(id)), request, chatId, s, attempts, deliveredItems,
                    splitIds(messageIds), lastError, lastErrorClass == null ? null : FailureClass.valueOf(lastErrorClass),
                    createdAt, updatedAt, s.isFinal() ? null : nextAttemptAt, s.isFinal() ? finishedAt : null,
                    notifiedAt, sendStarted);
        } catch (InvalidDeliveryException e) {
            throw new UnreadablePayloadException("stored request is not valid: " + e.getMessage(), e);
        } catch (IllegalArgumentException | IndexOutOfBoundsException | NullPointerException e) {
            // an enum name or rank this version does not know (written by a newer version), or a hand-edited row
            throw new UnreadablePayloadException("stored columns cannot be read: " + e, e);
        }
    }

    /**
     * The stored delivery if it can be read, else a stand-in for alerts and admin views: the columns that can be read
     * and a text payload saying what is wrong. An unreadable delivery is exactly the one a human must look at, so
     * queries and the alert outbox must show it rather than fail.
     */
    Delivery toDeliveryOrStandIn() {
        try {
            return toDelivery();
        } catch (UnreadablePayloadException e) {
            return standIn(e.getMessage());
        }
    }

    private Delivery standIn(String problem) {
        String text = "Unreadable delivery " + id + " (" + payloadKind + ", reference " + businessReference + "): " + problem;
        Payload p = new Payload.Text(text.substring(0, Math.min(text.length(), Payload.MAX_TEXT_LENGTH)), ParseMode.PLAIN);
        DeliveryRequest request = new DeliveryRequest(requestChatId != 0 ? requestChatId : Long.MIN_VALUE, p,
                orDefault(() -> IdempotencyKey.of(idempotencyKey), IdempotencyKey.of("unreadable:" + id)),
                orDefault(() -> Priority.ofRank(priority), Priority.NORMAL),
                orDefault(() -> AmbiguousOutcomePolicy.valueOf(onAmbiguous), AmbiguousOutcomePolicy.RETRY),
                null, null, allowPaidBroadcast);
        DeliveryStatus s = orDefault(() -> DeliveryStatus.valueOf(status), DeliveryStatus.FAILED);
        return new Delivery(new DeliveryId(UUID.fromString(id)), request, chatId != 0 ? chatId : request.chatId(), s,
                Math.max(0, attempts), Math.max(0, deliveredItems), orDefault(() -> splitIds(messageIds), List.of()),
                lastError != null ? lastError : problem,
                orDefault(() -> FailureClass.valueOf(lastErrorClass), FailureClass.UNREADABLE), createdAt, updatedAt,
                s.isFinal() ? null : nextAttemptAt, s.isFinal() ? finishedAt : null, notifiedAt);
    }

    private static <T> T orDefault(Supplier<T> reader, T fallback) {
        try {
            T value = reader.get();
            return value == null ? fallback : value;
        } catch (RuntimeException e) {
            return fallback;
        }
    }
}
