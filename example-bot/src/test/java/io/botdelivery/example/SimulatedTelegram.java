package io.botdelivery.example;

import io.botdelivery.api.MediaSource;
import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.example.config.BotConfig;
import io.botdelivery.example.config.Catalog;
import io.botdelivery.example.config.LimiterChoice;
import io.botdelivery.example.config.Product;
import io.botdelivery.example.config.StoreChoice;
import io.botdelivery.simulator.SimulatorConfig;
import io.botdelivery.simulator.TelegramSimulator;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Shared test setup: a simulator and a bot configured with the same budgets. Behaviour tests scale Telegram's budgets
 * up ten times (10 msg/s per chat, 300 msg/s global) so a purchase takes a fraction of a second instead of five; the
 * simulator still enforces them strictly.
 */
public final class SimulatedTelegram {
    public static final RateBudgets FAST = new RateBudgets(Budget.perSecond(300), Budget.perSecond(10),
            Budget.of(20, Duration.ofSeconds(6)), Budget.perSecond(1000));
    public static final long ADMIN = 77;

    private SimulatedTelegram() {
    }

    public static TelegramSimulator start() {
        return TelegramSimulator.start(SimulatorConfig.builder().budgets(FAST).build());
    }

    public static Product product() {
        return new Product("pack", "Wallpaper pack", "Two wallpapers, a clip and a guide", 50,
                List.of(MediaSource.bytes("wall-1.jpg", new byte[] {1, 2, 3}), MediaSource.bytes("wall-2.jpg", new byte[] {4, 5, 6})),
                MediaSource.bytes("clip.mp4", new byte[] {7, 8, 9}), MediaSource.bytes("guide.pdf", new byte[] {10, 11}));
    }

    public static BotConfig config(TelegramSimulator telegram) {
        return new BotConfig(telegram.baseUrl(), Set.of(ADMIN), LimiterChoice.LOCAL, StoreChoice.MEMORY,
                BotConfig.RedisSettings.at(URI.create("redis://127.0.0.1:6379")),
                new BotConfig.PostgresSettings("jdbc:postgresql://127.0.0.1:5432/botdelivery", "botdelivery", null),
                FAST, new BotConfig.EngineSettings(16, 1000, 100, Duration.ofMillis(100)), BotConfig.HttpSettings.local(-1),
                Catalog.of(List.of(product())), true, null);
    }
}
