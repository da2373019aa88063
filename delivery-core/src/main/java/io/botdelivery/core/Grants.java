package io.botdelivery.core;

import io.botdelivery.api.Delivery;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Dispatcher}'s dealings with the limiter over one delivery's grants: what it asks for, and the grants it
 * gives back unused. A limiter that cannot take a grant back keeps it counted (never too fast), so a failure here only
 * costs the wait for the next slot.
 *
 * <p><b>Locking.</b> Takes the engine lock for a held delivery's fields; calls the limiter without it.
 */
final class Grants {
    private static final Logger log = LoggerFactory.getLogger(Grants.class);

    private final EngineContext ctx;
    private final Object lock;

    Grants(EngineContext ctx) {
        this.ctx = ctx;
        this.lock = ctx.lock();
    }

    /** What the limiter is asked for {@code h}'s next send: its chat, its lane, and its remaining items if weighted. */
    RateRequest request(HeldDelivery h) {
        Delivery d = h.delivery();
        int weight = ctx.config.weightAlbumsByItems() ? d.remainingPayload().messageCount() : 1;
        return new RateRequest(d.chatId(), weight, d.request().allowPaidBroadcast());
    }

    /**
     * Gives a missed slot's grant back: the send did not leave, so its chat need not wait a window for the next one,
     * and a lane at its budget gets the place back. Returns whether the limiter took it back.
     */
    boolean giveBackMissed(HeldDelivery h) {
        Reservation.Granted grant;
        synchronized (lock) {
            grant = h.grant;
            h.grant = null;
        }
        if (grant == null) {
            return false;
        }
        try {
            // the same request as the grant's: nothing of the delivery has been sent since
            return ctx.limiter.release(request(h), grant);
        } catch (RuntimeException e) {
            log.debug("the limiter did not take back a grant of delivery {}: {}", h.id(), e.toString());
            return false;
        }
    }
}
