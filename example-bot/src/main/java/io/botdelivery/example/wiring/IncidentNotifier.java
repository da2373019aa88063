package io.botdelivery.example.wiring;

import io.botdelivery.api.Delivery;
import io.botdelivery.core.spi.Notifier;
import io.botdelivery.example.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * Alerts the admins about failed deliveries that are incidents (a buyer's pack, a receipt) and only logs a broadcast's
 * failures: in a broadcast to many users some have always blocked the bot, and one alert each would bury the alerts
 * that matter. The broadcast command's summary table counts them by reason instead.
 */
final class IncidentNotifier implements Notifier {
    private static final Logger log = LoggerFactory.getLogger(IncidentNotifier.class);

    private final Notifier admins;

    IncidentNotifier(Notifier admins) {
        this.admins = Objects.requireNonNull(admins, "admins");
    }

    @Override
    public void deliveryFailed(Delivery failed) throws Exception {
        if (Broadcast.isBroadcast(failed)) {
            log.info("broadcast delivery {} to chat {} failed ({}): counted in the broadcast summary, no admin alert",
                    failed.id(), failed.chatId(), failed.lastErrorClass());
            return;
        }
        admins.deliveryFailed(failed);
    }

    @Override
    public void sendingHalted(String reason) throws Exception {
        admins.sendingHalted(reason);
    }
}
