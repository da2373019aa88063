package io.botdelivery.store.postgres;

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

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Converts between {@link Delivery} and {@link DeliveryRow}. */
final class DeliveryRows {

    private DeliveryRows() {
    }

    /** The row for a new delivery; status, lease and due time are decided by the insert. */
    static DeliveryRow newRow(Delivery d) {
        DeliveryRequest r = d.request();
        DeliveryRow row = new DeliveryRow();
        row.id = d.id().value();
        row.idempotencyKey = r.idempotencyKey().value();
        row.requestChatId = r.chatId();
        row.payloadKind = r.payload().kind();
        row.businessReference = r.businessReference();
        row.orderingKey = r.orderingKey();
        row.priority = r.priority().rank();
        row.onAmbiguous = r.onAmbiguous().name();
        row.allowPaidBroadcast = r.allowPaidBroadcast();
        row.payload = PayloadCodec.write(r.payload());
        row.chatId = d.chatId();
        row.attempts = d.attempts();
        row.deliveredItems = d.deliveredItems();
        row.messageIds = d.messageIds();
        row.lastError = d.lastError();
        row.lastErrorClass = d.lastErrorClass() == null ? null : d.lastErrorClass().name();
        row.createdAt = micros(d.createdAt());
        row.updatedAt = micros(d.updatedAt());
        row.nextAttemptAt = micros(d.nextAttemptAt() != null ? d.nextAttemptAt() : d.createdAt());
        return row;
    }

    /** PostgreSQL keeps microseconds; truncating before writing makes what is read back equal to what was written. */
    static Instant micros(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
    }

    /** The stored delivery, or why it cannot be read. */
    static Delivery toDelivery(DeliveryRow row) throws UnreadableDeliveryException {
        Payload payload;
        try {
            payload = PayloadCodec.read(row.payload);
        } catch (UnreadablePayloadException e) {
            throw new UnreadableDeliveryException(e.getMessage(), e);
        }
        return toDelivery(row, payload);
    }

    /**
     * The stored delivery if it can be read, otherwise a stand-in for alerts and admin views: the columns that can be
     * read, and a text payload saying what is wrong with the rest. Never throws for bad data.
     */
    static Delivery toDeliveryOrStandIn(DeliveryRow row) {
        try {
            return toDelivery(row);
        } catch (UnreadableDeliveryException e) {
            return standIn(row, e.getMessage());
        }
    }

    /** The stand-in described in {@link #toDeliveryOrStandIn}. */
    static Delivery standIn(DeliveryRow row, String problem) {
        String text = "Unreadable delivery " + row.id + " (" + orUnknown(row.payloadKind) + ", reference "
                + orUnknown(row.businessReference) + "): " + problem;
        Payload payload = new Payload.Text(text.length() > Payload.MAX_TEXT_LENGTH ? text.substring(0, Payload.MAX_TEXT_LENGTH) : text,
                ParseMode.PLAIN);
        long chatId = row.requestChatId != 0 ? row.requestChatId : row.chatId;
        DeliveryRequest request = new DeliveryRequest(
                chatId != 0 ? chatId : Long.MIN_VALUE,
                payload,
                readableKey(row),
                orDefault(() -> Priority.ofRank(row.priority), Priority.NORMAL),
                orDefault(() -> AmbiguousOutcomePolicy.valueOf(row.onAmbiguous), AmbiguousOutcomePolicy.RETRY),
                fits(row.businessReference) ? row.businessReference : null,
                fits(row.orderingKey) && !row.orderingKey.isBlank() ? row.orderingKey : null,
                row.allowPaidBroadcast);
        DeliveryStatus status = orDefault(() -> DeliveryStatus.valueOf(row.status), DeliveryStatus.FAILED);
        return new Delivery(new DeliveryId(row.id), request, row.chatId != 0 ? row.chatId : request.chatId(), status,
                Math.max(0, row.attempts), Math.max(0, row.deliveredItems), row.messageIds,
                row.lastError != null ? row.lastError : problem,
                orDefault(() -> FailureClass.valueOf(row.lastErrorClass), FailureClass.UNREADABLE),
                row.createdAt, row.updatedAt, row.nextAttemptAt, finishedAt(row, status), row.notifiedAt);
    }

    private static Delivery toDelivery(DeliveryRow row, Payload payload) throws UnreadableDeliveryException {
        try {
            DeliveryRequest request = new DeliveryRequest(
                    row.requestChatId,
                    payload,
                    IdempotencyKey.of(row.idempotencyKey),
                    Priority.ofRank(row.priority),
                    AmbiguousOutcomePolicy.valueOf(row.onAmbiguous),
                    row.businessReference,
                    row.orderingKey,
                    row.allowPaidBroadcast);
            DeliveryStatus status = DeliveryStatus.valueOf(row.status);
            return new Delivery(new DeliveryId(row.id), request, row.chatId, status, row.attempts, row.deliveredItems,
                    row.messageIds, row.lastError,
                    row.lastErrorClass == null ? null : FailureClass.valueOf(row.lastErrorClass),
                    row.createdAt, row.updatedAt, status.isFinal() ? null : row.nextAttemptAt, finishedAt(row, status),
                    row.notifiedAt, row.sendStarted);
        } catch (InvalidDeliveryException e) {
            throw new UnreadableDeliveryException("stored request is not valid: " + e.getMessage(), e);
        } catch (IllegalArgumentException | IndexOutOfBoundsException | NullPointerException e) {
            // an enum name or rank this version does not know (written by a newer version), or a hand-edited row
            throw new UnreadableDeliveryException("stored columns cannot be read: " + e, e);
        }
    }

    private static Instant finishedAt(DeliveryRow row, DeliveryStatus status) {
        switch (status) {
            case DELIVERED:
                return row.deliveredAt;
            case FAILED:
                return row.failedAt;
            case CANCELLED:
                return row.cancelledAt;
            default:
                return null;
        }
    }

    private static IdempotencyKey readableKey(DeliveryRow row) {
        try {
            return IdempotencyKey.of(row.idempotencyKey);
        } catch (InvalidDeliveryException e) {
            return IdempotencyKey.of("unreadable:" + row.id);
        }
    }

    private static boolean fits(String reference) {
        return reference != null && reference.length() <= DeliveryRequest.MAX_REFERENCE_LENGTH;
    }

    private static String orUnknown(String value) {
        return value == null ? "none" : value;
    }

    private interface Reader<T> {
        T read();
    }

    private static <T> T orDefault(Reader<T> reader, T fallback) {
        try {
            T value = reader.read();
            return value == null ? fallback : value;
        } catch (RuntimeException e) {
            return fallback;
        }
    }
}
