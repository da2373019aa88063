package io.botdelivery.core.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A worker's exclusive hold on a delivery until {@code until}. After that the delivery may be claimed by another
 * worker; writes by the old owner are then refused.
 *
 * @param owner a worker id unique across instances and restarts, e.g. {@code host-pid-uuid}
 */
public record Lease(String owner, Instant until) {
    public Lease {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(until, "until");
        if (owner.isBlank()) {
            throw new IllegalArgumentException("owner must not be blank");
        }
    }
}
