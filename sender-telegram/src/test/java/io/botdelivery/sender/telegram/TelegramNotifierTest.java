package io.botdelivery.sender.telegram;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.Payload;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.limiter.local.LocalRateLimiter;
import io.botdelivery.testkit.MutableClock;
import io.botdelivery.testkit.limiter.ForwardingRateLimiter;
import io.botdelivery.simulator.Fault;
import io.botdelivery.simulator.SimulatorConfig;
import io.botdelivery.simulator.TelegramSimulator;
import io.botdelivery.simulator.WindowScope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("TelegramNotifier")
class TelegramNotifierTest {
    private static final long ADMIN = 9_100_001L;
    private static final long SECOND_ADMIN = 9_100_002L;

    /** Telegram's real budgets and default jitter tolerance, on a clock the notifier moves instead of sleeping. */
    private final MutableClock clock = MutableClock.at("2026-06-01T09:00:00Z");
    private final TelegramSimulator telegram = TelegramSimulator.start(SimulatorConfig.builder().clock(clock).build());
    private final RateLimiter limiter = new LocalRateLimiter(RateBudgets.telegramDefaults(), clock);
    private final List<TelegramNotifier> notifiers = new ArrayList<>();

    @AfterEach
    void stop() {
        notifiers.forEach(TelegramNotifier::close);
        telegram.close();
    }

    private TelegramNotifier notifier(Long... admins) {
        return notifier(clock::advance, admins);
    }

    /** A notifier that waits for its slots through {@code pause} (which must move the clock). */
    private TelegramNotifier notifier(TelegramNotifier.Pause pause, Long... admins) {
        TelegramSenderConfig connection = TelegramSenderConfig.defaults(telegram.token()).withApiUrl(telegram.baseUrl());
        TelegramNotifier notifier = new TelegramNotifier(TelegramNotifierConfig.of(connection, admins), limiter, clock, pause);
        notifiers.add(notifier);
        return notifier;
    }

    private static Delivery failed(long chatId, FailureClass failureClass, String error) {
        DeliveryRequest request = DeliveryRequest.builder(chatId, Payload.text("your order")).businessReference("order-9").build();
        Instant at = Instant.parse("2026-06-01T08:00:00Z");
        return new Delivery(DeliveryId.random(), request, chatId, DeliveryStatus.FAILED, 10, 0, List.of(), error,
                failureClass, at, at, null, at, null);
    }

    @Nested
    @DisplayName("writes a clear admin message")
    class Message {
        @Test
        @DisplayName("that says what to do next for the failure's class, and how to redeliver")
        void nextStep() throws Exception {
            Delivery blocked = failed(777, FailureClass.PERMANENT_RECIPIENT, "[403] Forbidden: bot was blocked by the user");
            notifier(ADMIN).deliveryFailed(blocked);
            assertThat(telegram.record().contentsIn(ADMIN)).singleElement().asString()
                    .contains("Delivery FAILED", "PERMANENT_RECIPIENT", "cannot receive messages", "redeliver " + blocked.id());
        }

        @Test
        @DisplayName("that names the supergroup a migrated delivery went to, and the group it came from")
        void migrated() throws Exception {
            Delivery original = failed(-500, FailureClass.PERMANENT_PAYLOAD, "Bad Request: message is too long");
            Delivery migrated = new Delivery(original.id(), original.request(), -100500, DeliveryStatus.FAILED, 1, 0,
                    List.of(), original.lastError(), original.lastErrorClass(), original.createdAt(), original.updatedAt(),
                    null, original.finishedAt(), null);
            notifier(ADMIN).deliveryFailed(migrated);
            assertThat(telegram.record().contentsIn(ADMIN)).singleElement().asString()
                    .contains("Chat: -100500 (migrated from -500)");
        }

        @Test
        @DisplayName("and a halt message saying nothing is lost")
        void halt() throws Exception {
            notifier(ADMIN).sendingHalted("Telegram answered [401] Unauthorized");
            assertThat(telegram.record().contentsIn(ADMIN)).singleElement().asString()
                    .contains("Sending HALTED", "[401] Unauthorized", "deliveries stay queued");
        }
    }

