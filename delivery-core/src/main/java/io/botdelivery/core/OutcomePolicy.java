package io.botdelivery.core;

import io.botdelivery.api.AmbiguousOutcomePolicy;
import io.botdelivery.api.Delivery;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.Payload;
import io.botdelivery.core.spi.AttemptState;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.SendOutcome;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * From a send's outcome to what happens to the delivery: a pure function (no clock, no store, no scheduler), so every
 * rule of the table in docs/design.md is tested on its own.
 *
 * <table>
 *   <tr><th>outcome</th><th>decision</th></tr>
 *   <tr><td>Delivered</td><td>{@link Decision.Complete} with every message id so far</td></tr>
 *   <tr><td>RetryAfter</td><td>{@link Decision.PauseScope} (scope per {@link EngineConfig#retryAfterScope()}, retry_after
 *       + margin), then wait inline keeping the lane, or release when longer than maxInlineWait; not an attempt</td></tr>
 *   <tr><td>Transient, Ambiguous with RETRY</td><td>attempt + 1; out of attempts → fail; quick delay → wait inline
 *       (rejoin lane); longer → release</td></tr>
 *   <tr><td>Ambiguous with GIVE_UP</td><td>{@link Decision.Fail} AMBIGUOUS</td></tr>
 *   <tr><td>Permanent</td><td>{@link Decision.Fail}; FATAL_CONFIG → {@link Decision.Halt}</td></tr>
 *   <tr><td>Redirect</td><td>{@link Decision.Redirect}; past maxRedirects → fail</td></tr>
 *   <tr><td>PartialAlbum</td><td>records the items delivered, then decides on the inner cause (a 429 pauses the
 *       scope {@link io.botdelivery.core.spi.RetryAfterScopePolicy#scopeOfAlbum} names)</td></tr>
 *   <tr><td>RetryAfter to an album</td><td>pause as for any 429 (scope per scopeOfAlbum); it may have arrived in part:
 *       RETRY resends it whole once, a second such 429 fails AMBIGUOUS; GIVE_UP fails AMBIGUOUS at once</td></tr>
 * </table>
 */
final class OutcomePolicy {
    /** Starts the last error of an album resent whole after a plain 429, so a second one is known after a hand-back. */
    static final String ALBUM_429_MARK = "album 429: ";

    private OutcomePolicy() {
    }

    /** As {@link #decide(Delivery, int, int, SendOutcome, EngineConfig, RandomGenerator)} with no album 429 before. */
    static Decision decide(Delivery delivery, int redirects, SendOutcome outcome, EngineConfig config, RandomGenerator random) {
        return decide(delivery, redirects, 0, outcome, config, random);
    }

    /**
     * Decides what to do with {@code delivery} after {@code outcome}.
     *
     * @param delivery        the delivery as it was sent
     * @param redirects       chat migrations already followed for it
     * @param albumRateLimits plain 429s its album already drew while held by this engine
     * @param random          jitter for retry delays; used from one thread at a time
     */
    static Decision decide(Delivery delivery, int redirects, int albumRateLimits, SendOutcome outcome, EngineConfig config,
                           RandomGenerator random) {
        if (outcome instanceof SendOutcome.RetryAfter retryAfter && sentAsAlbum(delivery)) {
            return albumRateLimited(delivery, retryAfter, albumRateLimits, config);
        }
        if (outcome instanceof SendOutcome.PartialAlbum partial) {
            List<Long> ids = new ArrayList<>(delivery.messageIds());
            ids.addAll(partial.messageIds());
            Delivery progressed = new Delivery(delivery.id(), delivery.request(), delivery.chatId(), delivery.status(),
                    delivery.attempts(), delivery.deliveredItems() + partial.deliveredItems(), ids, delivery.lastError(),
                    delivery.lastErrorClass(), delivery.createdAt(), delivery.updatedAt(), delivery.nextAttemptAt(),
                    delivery.finishedAt(), delivery.notifiedAt());
            if (partial.cause() instanceof SendOutcome.RetryAfter retryAfter) {
                // Telegram named the failing item: exactly what arrived is known, the rest is resent (no duplicate)
                return rateLimited(progressed, retryAfter, config.retryAfterScope().scopeOfAlbum(retryAfter.scope()), config);
            }
            return decide(progressed, redirects, partial.cause(), config, random);
        }
        if (outcome instanceof SendOutcome.Delivered delivered) {
            List<Long> ids = new ArrayList<>(delivery.messageIds());
            ids.addAll(delivered.messageIds());
            return new Decision.Complete(ids);
        }
        if (outcome instanceof SendOutcome.RetryAfter retryAfter) {
            return rateLimited(delivery, retryAfter, config.retryAfterScope().scopeOf(retryAfter.scope()), config);
        }
        if (outcome instanceof SendOutcome.Transient t) {
            return failedAttempt(delivery, t.reason(), FailureClass.TRANSIENT, config, random);
        }
        if (outcome instanceof SendOutcome.Ambiguous a) {
            if (delivery.request().onAmbiguous() == AmbiguousOutcomePolicy.GIVE_UP) {
                return fail(delivery, "ambiguous: " + a.reason() + " (policy GIVE_UP: it may or may not have arrived)",
                        FailureClass.AMBIGUOUS, delivery.attempts() + 1);
            }
            return failedAttempt(delivery, a.reason(), FailureClass.AMBIGUOUS, config, random);
        }
        if (outcome instanceof SendOutcome.Permanent p) {
            if (p.failureClass() == FailureClass.FATAL_CONFIG) {
                return new Decision.Halt(p.reason(), state(delivery, delivery.attempts(), delivery.chatId(), p.reason(),
                        FailureClass.FATAL_CONFIG), config.fatalPause());
            }
            return fail(delivery, p.reason(), p.failureClass(), delivery.attempts() + 1);
        }
        SendOutcome.Redirect r = (SendOutcome.Redirect) outcome;
        if (redirects + 1 > config.maxRedirects()) {
            return fail(delivery, "chat migrated more than " + config.maxRedirects() + " times (last to " + r.newChatId() + ")",
                    FailureClass.PERMANENT_RECIPIENT, delivery.attempts());
        }
        return new Decision.Redirect(state(delivery, delivery.attempts(), r.newChatId(), "chat migrated to " + r.newChatId(),
                FailureClass.TRANSIENT));
    }

    /** The interrupted-send rule: a GIVE_UP delivery found marked "send started" by its previous owner fails. */
    static Decision.Fail interruptedMidSend(Delivery delivery) {
        return fail(delivery, "ambiguous: the worker sending it stopped before Telegram's answer (policy GIVE_UP: it may or may"
                + " not have arrived)", FailureClass.AMBIGUOUS, delivery.attempts() + 1);
    }

    /**
     * Whether {@code outcome} is a plain 429 to an album of two or more items: Telegram may have delivered its first
     * items before refusing the rest, and does not say.
     */
    static boolean isAlbumRateLimit(Delivery delivery, SendOutcome outcome) {
        return outcome instanceof SendOutcome.RetryAfter && sentAsAlbum(delivery);
    }

    /** Whether the next send of {@code d} is an album (two or more items left; a single leftover goes alone). */
    private static boolean sentAsAlbum(Delivery d) {
        return d.request().payload() instanceof Payload.Album album && album.items().size() - d.deliveredItems() >= 2;
    }

    private static Decision rateLimited(Delivery d, SendOutcome.RetryAfter retryAfter, LimitScope scope, EngineConfig config) {
        return rateLimited(d, retryAfter, scope, config,
                "429 Too Many Requests: retry after " + retryAfter.retryAfter().toSeconds() + " s");
    }

    private static Decision rateLimited(Delivery d, SendOutcome.RetryAfter retryAfter, LimitScope scope, EngineConfig config,
                                        String reason) {
        Duration wait = pauseOf(retryAfter, config);
        AttemptState state = state(d, d.attempts(), d.chatId(), reason, FailureClass.RATE_LIMITED);
        Decision then = wait.compareTo(config.maxInlineWait()) > 0
                ? new Decision.ReleaseForLater(state, wait)
                : new Decision.WaitInline(state, wait, Decision.Resume.KEEP_LANE);
        return new Decision.PauseScope(scope, wait, then);
    }

    /**
     * A plain 429 to an album: Telegram may have delivered some of its items (it does, under load) and does not say
     * which. The scope still pauses for retry_after. With RETRY the album is resent whole once, accepting a duplicate
     * of what may have arrived; a second such 429 ends it FAILED as AMBIGUOUS ("may have arrived in part"), so no item
     * arrives more than twice and the admin hears of it. With GIVE_UP it fails at the first: a resend could duplicate.
     * The count survives a hand-back through the mark in the stored last error ({@link #ALBUM_429_MARK}).
     */
    private static Decision albumRateLimited(Delivery d, SendOutcome.RetryAfter retryAfter, int albumRateLimits,
                                             EngineConfig config) {
        LimitScope scope = config.retryAfterScope().scopeOfAlbum(retryAfter.scope());
        Duration wait = pauseOf(retryAfter, config);
        int items = ((Payload.Album) d.request().payload()).items().size() - d.deliveredItems();
        String answer = "429 Too Many Requests (retry after " + retryAfter.retryAfter().toSeconds() + " s) to an album of "
                + items + " items";
        if (d.request().onAmbiguous() == AmbiguousOutcomePolicy.GIVE_UP) {
            return new Decision.PauseScope(scope, wait, fail(d, "ambiguous: " + answer + "; album may have arrived in part;"
                    + " not resent (policy GIVE_UP)", FailureClass.AMBIGUOUS, d.attempts() + 1));
        }
        boolean resentBefore = albumRateLimits > 0
                || (d.lastErrorClass() == FailureClass.RATE_LIMITED && d.lastError() != null
                && d.lastError().startsWith(ALBUM_429_MARK));
        if (resentBefore) {
            return new Decision.PauseScope(scope, wait, fail(d, "ambiguous: " + answer + " again after it was resent whole"
                    + " once; album may have arrived in part (some items up to twice); not resent again",
                    FailureClass.AMBIGUOUS, d.attempts() + 1));
        }
        return rateLimited(d, retryAfter, scope, config, ALBUM_429_MARK + answer
                + "; it may have arrived in part: resending it whole once");
    }

    /** The margin is part of the pause: every instance sharing the limiter waits as long as this one. */
    private static Duration pauseOf(SendOutcome.RetryAfter retryAfter, EngineConfig config) {
        return retryAfter.retryAfter().plus(config.retryAfterMargin());
    }

    private static Decision failedAttempt(Delivery d, String reason, FailureClass failureClass, EngineConfig config,
                                          RandomGenerator random) {
        int attempts = d.attempts() + 1;
        RetryPolicy policy = config.retryPolicy();
        if (policy.exhausted(attempts)) {
            return fail(d, "gave up after " + attempts + " attempts; last error (" + failureClass + "): " + reason,
                    FailureClass.ATTEMPTS_EXHAUSTED, attempts);
        }
        Duration delay = policy.delayAfter(attempts, random);
        AttemptState state = state(d, attempts, d.chatId(), reason, failureClass);
        if (delay.compareTo(config.maxInlineWait()) > 0) {
            return new Decision.ReleaseForLater(state, delay);
        }
        return new Decision.WaitInline(state, delay, Decision.Resume.REJOIN_LANE);
    }

    private static Decision.Fail fail(Delivery d, String reason, FailureClass failureClass, int attempts) {
        return new Decision.Fail(state(d, attempts, d.chatId(), reason, failureClass));
    }

    private static AttemptState state(Delivery d, int attempts, long chatId, String reason, FailureClass failureClass) {
        return new AttemptState(attempts, chatId, d.deliveredItems(), d.messageIds(), reason, failureClass);
    }
}
