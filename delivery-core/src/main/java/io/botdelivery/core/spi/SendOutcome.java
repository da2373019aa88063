package io.botdelivery.core.spi;

import io.botdelivery.api.FailureClass;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** What Telegram made of one send, classified (docs/design.md, "Error classes"). Senders return these; they do not throw. */
public sealed interface SendOutcome permits SendOutcome.Delivered, SendOutcome.RetryAfter, SendOutcome.Transient,
        SendOutcome.Ambiguous, SendOutcome.Permanent, SendOutcome.Redirect, SendOutcome.PartialAlbum {

    /** Every part arrived; {@code messageIds} in item order. */
    record Delivered(List<Long> messageIds) implements SendOutcome {
        public Delivered {
            messageIds = List.copyOf(messageIds);
        }
    }

    /** 429: nothing was sent; wait {@code retryAfter} in {@code scope}. Not a failed attempt. */
    record RetryAfter(Duration retryAfter, LimitScope scope) implements SendOutcome {
        public RetryAfter {
            Objects.requireNonNull(retryAfter, "retryAfter");
            Objects.requireNonNull(scope, "scope");
        }
    }

    /** Nothing reached Telegram (5xx, refused connection, timeout before the request was written): back off and retry. */
    record Transient(String reason) implements SendOutcome {
        public Transient {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The request was written but the answer was lost: Telegram may have delivered it. */
    record Ambiguous(String reason) implements SendOutcome {
        public Ambiguous {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Retrying cannot help. {@code failureClass} is {@link FailureClass#PERMANENT_RECIPIENT},
     * {@link FailureClass#PERMANENT_PAYLOAD} or {@link FailureClass#FATAL_CONFIG} (bad token: nothing can be sent; the
     * engine keeps the delivery queued, pauses and alerts the admin).
     */
    record Permanent(String reason, FailureClass failureClass) implements SendOutcome {
        public Permanent {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(failureClass, "failureClass");
            if (failureClass != FailureClass.PERMANENT_RECIPIENT && failureClass != FailureClass.PERMANENT_PAYLOAD
                    && failureClass != FailureClass.FATAL_CONFIG) {
                throw new IllegalArgumentException("not a permanent class: " + failureClass);
            }
        }
    }

    /** The group migrated to a supergroup: resend to {@code newChatId}. */
    record Redirect(long newChatId) implements SendOutcome {
        public Redirect {
            if (newChatId == 0) {
                throw new IllegalArgumentException("newChatId must not be 0");
            }
        }
    }

    /**
     * An album failed at item {@code deliveredItems + 1}: the first {@code deliveredItems} items arrived (their ids in
     * {@code messageIds}), the rest must be resent; {@code cause} classifies the inner error.
     */
    record PartialAlbum(int deliveredItems, List<Long> messageIds, SendOutcome cause) implements SendOutcome {
        public PartialAlbum {
            messageIds = List.copyOf(messageIds);
            Objects.requireNonNull(cause, "cause");
            if (deliveredItems < 0) {
                throw new IllegalArgumentException("deliveredItems must not be negative");
            }
            if (cause instanceof Delivered || cause instanceof PartialAlbum) {
                throw new IllegalArgumentException("the cause of a partial album is a failure: " + cause);
            }
        }
    }
}
