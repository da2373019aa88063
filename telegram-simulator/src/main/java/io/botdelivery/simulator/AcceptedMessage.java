package io.botdelivery.simulator;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One message the simulator accepted (an album item is one message).
 *
 * @param sendId       the accepted call it belongs to (an album's items share one)
 * @param chatId       where it went
 * @param messageId    its id, counted per chat from 1
 * @param kind         text, photo, video, animation, document, audio, sticker, voice, video_note, invoice, location,
 *                     venue, contact, dice, poll, copy or forward
 * @param text         the text, caption (a copy's new one), invoice or venue title, poll question, contact's first name or dice emoji,
 *                     or {@code null}
 * @param fileId       the file_id it carries ({@code null} for text and invoices)
 * @param origin       how the file came: uploaded, by file_id, by URL ({@link Origin#NONE} for text)
 * @param fileName     the uploaded file's name, or {@code null}
 * @param mediaGroupId the album's id, or {@code null}
 * @param albumIndex   1-based position in its album, 0 outside albums
 * @param paidBroadcast sent with {@code allow_paid_broadcast}
 * @param answerLost   the connection was dropped after it was accepted: the caller never heard of it
 * @param at           when it was accepted (simulator clock)
 * @param parameters   the call's parameters exactly as received, files left out; JSON values (reply_markup,
 *                     reply_parameters, link_preview_options, media, options…) as their JSON text. An album's items
 *                     share their call's.
 */
public record AcceptedMessage(long sendId, long chatId, long messageId, String kind, String text, String fileId,
                              Origin origin, String fileName, String mediaGroupId, int albumIndex,
                              boolean paidBroadcast, boolean answerLost, Instant at, Map<String, String> parameters) {

    /** How a message's file reached the simulator. */
    public enum Origin { NONE, UPLOAD, FILE_ID, URL }

    public AcceptedMessage {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(at, "at");
        parameters = Map.copyOf(parameters);
    }

    /** A parameter of the call as received, or {@code null}. */
    public String parameter(String name) {
        return parameters.get(name);
    }

    /** A JSON parameter (reply_markup, reply_parameters, link_preview_options…) parsed, or {@code null} if absent. */
    public JsonNode jsonParameter(String name) {
        String value = parameters.get(name);
        if (value == null) {
            return null;
        }
        try {
            return Shapes.JSON.readTree(value);
        } catch (IOException e) {
            throw new IllegalStateException("parameter " + name + " is not JSON: " + value, e);
        }
    }

    /** A boolean flag parameter (disable_notification, protect_content…) set to true. */
    public boolean flag(String name) {
        String value = parameters.get(name);
        return value != null && (value.equalsIgnoreCase("true") || value.equals("1"));
    }

    /** What identifies the content for tests: the text or caption, else the uploaded file's name, else the file id. */
    public String content() {
        if (text != null) {
            return text;
        }
        return fileName != null ? fileName : fileId;
    }
}
