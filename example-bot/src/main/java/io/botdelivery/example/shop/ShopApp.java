package io.botdelivery.example.shop;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Module;
import io.botdelivery.example.config.BotConfig;
import io.botdelivery.example.config.Secret;
import io.botdelivery.example.wiring.BotRuntime;
import io.botdelivery.example.wiring.TelegramClientModule;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.longpolling.TelegramBotsLongPollingApplication;
import org.telegram.telegrambots.meta.api.methods.updates.GetUpdates;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The shop bot running: the delivery runtime plus a {@link ShopBot} fed by long polling. {@link #close()} is the
 * graceful stop SIGTERM triggers: stop polling, finish the updates already taken (a payment in hand is submitted),
 * then close the engine (sends on the wire finish, held deliveries go back to the store).
 */
public final class ShopApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ShopApp.class);
    /** Update kinds the shop handles; Telegram sends nothing else. */
    static final List<String> ALLOWED_UPDATES = List.of("message", "callback_query", "pre_checkout_query");
    private static final int UPDATE_THREADS = 4;

    private final BotRuntime runtime;
    private final ShopBot bot;
    /** Null when this instance does not poll ({@code bot.poll-updates=false}). */
    private final TelegramBotsLongPollingApplication polling;
    private boolean closed;

    private ShopApp(BotRuntime runtime, ShopBot bot, TelegramBotsLongPollingApplication polling) {
        this.runtime = runtime;
        this.bot = bot;
        this.polling = polling;
    }

    /**
     * Starts the engine, then polls for updates.
     *
     * @param pollTimeout how long one getUpdates call waits for updates (long polling); also bounds how long a stop
     *                    waits for the poll in progress
     */
    public static ShopApp start(BotConfig config, Secret token, Duration pollTimeout, Module... overrides) {
        Objects.requireNonNull(pollTimeout, "pollTimeout");
        BotRuntime runtime = BotRuntime.start(config, token, overrides);
        ShopBot bot = new ShopBot(config.catalog(), config.admins(), runtime.engine(), runtime.deliveringClient(),
                Clock.systemUTC(), UPDATE_THREADS);
        if (!config.pollUpdates()) {
            log.info("bot.poll-updates=false: this instance only delivers; another replica takes the updates");
            return new ShopApp(runtime, bot, null);
        }
        int timeoutSeconds = (int) Math.max(0, pollTimeout.toSeconds());
        // polling on the bot's one HTTP client too (its connections and threads), not on one TelegramBots would build
        OkHttpClient pollingHttp = TelegramClientModule.pollingClient(runtime.httpClient(), timeoutSeconds);
        TelegramBotsLongPollingApplication polling = new TelegramBotsLongPollingApplication(ObjectMapper::new,
                () -> pollingHttp);
        try {
            polling.registerBot(token.value(), runtime::telegramUrl, lastUpdateId -> GetUpdates.builder()
                    .offset(lastUpdateId + 1)
                    .limit(100)
                    .timeout(timeoutSeconds)
                    .allowedUpdates(ALLOWED_UPDATES)
                    .build(), bot);
        } catch (TelegramApiException e) {
            runtime.close();
            throw new IllegalStateException("cannot start long polling: " + e.getMessage(), e);
        }
        log.info("shop bot polling {} with {} product(s), {} admin(s)", config.apiUrl(), config.catalog().products().size(),
                config.admins().size());
        return new ShopApp(runtime, bot, polling);
    }

    public BotRuntime runtime() {
        return runtime;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("stopping: polling, then the updates in hand, then the engine");
        if (polling != null) {
            try {
                polling.close();
            } catch (Exception e) {
                log.warn("stopping long polling failed: {}", e.toString());
            }
        }
        bot.close();
        runtime.close();
    }
}
