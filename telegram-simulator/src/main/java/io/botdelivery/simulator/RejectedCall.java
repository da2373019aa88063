package io.botdelivery.simulator;

import java.time.Instant;
import java.util.Objects;

/**
 * A call the simulator answered with an error (or never answered, for dropped connections).
 *
 * @param method        the method as called (lower case)
 * @param chatId        the target chat, or 0 if the call had none or it could not be read
 * @param status        the HTTP status answered; 0 when the connection was dropped
 * @param description   Telegram's description, or what happened
 * @param retryAfter    {@code parameters.retry_after} of a 429, else 0
 * @param limitedScope  the scope that was over budget for a 429 from the limits, else {@code null} (Telegram does not
 *                      say; the simulator records it for tests)
 * @param injected      true if a fault caused it, false if Telegram's rules did
 * @param at            when (simulator clock)
 */
public record RejectedCall(String method, long chatId, int status, String description, long retryAfter,
                           WindowScope limitedScope, boolean injected, Instant at) {
    public RejectedCall {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(at, "at");
    }

    /** A 429 the simulator's limits gave (not an injected one). */
    public boolean isRateLimit() {
        return status == 429 && !injected;
    }
}
