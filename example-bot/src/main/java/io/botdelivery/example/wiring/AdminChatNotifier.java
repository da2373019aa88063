package io.botdelivery.example.wiring;

import io.botdelivery.api.Delivery;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.Notifier;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.generics.TelegramClient;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Tells every admin, in their private chat with the bot, that a delivery FAILED, with the command to retry it. Each
 * alert takes its slot from the shared rate limiter like any other message (an admin chat is a chat: alerts in a burst
 * would earn 429s). Throws when an admin could not be told, so the engine tries again later.
 */
final class AdminChatNotifier implements Notifier {
    private static final Duration HORIZON = Duration.ofSeconds(5);
    private static final Duration GIVE_UP_AFTER = Duration.ofSeconds(30);

    private final TelegramClient client;
    private final RateLimiter limiter;
    private final RateBudgets budgets;
    private final Set<Long> admins;

    AdminChatNotifier(TelegramClient client, RateLimiter limiter, RateBudgets budgets, Set<Long> admins) {
        this.client = Objects.requireNonNull(client, "client");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.budgets = Objects.requireNonNull(budgets, "budgets");
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
                + (failed.request().orderingKey() == null ? "" : "(other parts of this order fail the same way; /redeliver brings them all back)\n")
                + "retry with /redeliver " + failed.id();
        tellAdmins(text);
    }

    @Override
    public void sendingHalted(String reason) throws Exception {
        tellAdmins("⛔ Sending halted: " + reason);
    }

    private void tellAdmins(String text) throws Exception {
        for (long admin : admins) {
            awaitSlot(admin);
            client.execute(SendMessage.builder().chatId(admin).text(text).build());
            // the next message to this admin is spaced from when this one arrived, not from its slot
            limiter.penalize(LimitScope.chat(admin), Duration.ofNanos(budgets.chatBudget(admin).emissionIntervalNanos()));
        }
    }

    private void awaitSlot(long chatId) throws InterruptedException {
        long deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
        while (System.nanoTime() < deadline) {
            Reservation r = limiter.reserve(RateRequest.of(chatId), HORIZON);
            if (r instanceof Reservation.Granted granted) {
                Thread.sleep(granted.delay().toMillis());
                return;
            }
            Thread.sleep(((Reservation.Denied) r).retryIn().toMillis());
        }
        throw new IllegalStateException("no rate-limit slot for admin chat " + chatId + " within " + GIVE_UP_AFTER);
    }
}
