package io.botdelivery.core;

import java.time.Duration;
import java.util.Objects;

/**
 * The engine's settings; {@link #defaults()} are DESIGN.md's.
 *
 * @param workerId           this instance's lease owner name; unique across instances and restarts
 * @param retryPolicy        quick and slow retry schedules, maxAttempts
 * @param maxInlineWait      a wait longer than this hands the delivery back to the store instead of holding it (30 s)
 * @param reserveHorizon     how far ahead a rate-limit slot may be reserved (1 s): short, so that a HIGH priority
 *                           delivery never waits behind a long queue of reserved broadcast slots
 * @param leaseLength        how long a claim lasts before another instance may take the delivery (60 s); renewed every
 *                           third of it while held
 * @param maxConcurrentSends deliveries between reservation and outcome at once (16)
 * @param maxBuffered        deliveries held in memory (leased) at once; the rest wait in the store (1000)
 * @param maxQueuedPerChat   deliveries held in memory for one chat; the rest wait in the store (20)
 * @param pollInterval       how often the store is polled for due work and owed notifications (1 s)
 * @param claimBatch         deliveries claimed per poll at most (100)
 * @param retryAfterMargin   added to Telegram's retry_after (1 s)
 * @param fatalPause         how long sending pauses after a configuration error such as a bad token (60 s)
 * @param shutdownGrace      how long close() waits for sends on the wire (10 s)
 * @param weightAlbumsByItems an album counts its item count against the budgets (true, as Telegram does)
 * @param maxRedirects       chat migrations followed per delivery before it fails (3)
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
        int maxRedirects) {

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
        if (leaseLength.compareTo(maxInlineWait) <= 0) {
            throw new IllegalArgumentException("leaseLength (" + leaseLength + ") must be longer than maxInlineWait ("
                    + maxInlineWait + "), or held deliveries would be claimed by other instances while they wait");
        }
        if (maxConcurrentSends < 1 || maxBuffered < 1 || maxQueuedPerChat < 1 || claimBatch < 1 || maxRedirects < 0) {
            throw new IllegalArgumentException("maxConcurrentSends, maxBuffered, maxQueuedPerChat and claimBatch must be positive");
        }
    }

    public static EngineConfig defaults() {
        return new EngineConfig(defaultWorkerId(), RetryPolicy.defaults(), Duration.ofSeconds(30), Duration.ofSeconds(1),
                Duration.ofSeconds(60), 16, 1000, 20, Duration.ofSeconds(1), 100, Duration.ofSeconds(1),
                Duration.ofSeconds(60), Duration.ofSeconds(10), true, 3);
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
        return new EngineConfig(v, retryPolicy, maxInlineWait, reserveHorizon, leaseLength, maxConcurrentSends, maxBuffered,
                maxQueuedPerChat, pollInterval, claimBatch, retryAfterMargin, fatalPause, shutdownGrace, weightAlbumsByItems, maxRedirects);
    }

    public EngineConfig withRetryPolicy(RetryPolicy v) {
        return new EngineConfig(workerId, v, maxInlineWait, reserveHorizon, leaseLength, maxConcurrentSends, maxBuffered,
                maxQueuedPerChat, pollInterval, claimBatch, retryAfterMargin, fatalPause, shutdownGrace, weightAlbumsByItems, maxRedirects);
    }

    public EngineConfig withMaxInlineWait(Duration v) {
        return new EngineConfig(workerId, retryPolicy, v, reserveHorizon, leaseLength, maxConcurrentSends, maxBuffered,
                maxQueuedPerChat, pollInterval, claimBatch, retryAfterMargin, fatalPause, shutdownGrace, weightAlbumsByItems, maxRedirects);
    }

    public EngineConfig withLeaseLength(Duration v) {
        return new EngineConfig(workerId, retryPolicy, maxInlineWait, reserveHorizon, v, maxConcurrentSends, maxBuffered,
                maxQueuedPerChat, pollInterval, claimBatch, retryAfterMargin, fatalPause, shutdownGrace, weightAlbumsByItems, maxRedirects);
    }

    public EngineConfig withMaxConcurrentSends(int v) {
        return new EngineConfig(workerId, retryPolicy, maxInlineWait, reserveHorizon, leaseLength, v, maxBuffered,
                maxQueuedPerChat, pollInterval, claimBatch, retryAfterMargin, fatalPause, shutdownGrace, weightAlbumsByItems, maxRedirects);
    }

    public EngineConfig withMaxBuffered(int v) {
        return new EngineConfig(workerId, retryPolicy, maxInlineWait, reserveHorizon, leaseLength, maxConcurrentSends, v,
                maxQueuedPerChat, pollInterval, claimBatch, retryAfterMargin, fatalPause, shutdownGrace, weightAlbumsByItems, maxRedirects);
    }

    public EngineConfig withPollInterval(Duration v) {
        return new EngineConfig(workerId, retryPolicy, maxInlineWait, reserveHorizon, leaseLength, maxConcurrentSends, maxBuffered,
                maxQueuedPerChat, v, claimBatch, retryAfterMargin, fatalPause, shutdownGrace, weightAlbumsByItems, maxRedirects);
    }

    public EngineConfig withShutdownGrace(Duration v) {
        return new EngineConfig(workerId, retryPolicy, maxInlineWait, reserveHorizon, leaseLength, maxConcurrentSends, maxBuffered,
                maxQueuedPerChat, pollInterval, claimBatch, retryAfterMargin, fatalPause, v, weightAlbumsByItems, maxRedirects);
    }

    public EngineConfig withWeightAlbumsByItems(boolean v) {
        return new EngineConfig(workerId, retryPolicy, maxInlineWait, reserveHorizon, leaseLength, maxConcurrentSends, maxBuffered,
                maxQueuedPerChat, pollInterval, claimBatch, retryAfterMargin, fatalPause, shutdownGrace, v, maxRedirects);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }
}
