package io.botdelivery.core;

import io.botdelivery.core.spi.RetryAfterScopePolicy;

import java.time.Duration;
import java.util.Objects;

/**
 * The engine's settings; {@link #defaults()} are those of docs/design.md.
 *
 * @param workerId           this instance's lease owner name; unique across instances and restarts
 * @param retryPolicy        quick and slow retry schedules, maxAttempts
 * @param maxInlineWait      a wait longer than this hands the delivery back to the store instead of holding it (30 s)
 * @param reserveHorizon     how far ahead a rate-limit slot may be reserved (1 s): short, so that a HIGH priority
 *                           delivery never waits behind a long queue of reserved broadcast slots
 * @param leaseLength        how long a claim lasts before another instance may take the delivery (60 s); renewed every
 *                           third of it while held
 * @param maxConcurrentSends deliveries between reservation and outcome at once; 0, the default, sizes it by itself
 *                           from Telegram's lane rates (30 + 1000 msg/s) and the measured time a send takes (the Bot
 *                           API round trip, mostly), by Little's law with a 1.25 headroom, between 16 and 512, so the
 *                           paid lane reaches its 1000 msg/s at a 100 ms round trip; a positive value fixes it (the
 *                           override). See {@link #sendCeiling()}
 * @param maxBuffered        deliveries held in memory (leased) at once in each lane (standard, paid broadcast), so a
 *                           standard-lane backlog never keeps paid broadcasts out; the rest wait in the store (1000)
 * @param maxQueuedPerChat   deliveries held in memory for one chat (for each of its two queues under
 *                           {@link ChatOrder#PAID_FIRST}); the rest wait in the store (20)
 * @param pollInterval       how often the store is polled for due work and owed notifications (1 s)
 * @param claimBatch         deliveries claimed per poll at most (100)
 * @param retryAfterMargin   added to Telegram's retry_after (1 s)
 * @param fatalPause         how long sending pauses after a configuration error such as a bad token (60 s)
 * @param shutdownGrace      how long close() waits for sends on the wire (10 s)
 * @param weightAlbumsByItems an album counts its item count against the budgets (true, as Telegram does)
 * @param maxRedirects       chat migrations followed per delivery before it fails (3)
 * @param lateSendTolerance  a send that would leave later than its reserved slot by more than this reserves again
 *                           (20 ms): Telegram counts arrivals, so a late send would bunch with the next ones
 * @param retryAfterScope    which scope a 429 pauses ({@link RetryAfterScopePolicy#PRIVATE_CHAT_IS_GLOBAL}): Telegram
 *                           does not say which budget a 429 is about, see {@link RetryAfterScopePolicy}
 * @param finishedRetention  finished deliveries (DELIVERED, FAILED and alerted, CANCELLED) older than this are purged
 *                           from the store, in batches, by the poller (7 days)
 * @param chatOrder          whether a chat's paid broadcasts wait for its standard deliveries submitted before them
 *                           ({@link ChatOrder#SUBMISSION}, the default: one queue per chat) or overtake them
 *                           ({@link ChatOrder#PAID_FIRST}: one queue per chat and budget lane)
 */
