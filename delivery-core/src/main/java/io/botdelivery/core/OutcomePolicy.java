package io.botdelivery.core;

import io.botdelivery.api.AmbiguousOutcomePolicy;
import io.botdelivery.api.Delivery;
import io.botdelivery.api.FailureClass;
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
 *   <tr><td>PartialAlbum</td><td>records the items delivered, then decides on the inner cause</td></tr>
 * </table>
 */
final class OutcomePolicy {

    private OutcomePolicy() {
    }

    /**
     * Decides what to do with {@code delivery} after {@code outcome}.
     *
     * @param delivery  the delivery as it was sent
     * @param redirects chat migrations already followed for it
     * @param random    jitter for retry delays; used from one thread at a time
     */
    static Decision decide(Delivery delivery, int redirects, SendOutcome outcome, EngineConfig config, RandomGenerator random) {
        if (outcome instanceof SendOutcome.PartialAlbum partial) {
            List<Long> ids = new ArrayList<>(delivery.messageIds());
            ids.addAll(partial.messageIds());
            Delivery progressed = new Delivery(delivery.id(), delivery.request(), delivery.chatId(), delivery.status(),
                    delivery.attempts(), delivery.deliveredItems() + partial.deliveredItems(), ids, delivery.lastError(),
                    delivery.lastErrorClass(), delivery.createdAt(), delivery.updatedAt(), delivery.nextAttemptAt(),
                    delivery.finishedAt(), delivery.notifiedAt());
            return decide(progressed, redirects, partial.cause(), config, random);
        }
        if (outcome instanceof SendOutcome.Delivered delivered) {
            List<Long> ids = new ArrayList<>(delivery.messageIds());
            ids.addAll(delivered.messageIds());
            return new Decision.Complete(ids);
        }
        if (outcome instanceof SendOutcome.RetryAfter retryAfter) {
            return rateLimited(delivery, retryAfter, config);
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

    private static Decision rateLimited(Delivery d, SendOutcome.RetryAfter retryAfter, EngineConfig config) {
        LimitScope scope = config.retryAfterScope().scopeOf(retryAfter.scope());
        // the margin is part of the pause: every instance sharing the limiter waits as long as this one
        Duration wait = retryAfter.retryAfter().plus(config.retryAfterMargin());
        AttemptState state = state(d, d.attempts(), d.chatId(),
                "429 Too Many Requests: retry after " + retryAfter.retryAfter().toSeconds() + " s", FailureClass.RATE_LIMITED);
        Decision then = wait.compareTo(config.maxInlineWait()) > 0
                ? new Decision.ReleaseForLater(state, wait)
                : new Decision.WaitInline(state, wait, Decision.Resume.KEEP_LANE);
        return new Decision.PauseScope(scope, wait, then);
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
