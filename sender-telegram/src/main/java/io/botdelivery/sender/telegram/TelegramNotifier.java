package io.botdelivery.sender.telegram;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.ParseMode;
import io.botdelivery.api.Payload;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.Notifier;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateLimiterUnavailableException;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.objects.message.Message;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link Notifier} that writes to one or more admin chats on Telegram: what failed (delivery, chat, business
 * reference, payload, attempts, last error) and what to do next. Every alert takes a slot from the {@link RateLimiter}
 * it is given, like any other send, so a storm of failures cannot earn the bot a 429.
 *
 * <p>An alert counts as handed over when at least one admin chat received it; if none did, the call throws
 * {@link AlertNotSentException} and the engine calls again later. A call waits for slots at most
 * {@link TelegramNotifierConfig#maxWait()} (within {@link Notifier#MAX_BLOCKING}): an alert whose slot is further away
 * fails at once rather than holding the alert queue. Thread-safe; {@link #close()} releases the HTTP client.
 */
public final class TelegramNotifier implements Notifier {
    private static final Logger log = LoggerFactory.getLogger(TelegramNotifier.class);
    /** Added to every retry_after, as the engine's default {@code retryAfterMargin}: the ban must be over, not ending. */
    private static final Duration RETRY_AFTER_MARGIN = Duration.ofSeconds(1);
    /**
     * The least time a call to the Bot API is given, even when waiting for the slot used up the rest of
     * {@link Notifier#MAX_BLOCKING}: with the default maxWait (4 s) a call still ends within the bound.
     */
    private static final Duration MIN_CALL_TIME = Duration.ofSeconds(1);

    private final TelegramNotifierConfig config;
    private final RateLimiter limiter;
    private final Clock clock;
    private final TelegramApi api;
    private final Pause pause;

    /** How the notifier waits for its rate-limit slot; tests move a clock instead of sleeping. */
    @FunctionalInterface
    interface Pause {
        void sleep(Duration delay) throws InterruptedException;
    }

    public TelegramNotifier(TelegramNotifierConfig config, RateLimiter limiter, Clock clock) {
        this(config, limiter, clock, TelegramNotifier::sleep);
    }

    /**
     * A notifier on the application's OkHttp client (its connection pool and dispatcher; see
     * {@link TelegramSender#TelegramSender(TelegramSenderConfig, OkHttpClient)}): one HTTP client per token.
     */
    public TelegramNotifier(TelegramNotifierConfig config, RateLimiter limiter, Clock clock, OkHttpClient http) {
        this(config, limiter, clock, TelegramNotifier::sleep, http);
    }

    /** A notifier on its injector's client, shared with the sender ({@link TelegramNotifierModule}). */
    TelegramNotifier(TelegramNotifierConfig config, RateLimiter limiter, Clock clock, SharedBotApiClient http) {
        this(config, limiter, clock, TelegramNotifier::sleep, new TelegramApi(config.connection(), http));
    }

    TelegramNotifier(TelegramNotifierConfig config, RateLimiter limiter, Clock clock, Pause pause) {
        this(config, limiter, clock, pause, (OkHttpClient) null);
    }

    TelegramNotifier(TelegramNotifierConfig config, RateLimiter limiter, Clock clock, Pause pause, OkHttpClient http) {
        this(config, limiter, clock, pause, new TelegramApi(config.connection(), http));
    }

    private TelegramNotifier(TelegramNotifierConfig config, RateLimiter limiter, Clock clock, Pause pause, TelegramApi api) {
        this.config = Objects.requireNonNull(config, "config");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pause = Objects.requireNonNull(pause, "pause");
        this.api = api;
    }

    @Override
    public void deliveryFailed(Delivery failed) throws AlertNotSentException {
        broadcast(AlertText.failed(failed), "delivery " + failed.id());
    }

    @Override
    public void sendingHalted(String reason) throws AlertNotSentException {
        broadcast(AlertText.halted(reason), "the halt of sending");
    }

    private void broadcast(String text, String about) throws AlertNotSentException {
        List<String> problems = new ArrayList<>();
        int received = 0;
        // one deadline for the whole call, every admin chat together: the port bounds a call, not a chat
        Instant start = clock.instant();
        Instant deadline = start.plus(config.maxWait());
        Instant callDeadline = start.plus(Notifier.MAX_BLOCKING);
        for (long admin : config.adminChatIds()) {
            Optional<String> problem = sendTo(admin, text, deadline, callDeadline);
            if (problem.isPresent()) {
                problems.add("chat " + admin + ": " + problem.get());
            } else {
                received++;
            }
        }
        if (received == 0) {
            throw new AlertNotSentException("no admin chat received the alert about " + about + " " + problems);
        }
        if (!problems.isEmpty()) {
            log.warn("the alert about {} did not reach every admin: {}", about, problems);
        }
    }

    /**
     * Sends one alert to one admin, waiting for its rate-limit slot until {@code deadline}; returns the problem, if
     * any; the Bot API call itself must answer by {@code callDeadline} (at least {@link #MIN_CALL_TIME}). A 429 (another process using the token, or budgets set too high) pauses the scope the configured
     * {@link io.botdelivery.core.spi.RetryAfterScopePolicy} names, in the limiter for everyone, and the alert waits that
     * pause out if the deadline allows.
     */
    private Optional<String> sendTo(long admin, String text, Instant deadline, Instant callDeadline) {
        String lastProblem = "no rate-limit slot within " + config.maxWait();
        try {
            while (true) {
                Duration left = Duration.between(clock.instant(), deadline);
                if (left.isNegative()) {
                    return Optional.of(lastProblem);
                }
                Instant asked = clock.instant();
                Reservation reservation = limiter.reserve(new RateRequest(admin, 1, false), left);
                Instant answeredAt = clock.instant();
                if (reservation instanceof Reservation.Denied denied) {
                    if (denied.retryIn().compareTo(left) > 0) {
                        return Optional.of(lastProblem + " (" + denied.scope() + " is paused or busy)");
                    }
                    pause(denied.retryIn());
                    continue;
                }
                Duration untilSlot = ((Reservation.Granted) reservation).delay();
                if (!untilSlot.isZero()) {
                    Instant slotAt = answeredAt.plus(untilSlot);
                    // the pause is read a limiter round trip (as long as the reservation's) before the slot, as the
                    // engine reads it: read at the slot, the alert would leave that late, among the next slots' sends
                    pause(untilSlot.minus(Duration.between(asked, answeredAt)));
                    // a bot-wide 429 taken while this alert waited for its slot (by the engine, or another instance)
                    // pauses the bot: sent anyway, the alert would reach Telegram during the ban and extend it
                    if (!limiter.globalPause().isZero()) {
                        lastProblem = "the bot is paused after a 429";
                        continue;
                    }
                    pause(Duration.between(clock.instant(), slotAt));
                }
                Duration callLeft = Duration.between(clock.instant(), callDeadline);
                Duration answerWithin = callLeft.compareTo(MIN_CALL_TIME) < 0 ? MIN_CALL_TIME : callLeft;
                // the call itself is bounded too: a Bot API that takes the request and never answers must not hold
                // the caller past the port's bound (the engine's alert thread, a shop's payment handler)
                TelegramApi.Result<Message> result = api.call(
                        TelegramRequests.text(admin, new Payload.Text(text, ParseMode.PLAIN), false), answerWithin);
                if (result instanceof TelegramApi.Result.Ok<Message>) {
                    return Optional.empty();
                }
                TelegramApi.Failure failure = ((TelegramApi.Result.Failed<Message>) result).failure();
                if (!(failure instanceof TelegramApi.Failure.Answered answered
                        && answered.error().errorClass() == TelegramErrorClass.RATE_LIMITED)) {
                    return Optional.of(describe(failure));
                }
                limiter.penalize(config.retryAfterScope().scopeOf(LimitScope.chat(admin)), Duration.ofSeconds(answered.error().retryAfterSeconds()).plus(RETRY_AFTER_MARGIN));
                lastProblem = describe(failure);
            }
        } catch (RateLimiterUnavailableException e) {
            return Optional.of("the rate limiter is unavailable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while waiting for a rate-limit slot");
        }
    }

    private String describe(TelegramApi.Failure failure) {
        if (failure instanceof TelegramApi.Failure.Answered answered) {
            return api.redact(answered.error().toString());
        }
        if (failure instanceof TelegramApi.Failure.NotSent notSent) {
            return notSent.reason();
        }
        if (failure instanceof TelegramApi.Failure.AnswerLost lost) {
            // the admin may have it already; a second copy of an alert is harmless
            return lost.reason();
        }
        return ((TelegramApi.Failure.Refused) failure).reason();
    }

    private void pause(Duration delay) throws InterruptedException {
        if (!delay.isZero() && !delay.isNegative()) {
            pause.sleep(delay);
        }
    }

    private static void sleep(Duration delay) throws InterruptedException {
        Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
    }

    @Override
    public void close() {
        api.close();
    }

    @Override
    public String toString() {
        return "TelegramNotifier[" + config.connection().apiUrl() + ", admins " + config.adminChatIds() + "]";
    }
}
