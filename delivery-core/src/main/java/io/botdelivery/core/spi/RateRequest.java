package io.botdelivery.core.spi;

/**
 * One reservation asked of a {@link RateLimiter}: a send of {@code weight} messages to {@code chatId}.
 *
 * @param chatId        the recipient; negative ids are groups and channels (their own, slower budget)
 * @param weight        messages Telegram will count: 1, or an album's item count (≥ 1)
 * @param paidBroadcast counts against the paid-broadcast lane instead of the standard global budget
 */
public record RateRequest(long chatId, int weight, boolean paidBroadcast) {
    public RateRequest {
        if (chatId == 0) {
            throw new IllegalArgumentException("chatId must not be 0");
        }
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be at least 1, was " + weight);
        }
    }

    public static RateRequest of(long chatId) {
        return new RateRequest(chatId, 1, false);
    }

    public boolean isGroupChat() {
        return chatId < 0;
    }
}
