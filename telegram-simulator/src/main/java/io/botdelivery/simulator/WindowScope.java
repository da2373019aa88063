package io.botdelivery.simulator;

/**
 * A budget the simulator enforces: every standard send of the bot ({@link #global()}), every send in the
 * paid-broadcast lane ({@link #paidBroadcast()}), or one chat ({@link #chat(long)}).
 *
 * @param chatId the chat for {@link Kind#CHAT}; 0 otherwise
 */
public record WindowScope(Kind kind, long chatId) {
    public enum Kind { GLOBAL, PAID_BROADCAST, CHAT }

    private static final WindowScope GLOBAL = new WindowScope(Kind.GLOBAL, 0);
    private static final WindowScope PAID = new WindowScope(Kind.PAID_BROADCAST, 0);

    public WindowScope {
        if (kind == null) {
            throw new NullPointerException("kind");
        }
        if ((kind == Kind.CHAT) == (chatId == 0)) {
            throw new IllegalArgumentException("a chat scope needs a chat id, the other scopes have none");
        }
    }

    public static WindowScope global() {
        return GLOBAL;
    }

    public static WindowScope paidBroadcast() {
        return PAID;
    }

    public static WindowScope chat(long chatId) {
        return new WindowScope(Kind.CHAT, chatId);
    }

    /** The bot-wide scope of a send in this lane. */
    public static WindowScope lane(boolean paidBroadcast) {
        return paidBroadcast ? PAID : GLOBAL;
    }

    public boolean isChat() {
        return kind == Kind.CHAT;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case GLOBAL -> "global";
            case PAID_BROADCAST -> "paid-broadcast lane";
            case CHAT -> "chat " + chatId;
        };
    }
}
