package io.botdelivery.example.shop;

import io.botdelivery.api.IdempotencyKey;
import io.botdelivery.core.spi.RetryStore;
import io.botdelivery.core.spi.RetryStoreException;
import io.botdelivery.example.SimulatedTelegram;
import io.botdelivery.example.config.Secret;
import io.botdelivery.example.updates.UpdateLoop;
import io.botdelivery.simulator.AcceptedMessage;
import io.botdelivery.simulator.TelegramSimulator;
import io.botdelivery.store.memory.InMemoryRetryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A payment is confirmed to Telegram only once its pack is stored: the real shop on long polling against the simulator,
 * over an in-memory store that refuses {@code save} (the write behind the engine's {@code submit}) a given number of
 * times with {@link RetryStoreException}, as PostgreSQL does during a failover.
 */
class PaymentDurabilityTest {
    private static final long BUYER = 4242;
    private static final long OTHER_BUYER = 4343;
    private static final String PAYLOAD = "product:pack";
    /** Submit rounds per handling of the payment update; the store below refuses more or fewer writes than that. */
    private static final int ROUNDS = 3;

    private TelegramSimulator telegram;
    private ShopApp app;

    /** The real in-memory store, except that its first {@code refusals} saves throw as an unreachable database does. */
    private static RetryStore refusingSaves(int refusals, AtomicInteger refused) {
        InMemoryRetryStore real = new InMemoryRetryStore();
        return (RetryStore) Proxy.newProxyInstance(RetryStore.class.getClassLoader(), new Class<?>[] {RetryStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("save") && refused.get() < refusals) {
                        refused.incrementAndGet();
                        throw new RetryStoreException("save: connection refused (simulated outage)", null);
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private void start(int refusals, AtomicInteger refused) {
        telegram = SimulatedTelegram.start();
        RetryStore store = refusingSaves(refusals, refused);
        // short waits so the test takes a second, not the production minute; the behaviour is the same
        ShopApp.UpdateSettings settings = ShopApp.UpdateSettings.defaults(Duration.ofSeconds(1))
                .withStoreRetry(ROUNDS, Duration.ofMillis(20))
                .withLoop(UpdateLoop.Settings.defaults(Duration.ofSeconds(1), ShopApp.ALLOWED_UPDATES)
                        .withRetryDelays(Duration.ofMillis(100), Duration.ofMillis(400))
                        .withBusyPollInterval(Duration.ofMillis(100)));
        app = ShopApp.start(SimulatedTelegram.config(telegram), new Secret(telegram.token()), settings,
                binder -> binder.bind(RetryStore.class).toInstance(store));
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        if (telegram != null) {
            telegram.close();
        }
    }

    private List<String> kindsIn(long chat) {
        return telegram.record().acceptedIn(chat).stream().map(AcceptedMessage::kind).toList();
    }

    private List<String> textsIn(long chat) {
        return telegram.record().acceptedIn(chat).stream().filter(m -> m.kind().equals("text")).map(AcceptedMessage::text).toList();
    }

    private void awaitReceipt(String chargeId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> app.runtime().engine()
                .findByIdempotencyKey(IdempotencyKey.of(chargeId + ":receipt")).map(d -> d.status().isFinal()).orElse(false));
    }

    @Test
    @DisplayName("a store that refuses fewer times than one handling tries: stored on a later round, one pack, no alert, update confirmed")
    void refusedWithinOneHandling() {
        AtomicInteger refused = new AtomicInteger();
        start(ROUNDS - 1, refused);

        telegram.updates().successfulPayment(BUYER, "XTR", 50, PAYLOAD, "charge-a");
        telegram.updates().userSends(OTHER_BUYER, "/start");
        awaitReceipt("charge-a");

        assertThat(refused).hasValue(ROUNDS - 1);
        assertThat(kindsIn(BUYER)).containsExactly("photo", "photo", "video", "document", "text");
        await().atMost(Duration.ofSeconds(10)).until(() -> telegram.updates().pendingCount() == 0);
        assertThat(textsIn(OTHER_BUYER)).singleElement().satisfies(t -> assertThat(t).startsWith("Welcome to the shop!"));
        assertThat(textsIn(SimulatedTelegram.ADMIN)).as("no alert when the retry inside one handling succeeded").isEmpty();
    }

    @Test
    @DisplayName("a store that refuses longer: the update stays unconfirmed and comes again until stored; one pack, ONE admin alert, no update lost")
    void refusedAcrossRedeliveries() {
        int refusals = 3 * ROUNDS + 1; // three whole handlings fail, the fourth stores on its second round
        AtomicInteger refused = new AtomicInteger();
        start(refusals, refused);

        telegram.updates().successfulPayment(BUYER, "XTR", 50, PAYLOAD, "charge-b");
        // another buyer writes after the payment: answered while the payment waits, and not lost either
        telegram.updates().userSends(OTHER_BUYER, "/start");
        await().atMost(Duration.ofSeconds(10)).until(() -> !textsIn(OTHER_BUYER).isEmpty());
        awaitReceipt("charge-b");

        assertThat(refused).hasValue(refusals);
        assertThat(kindsIn(BUYER)).as("exactly one pack").containsExactly("photo", "photo", "video", "document", "text");
        assertThat(app.runtime().engine().summary().total()).as("three parts stored once each").isEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> telegram.updates().pendingCount() == 0);
        assertThat(textsIn(OTHER_BUYER)).as("the later update was handled once").hasSize(1);
        // the alert goes through the replies' rate-limited path: give it time, then check it stays one
        await().atMost(Duration.ofSeconds(10)).until(() -> !textsIn(SimulatedTelegram.ADMIN).isEmpty());
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> textsIn(SimulatedTelegram.ADMIN).size() == 1);
        assertThat(textsIn(SimulatedTelegram.ADMIN).get(0)).contains("Payment charge-b", "chat " + BUYER, "not stored yet");
    }
}
