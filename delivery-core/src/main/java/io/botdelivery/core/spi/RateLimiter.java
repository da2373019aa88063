package io.botdelivery.core.spi;

import java.time.Duration;

/**
 * Keeps sends within Telegram's budgets: the bot-wide budget (or the paid-broadcast lane) and the recipient chat's
 * budget, decided together.
 *
 * <p><b>Contract.</b> Implementations are thread-safe. In any sliding window, the slots granted never exceed any
 * budget (for every scope, across every caller sharing the limiter). Decisions are all-or-nothing: a denial consumes
 * nothing in any scope. Methods do not block on the budget; they may do one round trip to shared storage. Null
 * arguments throw {@link NullPointerException}. A limiter that cannot decide (its shared storage is unreachable, the
 * limiter it decorates fails) grants nothing: it throws {@link RateLimiterUnavailableException} or denies; failing
 * open would send past every budget. {@code RateLimiterContract} checks these rules.
 */
public interface RateLimiter {

    /**
     * Reserves {@code request.weight()} messages in the global (or paid-broadcast) scope and in the chat's scope, at
     * the earliest time both allow, if that time is no later than now + {@code horizon}.
     *
     * <p>A weight larger than a scope's burst is granted with the delay that gives the budget back in full: the request
     * waits until the whole weight fits, it is never split or refused for being large.
     *
     * <p>The delay counts from when this method returns: the caller sends after it. A limiter that decides elsewhere
     * (a server) subtracts the time its answer took to come back after the decision, and does not hand out a slot that
     * had already passed by more than a few milliseconds when its answer came (it gives it back and asks again): the
     * caller cannot tell where between its call and the answer the slot was counted, and a send that leaves that late
     * may arrive among the next slots' sends.
     *
     * @return {@link Reservation.Granted} with the delay before the send may go, or {@link Reservation.Denied} naming
     *         the scope that denied and when to come back; nothing is consumed on denial
     * @throws RateLimiterUnavailableException if the limiter cannot decide (e.g. its shared storage is unreachable and
     *         the configured policy is to fail closed); nothing may be sent
     */
    Reservation reserve(RateRequest request, Duration horizon);

    /**
     * Pauses a scope after Telegram answered 429 with {@code retry_after}: no slot in that scope is granted before
     * now + {@code duration}, for every caller sharing the limiter. Only that scope: a chat penalty does not slow other
     * chats. A shorter penalty never shortens a longer one already in force. Idempotent.
     */
    void penalize(LimitScope scope, Duration duration);

    /**
     * How much longer a bot-wide penalty ({@link #penalize} with {@link LimitScope#global()}) holds, as every caller
     * sharing the limiter sees it now; {@link Duration#ZERO} when none is in force.
     *
     * <p>The engine asks just before a send whose slot was granted earlier goes out: a 429 taken meanwhile by any
     * caller must stop the sends already scheduled, or they reach Telegram during its ban, each answered 429 again
     * (and the ban extended). May do one round trip to shared storage; when that storage is unreachable, answers from
     * what this caller knows (its own penalties) rather than throwing.
     */
    Duration globalPause();

    /**
     * Gives back a grant whose send did not leave and will not (its slot passed before the send was ready, so the
     * engine reserves again): the grant's messages no longer count in its scopes' windows, and a later request may take
     * their place. Without it, a missed slot keeps counting as a send that never happened: its chat waits a whole window
     * (a second for a private chat) before the send can go, and a lane at its budget loses that place for good.
     *
     * <p>Only for a grant this limiter returned for this {@code request}, whose send was not made. The default does
     * nothing: the grant then stays counted as if sent, which is never too fast, so a limiter that cannot give places
     * back (or a decorator that does not forward this) stays correct. Never throws for a grant it no longer knows
     * (its window has passed, its scope was evicted); it may throw {@link RateLimiterUnavailableException} when its
     * shared storage is unreachable, and the grant then stays counted.
     *
     * @return whether the grant no longer counts (its chat may go again at once); false when it stays counted
     */
    default boolean release(RateRequest request, Reservation.Granted grant) {
        return false;
    }
}
