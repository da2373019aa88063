package io.botdelivery.api;

/**
 * What to do when a send's outcome is unknown: the connection broke after the request was written, so Telegram may
 * or may not have delivered it. The Bot API has no idempotency key, so a retry may duplicate.
 */
public enum AmbiguousOutcomePolicy {
    /** Send again (at-least-once). The default: a buyer must get what they paid for, even twice. */
    RETRY,
    /** Mark FAILED with reason "ambiguous" and notify the admin (at-most-once). Sensible for broadcasts. */
    GIVE_UP
}
