package io.botdelivery.testkit;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.MediaSource;
import io.botdelivery.api.Payload;
import io.botdelivery.core.spi.Notifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What every {@link Notifier} must do. An adapter's test extends this class, starts its backend (e.g. a
 * simulated Telegram, the {@code telegram-simulator} module) in its own {@code @BeforeEach}, and says how to build the
 * notifier and how to read what the backend received:
 *
 * <pre>{@code
 * class TelegramNotifierContractTest extends NotifierContract {
 *     @Override protected Notifier createNotifier() { ... }
 *     @Override protected List<String> receivedAlerts() { return telegram.record().contentsIn(ADMIN); }
 * }
 * }</pre>
 *
 * Behaviour beyond the core is gated by {@link Capability}: undeclared, those tests show as skipped, never as passed.
 */
public abstract class NotifierContract {

    /** Optional behaviour a notifier may declare. */
    public enum Capability {
        /** Throws when its backend refuses an alert; the test makes the backend refuse with {@link #refuseNext(int)}. */
        REPORTS_FAILURE,
        /** Sends an alert for {@link Notifier#sendingHalted(String)}. */
        HALT_ALERTS,
        /**
         * Can be made to wait for its backend (e.g. the admin chat's rate-limit slot is far away); the test congests it
         * with {@link #congest()} and checks that a call still ends within {@link Notifier#MAX_BLOCKING}.
         */
        CAN_BE_CONGESTED
    }

    private Notifier notifier;

    /** The notifier under test; called once per test, after the subclass's {@code @BeforeEach}. */
    protected abstract Notifier createNotifier();

    /** The text of every alert the backend received so far, oldest first. */
    protected abstract List<String> receivedAlerts();

    /** Makes the backend refuse the next {@code n} alerts; needed for {@link Capability#REPORTS_FAILURE}. */
    protected void refuseNext(int n) {
        throw new UnsupportedOperationException("declare REPORTS_FAILURE and override refuseNext");
    }

    /**
     * Makes the backend congested for longer than {@link Notifier#MAX_BLOCKING} but less than what a notifier would
     * naively wait (e.g. the bot paused for 20 s); needed for {@link Capability#CAN_BE_CONGESTED}.
     */
    protected void congest() {
        throw new UnsupportedOperationException("declare CAN_BE_CONGESTED and override congest");
    }

    /** What this notifier can do beyond the core; none by default. */
    protected Set<Capability> capabilities() {
        return EnumSet.noneOf(Capability.class);
    }

    protected final Notifier notifier() {
        if (notifier == null) {
            notifier = createNotifier();
        }
        return notifier;
    }

    @AfterEach
    void closeNotifier() throws Exception {
        if (notifier != null) {
            notifier.close();
        }
    }

    private void require(Capability capability) {
        assumeTrue(capabilities().contains(capability), "the notifier does not declare " + capability);
    }

    /** A delivery that ended FAILED, as the engine hands it to a notifier. */
    protected static Delivery failedDelivery(long chatId, String businessReference, int attempts, String lastError,
                                             FailureClass failureClass) {
        Payload.Album album = new Payload.Album(List.of(
                Payload.photo(MediaSource.url("https://cdn.example.com/1.jpg")),
                Payload.photo(MediaSource.url("https://cdn.example.com/2.jpg")),
                Payload.photo(MediaSource.url("https://cdn.example.com/3.jpg"))));
        DeliveryRequest request = DeliveryRequest.builder(chatId, album).businessReference(businessReference).build();
        Instant created = Instant.parse("2026-05-01T10:00:00Z");
        Instant failed = created.plus(Duration.ofHours(2));
        return new Delivery(DeliveryId.random(), request, chatId, DeliveryStatus.FAILED, attempts, 1, List.of(101L),
                lastError, failureClass, created, failed, null, failed, null);
    }

    private static Delivery blocked() {
        return failedDelivery(424242, "order-77", 3, "[403] Forbidden: bot was blocked by the user",
                FailureClass.PERMANENT_RECIPIENT);
    }

