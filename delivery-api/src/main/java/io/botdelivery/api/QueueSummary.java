package io.botdelivery.api;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts by status and the oldest delivery still waiting, for admin commands and health checks.
 *
 * @param counts             every status, 0 where none
 * @param oldestPendingSince creation time of the oldest PENDING or IN_FLIGHT delivery, or {@code null}
 */
public record QueueSummary(Map<DeliveryStatus, Long> counts, Instant oldestPendingSince) {
    public QueueSummary {
        EnumMap<DeliveryStatus, Long> all = new EnumMap<>(DeliveryStatus.class);
        for (DeliveryStatus status : DeliveryStatus.values()) {
            all.put(status, counts == null ? 0L : counts.getOrDefault(status, 0L));
        }
        counts = Map.copyOf(all);
    }

    public long count(DeliveryStatus status) {
        return counts.get(status);
    }

    public long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    public Optional<Instant> oldestPending() {
        return Optional.ofNullable(oldestPendingSince);
    }
}
