package io.botdelivery.example.wiring;

import io.botdelivery.api.Redaction;
import io.botdelivery.example.ops.HealthCheck;
import org.telegram.telegrambots.meta.api.methods.GetMe;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

import java.time.Duration;

/**
 * Telegram is reachable when {@code getMe} answers. The answer is cached for a few seconds so that a scraper polling
 * /health cannot turn into a flood of Bot API calls.
 */
final class TelegramHealthCheck implements HealthCheck {
    private static final Duration CACHE = Duration.ofSeconds(10);

    private final TelegramClient client;
    private final String apiUrl;
    private Status last;
    private long lastAtNanos;

    TelegramHealthCheck(TelegramClient client, String apiUrl) {
        this.client = client;
        this.apiUrl = apiUrl;
    }

    @Override
    public String name() {
        return "telegram";
    }

    @Override
    public synchronized Status check() {
        if (last != null && System.nanoTime() - lastAtNanos < CACHE.toNanos()) {
            return last;
        }
        try {
            User me = client.execute(new GetMe());
            last = Status.up(apiUrl + " answers getMe as @" + me.getUserName());
        } catch (TelegramApiException e) {
            last = Status.down(apiUrl + ": " + Redaction.redact(String.valueOf(e.getMessage())));
        }
        lastAtNanos = System.nanoTime();
        return last;
    }
}
