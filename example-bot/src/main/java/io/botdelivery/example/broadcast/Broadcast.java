package io.botdelivery.example.broadcast;

import io.botdelivery.api.AmbiguousOutcomePolicy;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.IdempotencyKey;
import io.botdelivery.api.Payload;
import io.botdelivery.api.Priority;

import java.util.Objects;

/**
 * One broadcast: a name, a message and a lane.
 *
 * <p>Each recipient's delivery has the idempotency key {@code broadcast:<name>:<chatId>}, so running the same broadcast
 * again over the same list (after a crash, a Ctrl-C, or to add recipients) sends nothing twice. LOW priority: paid
 * deliveries go first. Ambiguous outcomes give up instead of retrying: a duplicate newsletter annoys more than a
 * missing one.
 *
 * @param name    what makes two runs "the same broadcast" ({@code [A-Za-z0-9._-]}, 1 to 64 characters)
 * @param payload what every recipient gets
 * @param paid    use Telegram's paid-broadcast lane (up to 1000 msg/s, charged in Stars)
 */
public record Broadcast(String name, Payload payload, boolean paid) {
    public Broadcast {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(payload, "payload");
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("a broadcast name is 1 to 64 of A-Z, a-z, 0-9, '.', '_' and '-', was '" + name + "'");
        }
    }

    private static final String KEY_PREFIX = "broadcast:";

    public IdempotencyKey keyFor(long chatId) {
        return IdempotencyKey.of(KEY_PREFIX + name + ":" + chatId);
    }

    /** Whether a delivery was submitted by a broadcast (by its idempotency key). */
    public static boolean isBroadcast(io.botdelivery.api.Delivery delivery) {
        return delivery.request().idempotencyKey().value().startsWith(KEY_PREFIX);
    }

    public DeliveryRequest requestFor(long chatId) {
        return DeliveryRequest.builder(chatId, payload)
                .idempotencyKey(keyFor(chatId))
                .priority(Priority.LOW)
                .onAmbiguous(AmbiguousOutcomePolicy.GIVE_UP)
                .allowPaidBroadcast(paid)
                .businessReference("broadcast " + name)
                .build();
    }
}
