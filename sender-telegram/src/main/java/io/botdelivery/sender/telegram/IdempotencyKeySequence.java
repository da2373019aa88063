package io.botdelivery.sender.telegram;

import io.botdelivery.api.IdempotencyKey;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code prefix:1}, {@code prefix:2}, …: the idempotency keys of one {@link DeliveringTelegramClient#withIdempotencyKeys}
 * view, in call order, so handling the same update again makes the same keys.
 */
final class IdempotencyKeySequence {
    private final String prefix;
    private final AtomicInteger next = new AtomicInteger();

    IdempotencyKeySequence(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.isBlank() || prefix.length() > DeliveringTelegramClient.MAX_KEY_PREFIX_LENGTH) {
            throw new IllegalArgumentException("an idempotency key prefix is 1 to " + DeliveringTelegramClient.MAX_KEY_PREFIX_LENGTH
                    + " characters, not blank");
        }
        this.prefix = prefix;
    }

    IdempotencyKey next() {
        return IdempotencyKey.of(prefix + ":" + next.incrementAndGet());
    }
}