    @Nested
    @DisplayName("with several admins")
    class Admins {
        @Test
        @DisplayName("tells every admin")
        void everyAdmin() throws Exception {
            notifier(ADMIN, SECOND_ADMIN).deliveryFailed(failed(1, FailureClass.PERMANENT_PAYLOAD, "bad"));
            assertThat(telegram.record().contentsIn(ADMIN)).hasSize(1);
            assertThat(telegram.record().contentsIn(SECOND_ADMIN)).hasSize(1);
        }

        @Test
        @DisplayName("succeeds when at least one admin got the alert")
        void oneIsEnough() throws Exception {
            telegram.chats().block(SECOND_ADMIN);
            notifier(ADMIN, SECOND_ADMIN).deliveryFailed(failed(2, FailureClass.PERMANENT_PAYLOAD, "bad"));
            assertThat(telegram.record().contentsIn(ADMIN)).hasSize(1);
        }

        @Test
        @DisplayName("throws when no admin got it, naming why")
        void noneGotIt() {
            telegram.chats().block(ADMIN).block(SECOND_ADMIN);
            assertThatThrownBy(() -> notifier(ADMIN, SECOND_ADMIN).deliveryFailed(failed(3, FailureClass.PERMANENT_PAYLOAD, "bad")))
                    .isInstanceOf(AlertNotSentException.class)
                    .hasMessageContaining("bot was blocked by the user")
                    .hasMessageNotContaining(telegram.token().substring(telegram.token().indexOf(':') + 1));
        }
    }

    @Nested
    @DisplayName("paces alerts through the rate limiter")
    class Pacing {
        @Test
        @DisplayName("so a storm of failures earns no 429 at Telegram's 1 per second: every alert arrives once, a second apart")
        void storm() throws Exception {
            TelegramNotifier notifier = notifier(ADMIN);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Delivery failure = failed(100 + i, FailureClass.ATTEMPTS_EXHAUSTED, "HTTP 502 with a non-JSON body");
                ids.add(failure.id().toString());
                notifier.deliveryFailed(failure);
            }
            assertThat(telegram.record().rateLimited()).isEmpty();
            for (String id : ids) {
                assertThat(telegram.record().contentsIn(ADMIN)).filteredOn(a -> a.contains(id)).hasSize(1);
            }
            assertThat(telegram.record().maxInAnyWindow(WindowScope.chat(ADMIN), Duration.ofSeconds(1))).isEqualTo(1);
        }

        @Test
        @DisplayName("and waits out a 429 it met anyway (another process using the token), within maxWait")
        void waitsOut429() throws Exception {
            telegram.faults().nextFor(ADMIN, Fault.error(429, "Too Many Requests: retry after 3").withParameter("retry_after", 3));
            Instant start = clock.instant();
            notifier(ADMIN).deliveryFailed(failed(6, FailureClass.PERMANENT_PAYLOAD, "bad"));
            assertThat(telegram.record().contentsIn(ADMIN)).hasSize(1);
            assertThat(Duration.between(start, clock.instant())).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        }

        @Test
        @DisplayName("and takes a 429 to a private admin chat as the bot's: every send waits out retry_after plus a second")
        void a429PausesTheBot() throws Exception {
            telegram.faults().nextFor(ADMIN, Fault.error(429, "Too Many Requests: retry after 3").withParameter("retry_after", 3));
            Instant start = clock.instant();
            List<Duration> pausesSeen = new ArrayList<>();
            TelegramNotifier watched = notifier(d -> {
                pausesSeen.add(limiter.globalPause());
                clock.advance(d);
            }, ADMIN);

            watched.deliveryFailed(failed(6, FailureClass.PERMANENT_PAYLOAD, "bad"));

            assertThat(pausesSeen).as("the bot-wide pause while the alert waited").contains(Duration.ofSeconds(4));
            assertThat(telegram.record().accepted()).singleElement()
                    .satisfies(m -> assertThat(m.at()).isAfterOrEqualTo(start.plusSeconds(4)));
        }

