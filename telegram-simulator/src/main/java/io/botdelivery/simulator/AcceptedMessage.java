package io.botdelivery.simulator;

import java.time.Instant;
import java.util.Objects;

/**
 * One message the simulator accepted (an album item is one message).
 *
 * @param sendId       the accepted call it belongs to (an album's items share one)
 * @param chatId       where it went
 * @param messageId    its id, counted per chat from 1
 * @param kind         text, photo, video, animation, document, audio or invoice
 * @param text         the text, caption or invoice title, or {@code null}
 * @param fileId       the file_id it carries ({@code null} for text and invoices)
 * @param origin       how the file came: uploaded, by file_id, by URL ({@link Origin#NONE} for text)
 * @param fileName     the uploaded file's name, or {@code null}
 * @param mediaGroupId the album's id, or {@code null}
 * @param albumIndex   1-based position in its album, 0 outside albums
 * @param paidBroadcast sent with {@code allow_paid_broadcast}
 * @param answerLost   the connection was dropped after it was accepted: the caller never heard of it
 * @param at           when it was accepted (simulator clock)
 */
public record AcceptedMessage(long sendId, long chatId, long messageId, String kind, String text, String fileId,
                              Origin origin, String fileName, String mediaGroupId, int albumIndex,
                              boolean paidBroadcast, boolean answerLost, Instant at) {

    /** How a message's file reached the simulator. */
    public enum Origin { NONE, UPLOAD, FILE_ID, URL }

    public AcceptedMessage {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(at, "at");
    }

    /** What identifies the content for tests: the text or caption, else the uploaded file's name, else the file id. */
    public String content() {
        if (text != null) {
            return text;
        }
        return fileName != null ? fileName : fileId;
    }
}
