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
     * bot. {@link #AS_REPORTED} and {@link #ALWAYS_GLOBAL} answer as for any other send. While a bot-wide 429 pause
     * already holds, see {@link #scopeDuringBotWidePause}.
     *
     * @param reported the scope in the sender's {@link SendOutcome.RetryAfter}; never null
     * @return the scope to {@link RateLimiter#penalize penalize}; never null
     */
    public LimitScope scopeOfAlbum(LimitScope reported) {
        Objects.requireNonNull(reported, "reported");
        return this == PRIVATE_CHAT_IS_GLOBAL ? reported : scopeOf(reported);
    }

    /**
     * The scope to pause for a 429 decided as {@code decided} ({@link #scopeOf} or {@link #scopeOfAlbum}) that came
     * while a bot-wide 429 pause already holds. During a bot-wide ban Telegram answers every call with that ban's
     * retry_after, lengthened for each call that came early, so a 429 this policy would keep to one chat (a group's, an
     * album's) may well be the ban's: {@link #PRIVATE_CHAT_IS_GLOBAL} pauses the whole bot for it. Kept to the chat,
     * the bot went on when its shorter bot-wide pause ended, into the longer ban, and each send then doubled it (a
     * mixed run: an album's 16 s taken for its chat, then 32 s to 512 s within 150 ms). {@link #AS_REPORTED} keeps
     * exactly the scope reported; {@link #ALWAYS_GLOBAL} is global already.
     *
     * @param decided the scope this policy decided for the 429; never null
     * @return the scope to {@link RateLimiter#penalize penalize}; never null
     */
    public LimitScope scopeDuringBotWidePause(LimitScope decided) {
        Objects.requireNonNull(decided, "decided");
        return this == PRIVATE_CHAT_IS_GLOBAL ? LimitScope.global() : decided;
    }
}
