package io.botdelivery.example.wiring;

import io.botdelivery.api.Delivery;
import io.botdelivery.core.spi.Notifier;
import io.botdelivery.example.broadcast.Broadcast;
import io.botdelivery.sender.telegram.DeliveringTelegramClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Alerts the admins about failed deliveries that are incidents, once per order, and only logs a broadcast's failures.
 *
 * <p>A buyer who blocked the bot fails every part of their order (album, document, receipt): the admins hear about it
 * once, for the first part, and {@code /redeliver} of that part brings the other parts back too. In a broadcast to
 * many users some have always blocked the bot, and one alert each would bury the alerts that matter; the broadcast's
 * summary table counts them by reason instead. The shop's replies (sent through the bot's
 * {@code DeliveringTelegramClient}) are not alerted either: their caller was told. Which orders were alerted is remembered in memory (the last
 * {@value #REMEMBERED_ORDERS}); after a restart a later part of an alerted order may alert once more.
 */
final class IncidentNotifier implements Notifier {
    private static final Logger log = LoggerFactory.getLogger(IncidentNotifier.class);
    static final int REMEMBERED_ORDERS = 10_000;

    private final Notifier admins;
    private final Set<String> alertedOrders = Collections.newSetFromMap(new LinkedHashMap<String, Boolean>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_ORDERS;
        }
    });

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
        if (DeliveringTelegramClient.isClientCall(failed)) {
            // a reply the bot sent through its TelegramClient: the caller got the failure (and logged it), and the user
            // can ask again; an admin alert for every reply to a user who blocked the bot would bury the real ones
            log.info("reply delivery {} to chat {} failed ({}): its caller was told, no admin alert",
                    failed.id(), failed.chatId(), failed.lastErrorClass());
            return;
        }
        String order = failed.request().orderingKey();
        synchronized (alertedOrders) {
            if (order != null && alertedOrders.contains(order)) {
                log.info("delivery {} of {} failed ({}): the admins were already alerted about this order",
                        failed.id(), order, failed.lastErrorClass());
                return;
            }
        }
        admins.deliveryFailed(failed);
        if (order != null) {
            synchronized (alertedOrders) {
                alertedOrders.add(order);
            }
        }
    }

    @Override
    public void sendingHalted(String reason) throws Exception {
        admins.sendingHalted(reason);
    }
}
