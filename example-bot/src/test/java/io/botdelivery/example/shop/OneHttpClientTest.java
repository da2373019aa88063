package io.botdelivery.example.shop;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.botdelivery.api.IdempotencyKey;
import io.botdelivery.example.SimulatedTelegram;
import io.botdelivery.example.config.Secret;
import io.botdelivery.simulator.TelegramSimulator;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One HTTP client per token: the shop bot's start-up check, long polling, replies, paid deliveries and admin alerts all
 * go out on clients derived from the one bound {@link OkHttpClient}. The test binds that client with an interceptor
 * that notes each Bot API method it sees; OkHttp copies interceptors (with the connection pool and the dispatcher) into
 * every client made with {@code newBuilder()}, so a method it never saw went out on a client of its own.
 */
@DisplayName("The shop bot sends everything on one HTTP client per token")
class OneHttpClientTest {
    private final Set<String> methodsSeen = ConcurrentHashMap.newKeySet();
    private TelegramSimulator telegram;
    private ShopApp app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        telegram.close();
    }

    /** Notes the last path segment (the method); the token, in the segment before it, is never read. */
    private final class MethodRecorder implements Interceptor {
        @Override
        public Response intercept(Chain chain) throws IOException {
            List<String> segments = chain.request().url().pathSegments();
            methodsSeen.add(segments.get(segments.size() - 1).toLowerCase(java.util.Locale.ROOT));
            return chain.proceed(chain.request());
        }
    }

    @Test
    @DisplayName("getMe, getUpdates, replies, the pack and the admin's alert all pass the one client's interceptor")
    void everyCallOnTheOneClient() {
        telegram = SimulatedTelegram.start();
        OkHttpClient one = new OkHttpClient.Builder().addInterceptor(new MethodRecorder()).build();
        app = ShopApp.start(SimulatedTelegram.config(telegram), new Secret(telegram.token()), Duration.ofSeconds(1),
                new AbstractModule() {
                    @Provides
                    @Singleton
                    OkHttpClient http() {
                        return one;
                    }
                });
        assertThat(app.runtime().httpClient()).isSameAs(one);

        long buyer = 4343;
        telegram.updates().userSends(buyer, "/start");
        telegram.updates().userSends(buyer, "/buy pack");
        await().atMost(Duration.ofSeconds(10)).until(() -> telegram.record().acceptedIn(buyer).size() == 2);
        // a blocked buyer fails the pack: the notifier alerts the admin
        telegram.chats().block(buyer);
        telegram.updates().successfulPayment(buyer, "XTR", 50, "product:pack", "charge-h");
        await().atMost(Duration.ofSeconds(20)).until(() -> !telegram.record().acceptedIn(SimulatedTelegram.ADMIN).isEmpty());

        assertThat(app.runtime().engine().findByIdempotencyKey(IdempotencyKey.of("charge-h:pack"))).isPresent();
        assertThat(methodsSeen).contains(
                "getme",          // start-up check, on the plain TelegramClient
                "getupdates",     // long polling
                "sendinvoice",    // a reply through the DeliveringTelegramClient and the engine's sender
                "sendmediagroup", // the pack, by the engine's sender
                "sendmessage");   // the catalog, and the admin's alert by the notifier
        assertThat(telegram.record().acceptedIn(SimulatedTelegram.ADMIN)).isNotEmpty();
    }
}
