package io.botdelivery.simulator;

import io.undertow.server.ServerConnection;
import io.undertow.util.AttachmentKey;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The network between the bot and Telegram, played on the simulator's request threads
 * ({@link SimulatorConfig#roundTrip()}, {@link SimulatorConfig#roundTripJitter()}): half the round trip (plus a drawn
 * jitter) before a call arrives, half before its answer reaches the bot, and one more round trip before the first call
 * of a new connection arrives, since a client cannot send its request before TCP's handshake has come back. That last
 * part is what makes a cold client's first sends arrive later after their slots than a warm client's: its connections
 * are all new.
 */
final class NetworkDelay {
    private static final AttachmentKey<Boolean> SEEN = AttachmentKey.create(Boolean.class);

    private final long halfNanos;
    private final long roundTripNanos;
    private final long jitterNanos;

    NetworkDelay(Duration roundTrip, Duration jitter) {
        this.roundTripNanos = roundTrip.toNanos();
        this.halfNanos = roundTripNanos / 2;
        this.jitterNanos = jitter.toNanos();
    }

    /** Waits the way in: the handshake for a connection's first call, half the round trip, the jitter. */
    void inbound(ServerConnection connection) throws InterruptedException {
        if (roundTripNanos == 0 && jitterNanos == 0) {
            return;
        }
        long wait = halfNanos;
        if (connection.getAttachment(SEEN) == null) {
            connection.putAttachment(SEEN, Boolean.TRUE);
            wait += roundTripNanos;
        }
        if (jitterNanos > 0) {
            wait += ThreadLocalRandom.current().nextLong(jitterNanos + 1);
        }
        sleep(wait);
    }

    /** Waits the way out: half the round trip. */
    void outbound() throws InterruptedIOException {
        try {
            sleep(halfNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the answer was on its way");
        }
    }

    private static void sleep(long nanos) throws InterruptedException {
        if (nanos > 0) {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        }
    }
}
