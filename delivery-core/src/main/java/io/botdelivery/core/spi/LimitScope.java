package io.botdelivery.core.spi;

/**
 * What a rate-limit decision or a 429 pause applies to: every send of the bot ({@link #global()}), or one chat.
 *
 * @param chatId the chat for {@link Kind#CHAT}; 0 for {@link Kind#GLOBAL}
 */
public record LimitScope(Kind kind, long chatId) {
    public enum Kind { GLOBAL, CHAT }

    private static final LimitScope GLOBAL = new LimitScope(Kind.GLOBAL, 0);

    public LimitScope {
        if (kind == null) {
            throw new NullPointerException("kind");
        }
        if (kind == Kind.GLOBAL && chatId != 0) {
            throw new IllegalArgumentException("the global scope has no chat id");
        }
        if (kind == Kind.CHAT && chatId == 0) {
            throw new IllegalArgumentException("a chat scope needs a chat id");
        }
    }

    public static LimitScope global() {
        return GLOBAL;
    }

    public static LimitScope chat(long chatId) {
        return new LimitScope(Kind.CHAT, chatId);
    }

    public boolean isGlobal() {
        return kind == Kind.GLOBAL;
    }

    @Override
    public String toString() {
        return isGlobal() ? "global" : "chat " + chatId;
    }
}
