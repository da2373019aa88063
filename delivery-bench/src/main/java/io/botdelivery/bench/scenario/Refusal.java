package io.botdelivery.bench.scenario;

import java.time.Instant;
import java.util.Objects;

/**
 * A call the simulated Telegram refused or dropped.
 *
 * @param status    HTTP status (0 for a dropped connection)
 * @param rateLimit a 429 from the limits (not an injected fault)
 * @param injected  caused by fault injection
 * @param at        when
 */
public record Refusal(int status, boolean rateLimit, boolean injected, Instant at) {
    public Refusal {
        Objects.requireNonNull(at, "at");
    }
}
