package io.botdelivery.core;

import io.botdelivery.api.FailureClass;
import io.botdelivery.core.spi.AttemptState;
import io.botdelivery.core.spi.LimitScope;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What to do with a delivery after a send, as {@link OutcomePolicy#decide} concludes. Every variant that keeps the
 * delivery going carries its new {@link AttemptState} (attempts, chat, album progress, last error), so applying a
 * decision never needs the outcome again.
 */
sealed interface Decision {

    /** Delivered in full: complete it with all of Telegram's message ids (earlier album items' included). */
    record Complete(List<Long> messageIds) implements Decision {
        public Complete {
            messageIds = List.copyOf(messageIds);
        }
    }

    /** How a delivery waiting in memory comes back. */
    enum Resume {
        /** It keeps its chat lane and reserves again (a 429 wait: the chat waits with it). */
        KEEP_LANE,
        /** It steps aside so the chat's later deliveries go on, then goes first in the lane again (a quick retry). */
        REJOIN_LANE
    }

    /** Wait {@code delay} in memory (no thread held), then go on as {@code resume} says. */
    record WaitInline(AttemptState state, Duration delay, Resume resume) implements Decision {
        public WaitInline {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(delay, "delay");
            Objects.requireNonNull(resume, "resume");
        }
    }

    /** Hand it (and its chat's queue behind it) back to the store, due after {@code delay}: too long to hold here. */
    record ReleaseForLater(AttemptState state, Duration delay) implements Decision {
        public ReleaseForLater {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(delay, "delay");
        }
    }

    /** End it FAILED (and owe the admin one alert); {@code state} carries the reason and its class. */
    record Fail(AttemptState state) implements Decision {
        public Fail {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(state.lastError(), "a failure has a reason");
            Objects.requireNonNull(state.lastErrorClass(), "a failure has a class");
        }

        FailureClass failureClass() {
            return state.lastErrorClass();
        }
    }

    /** The chat migrated: resend at once to {@code state.chatId()}. */
    record Redirect(AttemptState state) implements Decision {
        public Redirect {
            Objects.requireNonNull(state, "state");
        }
    }

    /** The bot is misconfigured (bad token): pause every send for {@code pause}, hand the delivery back, alert once. */
    record Halt(String reason, AttemptState state, Duration pause) implements Decision {
        public Halt {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(pause, "pause");
        }
    }

    /**
     * A 429: pause {@code scope} for {@code pause} in the limiter (for every instance sharing it) and, when the scope is
     * global, in this engine itself; then do {@code then} with the delivery ({@link WaitInline} or
     * {@link ReleaseForLater}, or {@link Fail} for an album that may have arrived in part and is not resent).
     */
    record PauseScope(LimitScope scope, Duration pause, Decision then) implements Decision {
        public PauseScope {
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(pause, "pause");
            if (!(then instanceof WaitInline) && !(then instanceof ReleaseForLater) && !(then instanceof Fail)) {
                throw new IllegalArgumentException("after a pause the delivery waits, is released or fails, not " + then);
            }
        }

        boolean global() {
            return scope.isGlobal();
        }
    }
}
