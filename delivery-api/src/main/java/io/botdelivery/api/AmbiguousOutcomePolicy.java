package io.botdelivery.api;

/**
 * What to do when a send's outcome is unknown: the connection broke after the request was written, so Telegram may
 * or may not have delivered it. The Bot API has no idempotency key, so a retry may duplicate.
 *
 * <p>An album answered with a plain 429 is ambiguous too: Telegram may have delivered its first items before refusing
 * the rest. With {@link #RETRY} it is resent whole once (its first items may then arrive twice); a second such 429
 * ends it FAILED as {@link FailureClass#AMBIGUOUS} ("album may have arrived in part; not resent again") with the admin
 * alert, so no item arrives more than twice. With {@link #GIVE_UP} it fails at the first.
 */
public enum AmbiguousOutcomePolicy {
    /** Send again (at-least-once). The default: a buyer must get what they paid for, even twice. */
    RETRY,
    /** Mark FAILED with reason "ambiguous" and notify the admin (at-most-once). Sensible for broadcasts. */
    GIVE_UP
}
