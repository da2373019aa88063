package io.botdelivery.example.wiring;

import io.botdelivery.api.Delivery;
import io.botdelivery.core.spi.Notifier;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.generics.TelegramClient;

import java.util.Objects;
import java.util.Set;

/**
 * Tells every admin, in their private chat with the bot, that a delivery FAILED, with the command to retry it. Throws
 * when an admin could not be told, so the engine tries again later (it records the alert only once it went out).
 */
final class AdminChatNotifier implements Notifier {
    private final TelegramClient client;
    private final Set<Long> admins;

    AdminChatNotifier(TelegramClient client, Set<Long> admins) {
        this.client = Objects.requireNonNull(client, "client");
        this.admins = Set.copyOf(admins);
    }

    @Override
    public void deliveryFailed(Delivery failed) throws Exception {
        String text = "⚠️ Delivery failed\n"
                + "id: " + failed.id() + "\n"
                + "chat: " + failed.chatId() + "\n"
                + "what: " + failed.request().payload().kind()
                + (failed.request().businessReference() == null ? "" : ", " + failed.request().businessReference()) + "\n"
                + "why: " + failed.lastErrorClass() + ": " + failed.lastError() + "\n"
                + "retry with /redeliver " + failed.id();
        for (long admin : admins) {
            client.execute(SendMessage.builder().chatId(admin).text(text).build());
        }
    }

    @Override
    public void sendingHalted(String reason) throws Exception {
        for (long admin : admins) {
            client.execute(SendMessage.builder().chatId(admin).text("⛔ Sending halted: " + reason).build());
        }
    }
}
