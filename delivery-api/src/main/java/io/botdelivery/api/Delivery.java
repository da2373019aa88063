package io.botdelivery.api;

import java.time.Instant;
import java.util.List;

/**
 * A snapshot of one delivery as the store holds it.
 *
 * @param id               the engine's id
 * @param request          what was submitted
 * @param chatId           where it goes now: the request's chat, or the supergroup it migrated to
 * @param status           lifecycle state
 * @param attempts         failed sends counted against {@code maxAttempts} (429s are not counted)
 * @param deliveredItems   album items already delivered (a partial album resends only the rest)
 * @param messageIds       Telegram message ids received so far
 * @param lastError        the last error's text, or {@code null}
 * @param lastErrorClass   the last error's class, or {@code null}
 * @param createdAt        when it was accepted
 * @param updatedAt        last change
 * @param nextAttemptAt    when it is due (PENDING), or {@code null} when final
 * @param finishedAt       when it became DELIVERED, FAILED or CANCELLED, or {@code null}
 * @param notifiedAt       when the admin was told it FAILED, or {@code null}
 * @param sendStarted      a worker recorded that it was putting this delivery on the wire and has recorded no answer
 *                         since; a GIVE_UP delivery claimed in this state may have arrived, so it is not sent again
 */
public record Delivery(
        DeliveryId id,
        DeliveryRequest request,
        long chatId,
        DeliveryStatus status,
        int attempts,
        int deliveredItems,
        List<Long> messageIds,
        String lastError,
        FailureClass lastErrorClass,
        Instant createdAt,
        Instant updatedAt,
        Instant nextAttemptAt,
        Instant finishedAt,
        Instant notifiedAt,
        boolean sendStarted) {

    public Delivery {
        InvalidDeliveryException.required(id, "id");
        InvalidDeliveryException.required(request, "request");
        InvalidDeliveryException.required(status, "status");
        InvalidDeliveryException.required(createdAt, "createdAt");
        InvalidDeliveryException.required(updatedAt, "updatedAt");
        messageIds = messageIds == null ? List.of() : List.copyOf(messageIds);
        if (attempts < 0 || deliveredItems < 0) {
            throw new IllegalArgumentException("attempts and deliveredItems must not be negative");
        }
    }

    /** A snapshot whose send has not started (no "send started" mark). */
    public Delivery(DeliveryId id, DeliveryRequest request, long chatId, DeliveryStatus status, int attempts,
                    int deliveredItems, List<Long> messageIds, String lastError, FailureClass lastErrorClass,
                    Instant createdAt, Instant updatedAt, Instant nextAttemptAt, Instant finishedAt, Instant notifiedAt) {
        this(id, request, chatId, status, attempts, deliveredItems, messageIds, lastError, lastErrorClass, createdAt,
                updatedAt, nextAttemptAt, finishedAt, notifiedAt, false);
    }

    /** A fresh PENDING delivery, due at {@code now}. */
    public static Delivery accepted(DeliveryId id, DeliveryRequest request, Instant now) {
        return new Delivery(id, request, request.chatId(), DeliveryStatus.PENDING, 0, 0, List.of(), null, null,
                now, now, now, null, null);
    }

    /** What is left to send: the whole payload, or the undelivered rest of an album. */
    public Payload remainingPayload() {
        if (request.payload() instanceof Payload.Album album) {
            return album.remainingAfter(deliveredItems);
        }
        return request.payload();
    }

    public Delivery withStatus(DeliveryStatus newStatus, Instant now) {
        return new Delivery(id, request, chatId, newStatus, attempts, deliveredItems, messageIds, lastError,
                lastErrorClass, createdAt, now, nextAttemptAt, finishedAt, notifiedAt, sendStarted);
    }
}
