package io.botdelivery.simulator;

import io.botdelivery.core.spi.RateBudgets;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a {@link TelegramSimulator} behaves. Start from {@link #defaults()} (Telegram's limits, real time, no faults) or
 * {@link #builder()}.
 *
 * @param token                  the bot token the simulator accepts; any other answers 401
 * @param budgets                the sliding-window budgets it enforces (global, private chat, group, paid lane); the
 *                               {@code burst} of a {@link io.botdelivery.core.spi.Budget} is ignored: Telegram knows
 *                               only "at most N in any window"
 * @param arrivalJitterTolerance how much earlier than a full window a send may arrive and still count as outside it:
 *                               a limiter spaces sends exactly, and network and scheduling jitter shift arrival times
 *                               by a few milliseconds. Default 20 ms. The window checked is {@code window - tolerance}
 * @param limitMode              {@link LimitMode#ENFORCE} answers 429 to sends over budget; {@link LimitMode#OBSERVE}
 *                               accepts them and only records (so {@link SimulatorRecord#windowOvershoots()} can show
 *                               what an unlimited sender would have done)
 * @param retryAfterEscalation   a caller that comes back to a scope before its {@code retry_after} ended gets a
 *                               {@code retry_after} this many times longer than the last one (Telegram escalates too)
 * @param maxRetryAfter          the longest {@code retry_after} ever answered
 * @param faultRates             random faults on send methods
 * @param clock                  the simulator's time: message dates and windows; real time by default
 * @param knownChatsOnly         if true, chats not registered with {@link SimulatedChats} answer "chat not found";
 *                               if false (default) any chat id is an open chat (positive: private, negative: group)
 * @param maxRequestBytes        a request body larger than this answers 413 (Telegram: 50 MB uploads)
 * @param workerThreads          threads serving requests (long polls hold one each)
 * @param webhookRetryDelay      while a webhook is set, how long the simulator waits before posting an update again
 *                               after the bot's server answered non-2xx or could not be reached (Telegram waits longer,
 *                               and more each time); default 1 s, tests shorten it
 * @param roundTrip              the network between bot and Telegram: every Bot API call waits half of it before it
 *                               arrives (where the windows count it) and half before its answer leaves, and the first
 *                               call on a new connection waits one more round trip before it arrives, as TCP's
 *                               handshake makes it. Default zero (loopback: answers at once)
 * @param roundTripJitter        up to this much more (uniformly drawn per call) on the way in, so arrivals jitter;
 *                               default zero
 */
public record SimulatorConfig(String token, RateBudgets budgets, Duration arrivalJitterTolerance, LimitMode limitMode,
                              double retryAfterEscalation, Duration maxRetryAfter, FaultRates faultRates, Clock clock,
                              boolean knownChatsOnly, long maxRequestBytes, int workerThreads,
                              Duration webhookRetryDelay, Duration roundTrip, Duration roundTripJitter) {

    /** Telegram's token shape: the bot's numeric id, a colon, 35 characters. */
    private static final Pattern TOKEN = Pattern.compile("\\d{1,15}:[A-Za-z0-9_-]{20,}");

    public static final String DEFAULT_TOKEN = "7000000001:AAsimulatedTokenThatIsNotReal_0123456";
    public static final Duration DEFAULT_JITTER_TOLERANCE = Duration.ofMillis(20);

    /** Whether sends over budget are refused (429) or only recorded. */
    public enum LimitMode { ENFORCE, OBSERVE }

    public SimulatorConfig {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(budgets, "budgets");
        Objects.requireNonNull(arrivalJitterTolerance, "arrivalJitterTolerance");
        Objects.requireNonNull(limitMode, "limitMode");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        Objects.requireNonNull(faultRates, "faultRates");
        Objects.requireNonNull(clock, "clock");
        if (!TOKEN.matcher(token).matches()) {
            throw new IllegalArgumentException("token must look like Telegram's: <bot id>:<20+ letters, digits, _ or ->");
        }
        if (arrivalJitterTolerance.isNegative()) {
            throw new IllegalArgumentException("arrivalJitterTolerance must not be negative");
        }
        for (var budget : java.util.List.of(budgets.global(), budgets.privateChat(), budgets.groupChat(), budgets.paidBroadcast())) {
            if (arrivalJitterTolerance.compareTo(budget.window()) >= 0) {
                throw new IllegalArgumentException("arrivalJitterTolerance (" + arrivalJitterTolerance
                        + ") must be shorter than every budget's window (" + budget.window() + ")");
            }
        }
        if (retryAfterEscalation < 1) {
            throw new IllegalArgumentException("retryAfterEscalation must be at least 1, was " + retryAfterEscalation);
        }
        if (maxRetryAfter.getSeconds() < 1) {
            throw new IllegalArgumentException("maxRetryAfter must be at least 1 s");
        }
        if (maxRequestBytes < 1024) {
            throw new IllegalArgumentException("maxRequestBytes must be at least 1024");
        }
        if (workerThreads < 2) {
            throw new IllegalArgumentException("workerThreads must be at least 2");
        }
        Objects.requireNonNull(webhookRetryDelay, "webhookRetryDelay");
        if (webhookRetryDelay.isNegative()) {
            throw new IllegalArgumentException("webhookRetryDelay must not be negative");
        }
        Objects.requireNonNull(roundTrip, "roundTrip");
        Objects.requireNonNull(roundTripJitter, "roundTripJitter");
        if (roundTrip.isNegative() || roundTripJitter.isNegative()) {
            throw new IllegalArgumentException("roundTrip and roundTripJitter must not be negative");
        }
    }

    public static SimulatorConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().token(token).budgets(budgets).arrivalJitterTolerance(arrivalJitterTolerance)
                .limitMode(limitMode).retryAfterEscalation(retryAfterEscalation).maxRetryAfter(maxRetryAfter)
                .faultRates(faultRates).clock(clock).knownChatsOnly(knownChatsOnly).maxRequestBytes(maxRequestBytes)
                .workerThreads(workerThreads).webhookRetryDelay(webhookRetryDelay).roundTrip(roundTrip)
                .roundTripJitter(roundTripJitter);
    }

    /** The bot's user id: the number before the colon of the token. */
    public long botId() {
        return Long.parseLong(token.substring(0, token.indexOf(':')));
    }

    public static final class Builder {
        private String token = DEFAULT_TOKEN;
        private RateBudgets budgets = RateBudgets.telegramDefaults();
        private Duration arrivalJitterTolerance = DEFAULT_JITTER_TOLERANCE;
        private LimitMode limitMode = LimitMode.ENFORCE;
        private double retryAfterEscalation = 2.0;
        private Duration maxRetryAfter = Duration.ofHours(1);
        private FaultRates faultRates = FaultRates.none();
        private Clock clock = Clock.systemUTC();
        private boolean knownChatsOnly;
        private long maxRequestBytes = 50L * 1024 * 1024 + 64 * 1024;
        private int workerThreads = 64;
        private Duration webhookRetryDelay = Duration.ofSeconds(1);
        private Duration roundTrip = Duration.ZERO;
        private Duration roundTripJitter = Duration.ZERO;

        private Builder() {
        }

        public Builder token(String token) {
            this.token = token;
            return this;
        }

        public Builder budgets(RateBudgets budgets) {
            this.budgets = budgets;
            return this;
        }

        public Builder arrivalJitterTolerance(Duration tolerance) {
            this.arrivalJitterTolerance = tolerance;
            return this;
        }

        public Builder limitMode(LimitMode mode) {
            this.limitMode = mode;
            return this;
        }

        public Builder retryAfterEscalation(double factor) {
            this.retryAfterEscalation = factor;
            return this;
        }

        public Builder maxRetryAfter(Duration max) {
            this.maxRetryAfter = max;
            return this;
        }

        public Builder faultRates(FaultRates rates) {
            this.faultRates = rates;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public Builder knownChatsOnly(boolean knownOnly) {
            this.knownChatsOnly = knownOnly;
            return this;
        }

        public Builder maxRequestBytes(long max) {
            this.maxRequestBytes = max;
            return this;
        }

        public Builder workerThreads(int threads) {
            this.workerThreads = threads;
            return this;
        }

        public Builder webhookRetryDelay(Duration delay) {
            this.webhookRetryDelay = delay;
            return this;
        }

        /** The network's round trip: half on the way in, half on the way out, one more for a new connection. */
        public Builder roundTrip(Duration roundTrip) {
            this.roundTrip = roundTrip;
            return this;
        }

        /** Up to this much more on the way in, drawn per call. */
        public Builder roundTripJitter(Duration jitter) {
            this.roundTripJitter = jitter;
            return this;
        }

        public SimulatorConfig build() {
            return new SimulatorConfig(token, budgets, arrivalJitterTolerance, limitMode, retryAfterEscalation,
                    maxRetryAfter, faultRates, clock, knownChatsOnly, maxRequestBytes, workerThreads, webhookRetryDelay,
                    roundTrip, roundTripJitter);
        }
    }
}
