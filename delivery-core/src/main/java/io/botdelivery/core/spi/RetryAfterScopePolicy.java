package io.botdelivery.core.spi;

import java.util.Objects;

/**
 * Which scope a 429 pauses. Telegram's answer names neither budget nor scope: a sender reports the 429 in the scope of
 * the chat it was sending to ({@link SendOutcome.RetryAfter#scope()}), and this one policy, configured once, decides
 * what is paused. The engine applies it to every 429 a delivery draws, and the Telegram notifier to every 429 an alert
 * draws, so the two never disagree.
 *
 * <p>Pausing too little is the expensive mistake: if the bot-wide budget was hit and only the chat pauses, every other
 * chat's next send arrives inside the ban and Telegram answers each with a longer {@code retry_after}, up to hours.
 * Pausing too much costs one {@code retry_after} of the whole bot.
 */
public enum RetryAfterScopePolicy {
    /** Pause exactly the scope the sender reported. */
    AS_REPORTED,
    /**
     * A 429 for a private chat (positive chat id) pauses the whole bot; one for a group or channel pauses only that
     * chat. The limiter keeps each private chat at its own 1 msg/s, so a 429 there almost surely means the bot-wide
     * budget; groups have a per-chat budget of their own (20 per minute) that a 429 may well mean.
     */
    PRIVATE_CHAT_IS_GLOBAL,
    /** Every 429 pauses the whole bot: the cautious choice when several processes use one token. */
    ALWAYS_GLOBAL;

    /**
     * The scope to pause for a 429 that the sender reported in {@code reported}.
     *
     * @param reported the scope in the sender's {@link SendOutcome.RetryAfter}; never null
     * @return the scope to {@link RateLimiter#penalize penalize}; never null
     */
    public LimitScope scopeOf(LimitScope reported) {
        Objects.requireNonNull(reported, "reported");
        if (reported.isGlobal()) {
            return reported;
        }
        return switch (this) {
            case AS_REPORTED -> reported;
            case PRIVATE_CHAT_IS_GLOBAL -> reported.chatId() > 0 ? LimitScope.global() : reported;
            case ALWAYS_GLOBAL -> LimitScope.global();
        };
    }

    /**
     * The scope to pause for a 429 that an album of two or more items drew, plainly or naming one of its items. An
     * album weighs its items, more than a private chat's own 1 msg/s, and Telegram lets it into an idle chat whole: its
     * 429 is as likely the chat's own budget as the bot's. So {@link #PRIVATE_CHAT_IS_GLOBAL} pauses only the chat
     * here, as it does for a group: otherwise every partial album would stop every other chat for a retry_after. If
     * the bot-wide budget was hit after all, the next send to another chat draws a 429 of its own, which pauses the
     * bot. {@link #AS_REPORTED} and {@link #ALWAYS_GLOBAL} answer as for any other send. (The engine widens a chat's
     * scope from this policy to the whole bot while a bot-wide 429 pause already holds: see docs/design.md, "Albums
     * and 429".)
     *
     * @param reported the scope in the sender's {@link SendOutcome.RetryAfter}; never null
     * @return the scope to {@link RateLimiter#penalize penalize}; never null
     */
    public LimitScope scopeOfAlbum(LimitScope reported) {
        Objects.requireNonNull(reported, "reported");
        return this == PRIVATE_CHAT_IS_GLOBAL ? reported : scopeOf(reported);
    }
}
