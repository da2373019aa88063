package io.botdelivery.core.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * The budgets a {@link RateLimiter} enforces. {@link #telegramDefaults()} are Telegram's published limits: 30 msg/s
 * for the bot, 1 msg/s per private chat, 20 per minute per group or channel, and 1000 msg/s in the paid-broadcast lane.
 *
 * @param global        every standard send of the bot
 * @param privateChat   each private chat (positive chat id)
 * @param groupChat     each group, supergroup or channel (negative chat id)
 * @param paidBroadcast sends with {@code allow_paid_broadcast}, instead of {@code global}
 */
public record RateBudgets(Budget global, Budget privateChat, Budget groupChat, Budget paidBroadcast) {
    public RateBudgets {
        Objects.requireNonNull(global, "global");
        Objects.requireNonNull(privateChat, "privateChat");
        Objects.requireNonNull(groupChat, "groupChat");
        Objects.requireNonNull(paidBroadcast, "paidBroadcast");
    }

    public static RateBudgets telegramDefaults() {
        return new RateBudgets(
                Budget.perSecond(30),
                Budget.perSecond(1),
                Budget.of(20, Duration.ofMinutes(1)),
                Budget.perSecond(1000));
    }

    /** The budget of the chat scope for this chat id. */
    public Budget chatBudget(long chatId) {
        return chatId < 0 ? groupChat : privateChat;
    }

    /** The budget of the bot-wide scope for this lane. */
    public Budget laneBudget(boolean paidBroadcast) {
        return paidBroadcast ? this.paidBroadcast : global;
    }

    public RateBudgets withGlobal(Budget b) {
        return new RateBudgets(b, privateChat, groupChat, paidBroadcast);
    }

    public RateBudgets withPrivateChat(Budget b) {
        return new RateBudgets(global, b, groupChat, paidBroadcast);
    }

    public RateBudgets withGroupChat(Budget b) {
        return new RateBudgets(global, privateChat, b, paidBroadcast);
    }

    public RateBudgets withPaidBroadcast(Budget b) {
        return new RateBudgets(global, privateChat, groupChat, b);
    }

    /**
     * Every budget with its window longer by {@code margin} ({@link Budget#withArrivalMargin}): what a limiter should
     * enforce when sends reach Telegram with up to {@code margin} of jitter, so that none is answered 429.
     */
    public RateBudgets withArrivalMargin(Duration margin) {
        return withArrivalMargins(margin, margin);
    }

    /**
     * The lanes' windows longer by {@code laneMargin} and the chats' by {@code chatMargin}. Why two: one late arrival
     * among the 30 a second of a lane seldom tips a window over, and each millisecond of lane margin costs throughput
     * for the whole bot; but a chat's next send is often due exactly one window after the last, so a single late
     * arrival draws a 429 there, while a wider chat window costs only that chat a little latency.
     */
    public RateBudgets withArrivalMargins(Duration laneMargin, Duration chatMargin) {
        return new RateBudgets(global.withArrivalMargin(laneMargin), privateChat.withArrivalMargin(chatMargin),
                groupChat.withArrivalMargin(chatMargin), paidBroadcast.withArrivalMargin(laneMargin));
    }

    /** Every budget scaled to 1/n: what one of n instances may use alone when they cannot coordinate. */
    public RateBudgets share(int n) {
        return new RateBudgets(global.share(n), privateChat.share(n), groupChat.share(n), paidBroadcast.share(n));
    }
}