public record EngineConfig(
        String workerId,
        RetryPolicy retryPolicy,
        Duration maxInlineWait,
        Duration reserveHorizon,
        Duration leaseLength,
        int maxConcurrentSends,
        int maxBuffered,
        int maxQueuedPerChat,
        Duration pollInterval,
        int claimBatch,
        Duration retryAfterMargin,
        Duration fatalPause,
        Duration shutdownGrace,
        boolean weightAlbumsByItems,
        int maxRedirects,
        Duration lateSendTolerance,
        RetryAfterScopePolicy retryAfterScope,
        Duration finishedRetention,
        ChatOrder chatOrder) {

    public EngineConfig {
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        requirePositive(maxInlineWait, "maxInlineWait");
        requirePositive(reserveHorizon, "reserveHorizon");
        requirePositive(leaseLength, "leaseLength");
        requirePositive(pollInterval, "pollInterval");
        Objects.requireNonNull(retryAfterMargin, "retryAfterMargin");
        requirePositive(fatalPause, "fatalPause");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(lateSendTolerance, "lateSendTolerance");
        Objects.requireNonNull(retryAfterScope, "retryAfterScope");
        requirePositive(finishedRetention, "finishedRetention");
        Objects.requireNonNull(chatOrder, "chatOrder");
        if (leaseLength.compareTo(maxInlineWait) <= 0) {
            throw new IllegalArgumentException("leaseLength (" + leaseLength + ") must be longer than maxInlineWait ("
                    + maxInlineWait + "), or held deliveries would be claimed by other instances while they wait");
        }
        if (maxConcurrentSends < 0 || maxBuffered < 1 || maxQueuedPerChat < 1 || claimBatch < 1 || maxRedirects < 0) {
            throw new IllegalArgumentException("maxBuffered, maxQueuedPerChat and claimBatch must be positive, "
                    + "maxConcurrentSends positive or 0 (sized by the engine)");
        }
    }

    /** Whether the engine sizes its concurrent sends itself ({@code maxConcurrentSends} is 0, the default). */
    public boolean adaptiveConcurrency() {
        return maxConcurrentSends == 0;
    }

    /**
     * The most sends that can be on the wire at once: {@code maxConcurrentSends} when fixed, 512 when the engine sizes
     * it. What an HTTP client under the sender must allow, so that it is not the bottleneck.
     */
    public int sendCeiling() {
        return adaptiveConcurrency() ? AdaptiveConcurrency.CEILING : maxConcurrentSends;
    }

    /**
     * Whether a 429 for a private chat pauses every send: the shortcut for {@link #retryAfterScope()} from before that
     * policy had a type of its own.
     */
    public boolean privateChat429IsGlobal() {
        return retryAfterScope != RetryAfterScopePolicy.AS_REPORTED;
    }

    public static EngineConfig defaults() {
        return new EngineConfig(defaultWorkerId(), RetryPolicy.defaults(), Duration.ofSeconds(30), Duration.ofSeconds(1),
                Duration.ofSeconds(60), 0, 1000, 20, Duration.ofSeconds(1), 100, Duration.ofSeconds(1),
                Duration.ofSeconds(60), Duration.ofSeconds(10), true, 3, Duration.ofMillis(20),
                RetryAfterScopePolicy.PRIVATE_CHAT_IS_GLOBAL, Duration.ofDays(7), ChatOrder.SUBMISSION);
    }

    /** {@code host-pid-random}: unique per process start. */
    public static String defaultWorkerId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "host";
        }
        return host + "-" + ProcessHandle.current().pid() + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    public EngineConfig withWorkerId(String v) {
        return toBuilder().workerId(v).build();
    }

    public EngineConfig withRetryPolicy(RetryPolicy v) {
        return toBuilder().retryPolicy(v).build();
    }

    public EngineConfig withMaxInlineWait(Duration v) {
        return toBuilder().maxInlineWait(v).build();
    }

    public EngineConfig withLeaseLength(Duration v) {
        return toBuilder().leaseLength(v).build();
    }

    public EngineConfig withMaxConcurrentSends(int v) {
        return toBuilder().maxConcurrentSends(v).build();
    }

    public EngineConfig withMaxBuffered(int v) {
        return toBuilder().maxBuffered(v).build();
    }

    public EngineConfig withPollInterval(Duration v) {
        return toBuilder().pollInterval(v).build();
    }

    public EngineConfig withShutdownGrace(Duration v) {
        return toBuilder().shutdownGrace(v).build();
    }

    public EngineConfig withWeightAlbumsByItems(boolean v) {
        return toBuilder().weightAlbumsByItems(v).build();
    }

    public EngineConfig withChatOrder(ChatOrder v) {
        return toBuilder().chatOrder(v).build();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Starts from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder(defaults());
    }

    /** Changes some settings of a config; {@link #build()} validates them together. */
    public static final class Builder {
        private String workerId;
        private RetryPolicy retryPolicy;
        private Duration maxInlineWait;
        private Duration reserveHorizon;
        private Duration leaseLength;
        private int maxConcurrentSends;
        private int maxBuffered;
        private int maxQueuedPerChat;
        private Duration pollInterval;
        private int claimBatch;
        private Duration retryAfterMargin;
        private Duration fatalPause;
        private Duration shutdownGrace;
        private boolean weightAlbumsByItems;
        private int maxRedirects;
        private Duration lateSendTolerance;
        private RetryAfterScopePolicy retryAfterScope;
        private Duration finishedRetention;
        private ChatOrder chatOrder;

        private Builder(EngineConfig c) {
            workerId = c.workerId;
            retryPolicy = c.retryPolicy;
            maxInlineWait = c.maxInlineWait;
            reserveHorizon = c.reserveHorizon;
            leaseLength = c.leaseLength;
            maxConcurrentSends = c.maxConcurrentSends;
            maxBuffered = c.maxBuffered;
            maxQueuedPerChat = c.maxQueuedPerChat;
            pollInterval = c.pollInterval;
            claimBatch = c.claimBatch;
            retryAfterMargin = c.retryAfterMargin;
            fatalPause = c.fatalPause;
            shutdownGrace = c.shutdownGrace;
            weightAlbumsByItems = c.weightAlbumsByItems;
            maxRedirects = c.maxRedirects;
            lateSendTolerance = c.lateSendTolerance;
            retryAfterScope = c.retryAfterScope;
            finishedRetention = c.finishedRetention;
            chatOrder = c.chatOrder;
        }

        public Builder workerId(String v) {
            workerId = v;
            return this;
        }

        public Builder retryPolicy(RetryPolicy v) {
            retryPolicy = v;
            return this;
        }

        public Builder maxInlineWait(Duration v) {
            maxInlineWait = v;
            return this;
        }

        public Builder reserveHorizon(Duration v) {
            reserveHorizon = v;
            return this;
        }

        public Builder leaseLength(Duration v) {
            leaseLength = v;
            return this;
        }

        public Builder maxConcurrentSends(int v) {
            maxConcurrentSends = v;
            return this;
        }

        public Builder maxBuffered(int v) {
            maxBuffered = v;
            return this;
        }

        public Builder maxQueuedPerChat(int v) {
            maxQueuedPerChat = v;
            return this;
        }

        public Builder pollInterval(Duration v) {
            pollInterval = v;
            return this;
        }

        public Builder claimBatch(int v) {
            claimBatch = v;
            return this;
        }

        public Builder retryAfterMargin(Duration v) {
            retryAfterMargin = v;
            return this;
        }

        public Builder fatalPause(Duration v) {
            fatalPause = v;
            return this;
        }

        public Builder shutdownGrace(Duration v) {
            shutdownGrace = v;
            return this;
        }

        public Builder weightAlbumsByItems(boolean v) {
            weightAlbumsByItems = v;
            return this;
        }

        public Builder maxRedirects(int v) {
            maxRedirects = v;
            return this;
        }

        public Builder lateSendTolerance(Duration v) {
            lateSendTolerance = v;
            return this;
        }

        /** Shortcut: true is {@link RetryAfterScopePolicy#PRIVATE_CHAT_IS_GLOBAL}, false {@link RetryAfterScopePolicy#AS_REPORTED}. */
        public Builder privateChat429IsGlobal(boolean v) {
            retryAfterScope = v ? RetryAfterScopePolicy.PRIVATE_CHAT_IS_GLOBAL : RetryAfterScopePolicy.AS_REPORTED;
            return this;
        }

        public Builder retryAfterScope(RetryAfterScopePolicy v) {
            retryAfterScope = v;
            return this;
        }

        public Builder finishedRetention(Duration v) {
            finishedRetention = v;
            return this;
        }

        /** See {@link ChatOrder}: {@link ChatOrder#PAID_FIRST} lets a chat's paid broadcasts overtake its standard backlog. */
        public Builder chatOrder(ChatOrder v) {
            chatOrder = v;
            return this;
        }

        public EngineConfig build() {
            return new EngineConfig(workerId, retryPolicy, maxInlineWait, reserveHorizon, leaseLength, maxConcurrentSends, maxBuffered, maxQueuedPerChat, pollInterval, claimBatch, retryAfterMargin, fatalPause, shutdownGrace, weightAlbumsByItems, maxRedirects, lateSendTolerance, retryAfterScope, finishedRetention, chatOrder);
        }
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }
}
