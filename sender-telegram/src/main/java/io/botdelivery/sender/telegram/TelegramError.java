package io.botdelivery.sender.telegram;

import java.util.Objects;

/**
 * One error answer of the Bot API, classified.
 *
 * @param httpStatus       the HTTP status (0 when only the text of an album's inner error is known)
 * @param description      Telegram's description, or a short summary of a non-JSON body
 * @param errorClass       what it means for the delivery
 * @param retryAfterSeconds {@code parameters.retry_after} (or parsed from the text), for {@link TelegramErrorClass#RATE_LIMITED}
 * @param migrateToChatId  {@code parameters.migrate_to_chat_id}, for {@link TelegramErrorClass#REDIRECT}
 * @param failedItem       1-based item of a {@link TelegramErrorClass#PARTIAL_ALBUM}, else 0
 * @param inner            the failing item's own error, for a partial album, else {@code null}
 */
record TelegramError(int httpStatus, String description, TelegramErrorClass errorClass, long retryAfterSeconds,
                     long migrateToChatId, int failedItem, TelegramError inner) {
    TelegramError {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(errorClass, "errorClass");
        if (errorClass == TelegramErrorClass.PARTIAL_ALBUM && (inner == null || failedItem < 1)) {
            throw new IllegalArgumentException("a partial album names its failing item and inner error");
        }
    }

    static TelegramError of(int httpStatus, String description, TelegramErrorClass errorClass) {
        return new TelegramError(httpStatus, description, errorClass, 0, 0, 0, null);
    }

    /** Whether this error (or a partial album's inner error) is a stale file id. */
    boolean isStaleFileId() {
        return errorClass == TelegramErrorClass.STALE_FILE_ID;
    }

    @Override
    public String toString() {
        return (httpStatus > 0 ? "[" + httpStatus + "] " : "") + description;
    }
}
