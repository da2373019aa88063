package io.botdelivery.core;

/**
 * How the deliveries to one chat are ordered against each other ({@link EngineConfig#chatOrder()}).
 *
 * <p>Telegram gives a bot two budget lanes: the standard one (30 msg/s bot-wide) and the paid-broadcast one
 * ({@code allow_paid_broadcast}, up to 1000 msg/s). Both share each chat's own budget (1 msg/s per private chat), which
 * the {@link io.botdelivery.core.spi.RateLimiter} keeps whatever the order. What this setting decides is whether a
 * paid broadcast to a chat waits for that chat's standard deliveries submitted before it.
 *
 * <p>Either way, a delivery with an {@link io.botdelivery.api.DeliveryRequest#orderingKey() ordering key} is never
 * sent before an earlier delivery with the same key has ended, whichever budget lane each is in: the store does not
 * lease it until then (the {@link io.botdelivery.core.spi.RetryStore} contract). And a delivery waiting for a quick
 * retry still steps aside for the later ones of its queue.
 */
public enum ChatOrder {
    /**
     * One queue per chat, both budget lanes together: a chat's deliveries go one at a time, in submission order (the
     * default). A paid broadcast to a chat with a standard backlog waits for that backlog, which on a saturated
     * standard lane (30 msg/s shared by every chat) can be many seconds: the paid lane then carries less than it is
     * offered.
     */
    SUBMISSION,

    /**
     * One queue per chat and budget lane, and the paid one goes first: submission order holds among a chat's standard
     * deliveries and among its paid broadcasts, but a paid broadcast overtakes the chat's queued standard deliveries.
     * While the chat has a paid broadcast reserving or sending, its next standard delivery waits; the standard one
     * already reserving or sending when the paid broadcast came goes on (the chat's budget spaces the two), so a paid
     * broadcast waits for at most that one. {@link EngineConfig#maxQueuedPerChat()} applies to each of the chat's two
     * queues.
     *
     * <p>Why first and not merely independent: both queues draw on the same per-chat budget, and a standard delivery
     * reserves the chat's next slot the moment the one before it is sent, while a paid broadcast the limiter turned
     * away comes back only when that slot is within reach; with a fast sender the standard queue would win every such
     * tie and the paid broadcast would still wait for the whole backlog. A chat's standard deliveries wait only while
     * it has paid broadcasts to send, at most 1 msg/s of them.
     *
     * <p>For a bot whose broadcasts must not wait behind a standard backlog, and whose messages to one chat do not
     * depend on each other across the two lanes (or say so with an ordering key).
     */
    PAID_FIRST
}
