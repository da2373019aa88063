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
import java.util.concurrent.CountDownLatch;
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
 * The rules are stated in {@link Notifier}'s Javadoc; this kit checks them. Reporting a refused alert by throwing is
 * not optional: every notifier implements {@link #refuseNext}. Behaviour beyond the core is gated by
 * {@link Capability}, and the failure modes a test may not be able to stage ({@link #rejectNextAsInvalid},
 * {@link #makeBackendHang}, {@link #makeBackendUnreachable}) by hooks that answer {@code false} by default:
 * undeclared, those tests show as skipped, never as passed. Every test has a time limit ({@link KitTimeLimit}, 30 s).
 */
@KitTimeLimit(seconds = 30)
public abstract class NotifierContract {

    /** Optional behaviour a notifier may declare. */
    public enum Capability {
        /**
         * No longer optional: every notifier must throw when its backend refuses an alert, and every kit subclass
         * implements {@link #refuseNext(int)}. Declaring it changes nothing.
         */
        @Deprecated
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

    /**
     * Makes the backend refuse the next {@code n} alerts as a temporary failure (HTTP 5xx, Telegram 502): the notifier
     * must throw. Mandatory: a notifier that cannot be shown to report failure is not checked.
     */
    protected abstract void refuseNext(int n);

    /**
     * Makes the backend reject the next {@code n} alerts as invalid (HTTP 4xx, Telegram 400 "chat not found") and
     * returns {@code true}; {@code false} (the default) when the test cannot, and the test is skipped. A 4xx is a
     * failure too: the alert was not handed over.
     */
    protected boolean rejectNextAsInvalid(int n) {
        return false;
    }

    /**
     * Makes the backend accept connections but never answer, until the test ends, and returns {@code true};
     * {@code false} (the default) when the test cannot. The notifier must throw within {@link Notifier#MAX_BLOCKING}.
     */
    protected boolean makeBackendHang() {
        return false;
    }

    /**
     * Makes the backend unreachable (connection refused, unknown host) and returns {@code true}; {@code false} (the
     * default) when the test cannot. The notifier must throw within {@link Notifier#MAX_BLOCKING}.
     */
    protected boolean makeBackendUnreachable() {
        return false;
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
            Delivery failed = blocked();
            refuseNext(1);
            assertThatThrownBy(() -> notifier().deliveryFailed(failed)).isInstanceOf(Exception.class);
            assertThat(receivedAlerts()).noneMatch(a -> a.contains(failed.id().toString()));
            notifier().deliveryFailed(failed);
            assertThat(receivedAlerts()).filteredOn(a -> a.contains(failed.id().toString())).hasSize(1);
        }

        @Test
        @DisplayName("a rejection as invalid (4xx) is a failure too: deliveryFailed throws (hook: rejectNextAsInvalid)")
        void clientErrorIsFailure() {
            Delivery failed = blocked();
            notifier();
            assumeTrue(rejectNextAsInvalid(1), "the test cannot make the backend reject an alert as invalid");
            assertThatThrownBy(() -> notifier().deliveryFailed(failed)).isInstanceOf(Exception.class);
        }

        @Test
        @DisplayName("a backend that never answers: deliveryFailed throws within Notifier.MAX_BLOCKING (hook: makeBackendHang)")
        void hangingBackend() throws Exception {
            Notifier shared = notifier();
            assumeTrue(makeBackendHang(), "the test cannot make the backend hang");
            assertFailsWithinTheBound(shared);
        }

        @Test
        @DisplayName("an unreachable backend: deliveryFailed throws within Notifier.MAX_BLOCKING (hook: makeBackendUnreachable)")
        void unreachableBackend() throws Exception {
            Notifier shared = notifier();
            assumeTrue(makeBackendUnreachable(), "the test cannot make the backend unreachable");
            assertFailsWithinTheBound(shared);
        }

        private void assertFailsWithinTheBound(Notifier shared) throws Exception {
            ExecutorService caller = Executors.newSingleThreadExecutor();
            try {
                Future<Exception> call = caller.submit(() -> {
                    try {
                        shared.deliveryFailed(blocked());
                        return null;
                    } catch (Exception e) {
                        return e;
                    }
                });
                Exception thrown;
                try {
                    thrown = call.get(Notifier.MAX_BLOCKING.toMillis() + 1_000, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("deliveryFailed did not end within " + Notifier.MAX_BLOCKING
                            + " (does the notifier set a timeout on its calls?)", e);
                }
                assertThat(thrown).as("the alert was not handed over, so deliveryFailed must throw").isNotNull();
            } finally {
                caller.shutdownNow();
            }
        }
    }

    @Nested
    @DisplayName("under concurrency")
    class Concurrency {
        @Test
        @DisplayName("alerts from many threads at once all arrive, each once and each about its own delivery only")
        void manyThreads() throws Exception {
            Notifier shared = notifier();
            int threads = 8;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Delivery> failures = new ArrayList<>();
                List<CompletableFuture<Void>> calls = new ArrayList<>();
                CountDownLatch start = new CountDownLatch(1);
                for (int i = 0; i < threads; i++) {
                    Delivery failed = failedDelivery(600_000 + i, "order-" + (7_000 + i), 10, "error " + i,
                            FailureClass.PERMANENT_PAYLOAD);
                    failures.add(failed);
                    calls.add(CompletableFuture.runAsync(() -> {
                        try {
                            start.await();
                            shared.deliveryFailed(failed);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }, pool));
                }
                start.countDown();
                CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(25, TimeUnit.SECONDS);
                List<String> received = receivedAlerts();
                for (Delivery failed : failures) {
                    assertThat(received).filteredOn(a -> a.contains(failed.id().toString())).as("alerts about %s", failed.id())
                            .singleElement().asString()
                            .contains(Long.toString(failed.chatId()), failed.request().businessReference());
                }
                for (String alert : received) {
                    assertThat(failures).filteredOn(f -> alert.contains(f.id().toString()))
                            .as("deliveries named in one alert (a notifier sharing a buffer between threads mixes them)")
                            .hasSize(1);
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