        @Test
        @DisplayName("and does not send into a bot-wide pause that began while it waited for its slot")
        void slotInsideLaterPause() throws Exception {
            // the admin chat sent a moment ago: the alert's slot is a second away
            limiter.reserve(new io.botdelivery.core.spi.RateRequest(ADMIN, 1, false), Duration.ZERO);
            Instant start = clock.instant();
            java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
            TelegramNotifier waiting = notifier(d -> {
                if (first.getAndSet(false)) {
                    // meanwhile the engine (or another instance) met a bot-wide 429
                    limiter.penalize(io.botdelivery.core.spi.LimitScope.global(), Duration.ofSeconds(4));
                }
                clock.advance(d);
            }, ADMIN);

            waiting.deliveryFailed(failed(7, FailureClass.PERMANENT_PAYLOAD, "bad"));

            assertThat(telegram.record().accepted()).singleElement()
                    .satisfies(m -> assertThat(m.at()).isAfterOrEqualTo(start.plusSeconds(4)));
        }

        @Test
        @DisplayName("and reads the bot-wide pause a limiter round trip before its slot, so the alert leaves at the slot")
        void readsThePauseAhead() throws Exception {
            Duration roundTrip = Duration.ofMillis(40);
            List<Duration> delays = new ArrayList<>();
            // a limiter one round trip away (Redis): each call answers 40 ms after it was made
            RateLimiter distant = new ForwardingRateLimiter(limiter) {
                @Override
                public Reservation reserve(RateRequest request, Duration maxWait) {
                    Reservation r = super.reserve(request, maxWait);
                    if (r instanceof Reservation.Granted granted) {
                        delays.add(granted.delay());
                    }
                    clock.advance(roundTrip);
                    return r;
                }

                @Override
                public Duration globalPause() {
                    clock.advance(roundTrip);
                    return super.globalPause();
                }
            };
            // the admin chat sent a moment ago: the alert's slot is a second away
            limiter.reserve(new RateRequest(ADMIN, 1, false), Duration.ZERO);
            Instant start = clock.instant();
            TelegramSenderConfig connection = TelegramSenderConfig.defaults(telegram.token()).withApiUrl(telegram.baseUrl());
            TelegramNotifier notifier = new TelegramNotifier(TelegramNotifierConfig.of(connection, ADMIN), distant, clock,
                    clock::advance);
            notifiers.add(notifier);

            notifier.deliveryFailed(failed(8, FailureClass.PERMANENT_PAYLOAD, "bad"));

            assertThat(delays).singleElement().satisfies(d -> assertThat(d).isPositive());
            // the slot counts from the limiter's answer (the port's rule); the pause read before it costs nothing
            assertThat(telegram.record().accepted()).singleElement()
                    .satisfies(m -> assertThat(m.at()).isEqualTo(start.plus(roundTrip).plus(delays.get(0))));
        }

        @Test
        @DisplayName("and gives up with an exception when no slot comes within maxWait")
        void maxWait() throws Exception {
            TelegramSenderConfig connection = TelegramSenderConfig.defaults(telegram.token()).withApiUrl(telegram.baseUrl());
            TelegramNotifier impatient = new TelegramNotifier(TelegramNotifierConfig.of(connection, ADMIN)
                    .withMaxWait(Duration.ofMillis(50)), limiter, clock, clock::advance);
            notifiers.add(impatient);
            limiter.penalize(io.botdelivery.core.spi.LimitScope.chat(ADMIN), Duration.ofSeconds(30));
            assertThatThrownBy(() -> impatient.deliveryFailed(failed(5, FailureClass.PERMANENT_PAYLOAD, "bad")))
                    .isInstanceOf(AlertNotSentException.class).hasMessageContaining("no rate-limit slot");
            assertThat(telegram.record().accepted()).isEmpty();
        }
    }
}
