package io.botdelivery.testkit.limiter;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.RateBudgets;

/**
 * A budget a {@link SlidingWindowRecorder} counts grants against: the standard bot-wide lane, the paid-broadcast
 * lane, or one chat.
 *
 * @param kind   which budget
 * @param chatId the chat for {@link Kind#CHAT}; 0 otherwise
 */
public record WindowKey(Kind kind, long chatId) {
    public enum Kind { STANDARD_LANE, PAID_LANE, CHAT }

    private static final WindowKey STANDARD = new WindowKey(Kind.STANDARD_LANE, 0);
    private static final WindowKey PAID = new WindowKey(Kind.PAID_LANE, 0);

    public WindowKey {
        if (kind == null) {
            throw new NullPointerException("kind");
        }
        if ((kind == Kind.CHAT) == (chatId == 0)) {
            throw new IllegalArgumentException("a chat key needs a chat id, a lane key has none");
        }
    }

    public static WindowKey standardLane() {
        return STANDARD;
    }

    public static WindowKey paidLane() {
        return PAID;
    }

    public static WindowKey lane(boolean paidBroadcast) {
        return paidBroadcast ? PAID : STANDARD;
    }

    public static WindowKey chat(long chatId) {
        return new WindowKey(Kind.CHAT, chatId);
    }

    /** The budget this key is held to under {@code budgets}. */
    public Budget budgetIn(RateBudgets budgets) {
        return switch (kind) {
            case STANDARD_LANE -> budgets.global();
            case PAID_LANE -> budgets.paidBroadcast();
            case CHAT -> budgets.chatBudget(chatId);
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case STANDARD_LANE -> "the standard lane";
            case PAID_LANE -> "the paid-broadcast lane";
            case CHAT -> "chat " + chatId;
        };
    }
}