    @Nested
    @DisplayName("an alert about a failed delivery")
    class Alert {
        @Test
        @DisplayName("has arrived when deliveryFailed returns")
        void arrivesBeforeReturn() throws Exception {
            int before = receivedAlerts().size();
            notifier().deliveryFailed(blocked());
            assertThat(receivedAlerts()).hasSize(before + 1);
        }

        @Test
        @DisplayName("names the delivery, its chat, business reference, payload kind, attempts and last error")
        void namesEverything() throws Exception {
            Delivery failed = blocked();
            notifier().deliveryFailed(failed);
            assertThat(receivedAlerts()).last().asString().contains(failed.id().toString(), "424242", "order-77",
                    "album", "3", "bot was blocked by the user");
        }

        @Test
        @DisplayName("for a delivery without a business reference does not print null")
        void noReference() throws Exception {
            notifier().deliveryFailed(failedDelivery(515151, null, 10, "Telegram kept answering 502",
                    FailureClass.ATTEMPTS_EXHAUSTED));
            assertThat(receivedAlerts()).last().asString().contains("515151").doesNotContain("null");
        }

        @Test
        @DisplayName("is sent once per call: two failures, two alerts")
        void onePerCall() throws Exception {
            notifier().deliveryFailed(blocked());
            notifier().deliveryFailed(blocked());
            assertThat(receivedAlerts()).hasSize(2);
        }
    }

    @Nested
    @DisplayName("when the backend refuses")
    class Refusing {
        @Test
        @DisplayName("deliveryFailed throws, and a later call delivers the alert")
        void throwsThenDelivers() throws Exception {
            require(Capability.REPORTS_FAILURE);
            Delivery failed = blocked();
            refuseNext(1);
            assertThatThrownBy(() -> notifier().deliveryFailed(failed)).isInstanceOf(Exception.class);
            assertThat(receivedAlerts()).noneMatch(a -> a.contains(failed.id().toString()));
            notifier().deliveryFailed(failed);
            assertThat(receivedAlerts()).filteredOn(a -> a.contains(failed.id().toString())).hasSize(1);
        }
    }

    @Nested
    @DisplayName("under concurrency")
    class Concurrency {
        @Test
        @DisplayName("alerts from many threads all arrive, each once")
        void manyThreads() throws Exception {
            Notifier shared = notifier();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Delivery> failures = new ArrayList<>();
                List<CompletableFuture<Void>> calls = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    Delivery failed = failedDelivery(600 + i, "order-" + i, 10, "error " + i, FailureClass.PERMANENT_PAYLOAD);
                    failures.add(failed);
                    calls.add(CompletableFuture.runAsync(() -> {
                        try {
                            shared.deliveryFailed(failed);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }, pool));
                }
                CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                for (Delivery failed : failures) {
                    assertThat(receivedAlerts()).filteredOn(a -> a.contains(failed.id().toString())).hasSize(1);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Nested
    @DisplayName("when its backend is congested")
    class Congested {
        @Test
        @DisplayName("a call returns or throws within Notifier.MAX_BLOCKING instead of waiting for the backend")
        void boundedCall() throws Exception {
            require(Capability.CAN_BE_CONGESTED);
            Notifier shared = notifier();
            congest();
            ExecutorService caller = Executors.newSingleThreadExecutor();
            try {
                Future<?> call = caller.submit(() -> {
                    try {
                        shared.deliveryFailed(blocked());
                    } catch (Exception refused) {
                        // throwing is a correct answer: the engine calls again later
                    }
                });
                // the engine runs alerts one at a time: a call over the bound holds up every alert behind it
                assertThatCode(() -> call.get(Notifier.MAX_BLOCKING.toMillis() + 1_000, TimeUnit.MILLISECONDS))
                        .as("a notifier call must end within %s", Notifier.MAX_BLOCKING).doesNotThrowAnyException();
            } finally {
                caller.shutdownNow();
            }
        }
    }

    @Nested
    @DisplayName("when sending halts")
    class Halting {
        @Test
        @DisplayName("an alert names the reason")
        void haltAlert() throws Exception {
            require(Capability.HALT_ALERTS);
            notifier().sendingHalted("Telegram answered 401 Unauthorized: check the bot token");
            assertThat(receivedAlerts()).last().asString().contains("401 Unauthorized");
        }
    }
}
