package io.botdelivery.sender.telegram;

import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.Payload;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.core.spi.SendRequest;
import io.botdelivery.limiter.local.LocalRateLimiter;
import io.botdelivery.simulator.SimulatorConfig;
import io.botdelivery.simulator.TelegramSimulator;
import io.botdelivery.testkit.MutableClock;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.methods.GetMe;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sender and the notifier on the application's OkHttp client: they send on its connections, make its dispatcher
 * wide enough for the engine, and leave it working when they close (the application still polls and answers on it).
 */
@DisplayName("TelegramSender and TelegramNotifier on the application's OkHttp client")
class SharedHttpClientTest {
    private final MutableClock clock = MutableClock.at("2026-06-01T09:00:00Z");
    private final TelegramSimulator telegram = TelegramSimulator.start(SimulatorConfig.builder().clock(clock).build());
    private final OkHttpClient http = new OkHttpClient();

    @AfterEach
    void stop() {
        telegram.close();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    @Test
    @DisplayName("they send on its connection pool, raise its per-host limit to theirs, and closing them leaves it usable")
    void sendsOnItAndLeavesItOpen() throws Exception {
        TelegramSenderConfig config = TelegramSenderConfig.defaults(telegram.token()).withApiUrl(telegram.baseUrl())
                .withMaxConcurrentRequests(40);
        assertThat(http.dispatcher().getMaxRequestsPerHost()).isEqualTo(5);
        TelegramSender sender = new TelegramSender(config, http);
        TelegramNotifier notifier = new TelegramNotifier(TelegramNotifierConfig.of(config, 9_100_001L),
                new LocalRateLimiter(RateBudgets.telegramDefaults(), clock), clock, clock::advance, http);
        assertThat(http.dispatcher().getMaxRequestsPerHost()).isEqualTo(40);

        SendOutcome outcome = sender.send(new SendRequest(DeliveryId.random(), 5_001, Payload.text("on the shared client"),
                false, 1));
        assertThat(outcome).isInstanceOf(SendOutcome.Delivered.class);
        // the sender's connection went back to the application's pool
        assertThat(http.connectionPool().connectionCount()).isPositive();

        sender.close();
        notifier.close();
        assertThat(http.dispatcher().executorService().isShutdown()).isFalse();
        OkHttpTelegramClient plain = new OkHttpTelegramClient(http, telegram.token(),
                new TelegramUrl("http", telegram.host(), telegram.port(), false));
        assertThat(plain.execute(new GetMe()).getIsBot()).isTrue();
        assertThat(telegram.record().acceptedIn(5_001)).extracting(m -> m.text()).isEqualTo(List.of("on the shared client"));
    }
}
