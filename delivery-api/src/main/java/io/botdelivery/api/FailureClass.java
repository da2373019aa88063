package io.botdelivery.api;

/** Why an attempt did not deliver, as the engine classifies Telegram's answers (docs/design.md, "Error classes"). */
public enum FailureClass {
    /** 429: rate limited; not counted as an attempt. */
    RATE_LIMITED,
    /** 5xx, refused connection, timeout before the request was written. */
    TRANSIENT,
    /** The connection broke after the request was written: Telegram may have delivered it. */
    AMBIGUOUS,
    /** The recipient cannot receive: blocked the bot, deactivated, chat not found, bot kicked. */
    PERMANENT_RECIPIENT,
    /** Telegram refuses the content: too long, bad entities, wrong file identifier, too large. */
    PERMANENT_PAYLOAD,
    /** Bad token or method (401/404): nothing can be sent until the configuration is fixed. */
    FATAL_CONFIG,
    /** The store could not read the delivery (corrupted, or written by a newer version). */
    UNREADABLE,
    /** Transient failures went on until maxAttempts was reached. */
    ATTEMPTS_EXHAUSTED
}
