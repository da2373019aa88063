package io.botdelivery.sender.telegram;

/** The classes of Telegram's error answers (docs/design.md, "Error classes"; the same names as {@code telegram-errors.json}). */
enum TelegramErrorClass {
    /** 429 with {@code retry_after}: nothing was sent. */
    RATE_LIMITED,
    /** The recipient cannot receive: blocked, deactivated, kicked, chat not found. */
    PERMANENT_RECIPIENT,
    /** Telegram refuses the content. */
    PERMANENT_PAYLOAD,
    /** A file id Telegram no longer knows: a cached id falls back to the original source once. */
    STALE_FILE_ID,
    /** The group migrated to a supergroup: resend to {@code migrate_to_chat_id}. */
    REDIRECT,
    /** 5xx and other failures worth retrying. */
    TRANSIENT,
    /** An album failed at item N; items before it arrived. */
    PARTIAL_ALBUM,
    /** 401/404: bad token or API URL; nothing can be sent. */
    FATAL_CONFIG
}
