package io.botdelivery.limiter.redis;

import io.botdelivery.core.ratelimit.WindowRule;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateLimiterUnavailableException;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletionException;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RateLimiter} whose budgets every instance of the bot shares through one Redis.
 *
 * <p>Each decision is one {@code EVALSHA} of one Lua script ({@code limiter.lua}) that reads the Redis server's clock
 * and decides the lane (global or paid broadcast) and the chat together, all or nothing, by exact sliding windows over
 * each scope's message time stamps ({@link WindowRule}; the same rule as limiter-local): no compare-and-swap loop, no
 * second round trip. A chat that must wait books its lane slot in the future without blocking other chats: they are
 * fitted into the gaps before it. Keys are {@code {bot:<botId>}:global} and {@code …:paid} (a lane's pause),
 * {@code …:global:s} and {@code …:paid:s} (a lane's stamps) and {@code …:chat:<chatId>} (a chat's pause and stamps):
 * one hash tag, so the script runs on Redis Cluster too, and each key expires as soon as it means nothing any more (a
 * chat's key one window after its last slot). {@link #penalize} stores the pause in Redis
 * (in the chat's state, or in both lanes' for a global pause), so a 429 seen by one instance holds for all of them.
 *
 * <p><b>Outages.</b> The first call that cannot reach Redis switches the limiter, at once, to its
 * {@link OutagePolicy}: {@code FAIL_CLOSED} throws {@link RateLimiterUnavailableException} from then on;
 * {@code LOCAL_SHARE} decides in-process on {@code budgets.share(instanceCount)}, starting after the slots this
 * instance already holds from Redis. A probe asks Redis every {@code probeInterval} and switches back on its first
 * answer (loading the script again if Redis lost it), handing over the 429 pauses received meanwhile; back on Redis, the
 * instance's slots come after the ones it granted itself. Each switch is logged and counted
 * ({@code delivery.limiter.redis.*} meters, see the README).
 *
 * <p>Thread-safe. {@link #close()} stops the probe and, if the limiter built its Redisson client, shuts it down.
 */
public final class RedisRateLimiter implements RateLimiter, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisRateLimiter.class);
    /**
     * How late after its slot a grant may still be used when its answer arrives (µs): later, it is given back and asked
     * for again once. As the engine's {@code lateSendTolerance}: a send that late still fits the lane's arrival margin.
     */
    static final long LATE_SLOT_TOLERANCE_MICROS = 20_000;
    /**
     * {@inheritDoc}
     *
     * <p>The longer of the pause stored in Redis (any instance's 429), as read at most
     * {@link RedisRateLimiterConfig#pauseReadInterval()} ago, and the one this instance took itself (always exact);
     * during an outage, only the latter.
     */
    @Override
    public Duration globalPause() {
        long now = Micros.now(clock);
        long pause = Math.max(0, local.globalPauseUntil() - now);
        if (availability.mode() == Mode.REDIS) {
            long sentNanos = System.nanoTime();
            try {
                long storedUntil = join(pauseReads.pauseUntil(now));
                // counted from after the read: a read that waited for Redis must not lengthen the pause
                pause = Math.max(pause, storedUntil - Micros.now(clock));
            } catch (RuntimeException e) {
                if (Failures.isTimeout(e) && script.answeredSince(sentNanos)) {
                    // Redis answers other calls: a busy moment, no outage (see onFailure); this read sees the local pause
                    log.debug("the pause read ran out of time while Redis answered other calls: {}", e.toString());
                } else if (Failures.isOutage(e)) {
                    availability.lost(e);
                } else {
                    log.warn("Redis refused the rate limiter's pause query: {}", e.toString());
                }
            }
        }
        return Micros.toDuration(pause);
    }

    /** Where decisions are made right now. */
    public enum Mode {
        /** On Redis: one budget for every instance. */
        REDIS,
        /** Redis is out and the policy is {@link OutagePolicy#LOCAL_SHARE}: this instance's share, decided locally. */
        LOCAL,
        /** Redis is out and the policy is {@link OutagePolicy#FAIL_CLOSED}: nothing is granted. */
        UNAVAILABLE;

        String tagValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final RedisRateLimiterConfig config;
    private final Clock clock;
    private final RedissonClient client;
    private final boolean ownsClient;
    private final LimiterScript script;
    private final ScriptCalls calls;
    private final LocalWindows local;
    /** What this instance holds from Redis; kept only under LOCAL_SHARE, where the local schedule must follow it. */
    private final HeldSlots held;
    /** Until this injected-clock µs, Redis slots must come after the locally granted ones. */
    private volatile long localScheduleEnd;
    private final LimiterMetrics metrics;
    private final Availability availability;
    private final PauseReads pauseReads;
    private final AnswerAges answerAges;

    /**
     * How long a timed-out call waits for answers to other calls before it counts as an outage: long enough for a JVM
     * back from a stall to read what arrived meanwhile, short next to the response timeout it adds to.
     */
    private static final Executor OUTAGE_CHECK_DELAY = CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS);

    /** The background warm-up of {@link #create}d limiters; done at once for a client the caller owns. */
    private volatile CompletableFuture<Void> warmedUp = CompletableFuture.completedFuture(null);

    private RedisRateLimiter(RedissonClient client, boolean ownsClient, RedisRateLimiterConfig config, Clock clock,
            MeterRegistry registry) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(registry, "registry");
        this.client = client;
        this.ownsClient = ownsClient;
        RateBudgets budgets = config.budgets();
        RateBudgets share = budgets.share(config.instanceCount());
        this.local = new LocalWindows(share);
        this.held = new HeldSlots(share);
        this.availability = new Availability(config.outagePolicy(), config.probeInterval(), this::probe,
                new Switches(), config.botId());
        this.metrics = new LimiterMetrics(registry, config.botId(), availability::mode);
        this.answerAges = new AnswerAges(config.timeSource() == TimeSource.INJECTED_CLOCK);
        this.script = new LimiterScript(client, metrics::scriptLoaded);
        this.calls = new ScriptCalls(script, new RedisKeys(config.botId()), budgets, config.timeSource(), clock);
        this.pauseReads = new PauseReads(Micros.of(config.pauseReadInterval()), () -> Micros.now(clock), calls::pauseLeft);
    }

    /**
     * A limiter with its own Redisson client built from {@code config} (connected on first use, so it starts while
     * Redis is down); {@link #close()} shuts the client down.
     */
    public static RedisRateLimiter create(RedisRateLimiterConfig config, Clock clock, MeterRegistry registry) {
        Objects.requireNonNull(config, "config");
        RedisRateLimiter limiter = new RedisRateLimiter(RedissonClients.create(config), true, config, clock, registry);
        limiter.warmUp();
        return limiter;
    }

    /**
     * Opens the client's connections and loads the script in the background, so that the first burst of decisions does
     * not wait for them (a paid broadcast's first second: up to a hundred decisions at once on a cold JVM, each needing
     * a connection the burst itself had to open). Side by side on the 2-core bench VM: 738 and 744 msg/s against 727
     * and 715 without it.
     */
    private void warmUp() {
        // off the caller's thread: a client that connects on first use connects inside the call, and throws there
        // when Redis is down (the limiter must start then all the same)
        warmedUp = CompletableFuture.supplyAsync(script::preload).thenCompose(loading -> loading).<Void>handle((sha, error) -> {
            if (error != null) {
                log.debug("warming up the Redis rate limiter for bot {} failed ({}); its first decision connects",
                        config.botId(), error.toString());
            }
            return null;
        }).toCompletableFuture();
    }

    /** Completes when the warm-up has ended, however it ended (for tests). */
    CompletableFuture<Void> warmedUp() {
        return warmedUp;
    }

    /** {@link #create(RedisRateLimiterConfig, Clock, MeterRegistry)} on the system clock and Micrometer's global registry. */
    public static RedisRateLimiter create(RedisRateLimiterConfig config) {
        return create(config, Clock.systemUTC(), Metrics.globalRegistry);
    }

    /**
     * A limiter on a Redisson client the caller owns (and closes); the connection settings of {@code config} are then
     * unused. The client should fail fast (a short response timeout, few retries), or outages are noticed late.
     */
    public static RedisRateLimiter withClient(RedissonClient client, RedisRateLimiterConfig config, Clock clock,
            MeterRegistry registry) {
        return new RedisRateLimiter(Objects.requireNonNull(client, "client"), false, config, clock, registry);
    }

    @Override
    public Reservation reserve(RateRequest request, Duration horizon) {
        return join(decide(request, horizon)).reservation();
    }

    /**
     * {@link #reserve} without blocking the calling thread: the future completes on a Redisson thread, or fails with
     * {@link RateLimiterUnavailableException}.
     */
    public CompletableFuture<Reservation> reserveAsync(RateRequest request, Duration horizon) {
        return decide(request, horizon).thenApply(Decision::reservation);
    }

    @Override
    public void penalize(LimitScope scope, Duration duration) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a penalty cannot be negative: " + duration);
        }
        if (duration.isZero()) {
            return;
        }
        long micros = Micros.of(duration);
        // kept locally too: it must hold through an outage and is handed to Redis when it comes back
        long now = Micros.now(clock);
        local.pause(scope, now + micros, now);
        if (availability.mode() != Mode.REDIS) {
            return;
        }
        try {
            pauseOnRedis(scope, micros);
        } catch (RuntimeException e) {
            if (!Failures.isOutage(e)) {
                throw new IllegalStateException("Redis refused the rate limiter's penalize call: " + e.getMessage(), e);
            }
            availability.lost(e);
        }
    }

    /**
     * Asks Redis now whether it answers (one cheap script call, the same one the outage probe makes), waiting at most
     * {@code timeout}; never switches the mode. For health checks: {@link #mode()} changes only when a decision or the
     * probe fails, so an idle limiter would still say {@link Mode#REDIS} long after Redis went away.
     */
    public boolean redisAnswers(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        try {
            calls.time().get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return false;
        }
    }

    /** Where decisions are made right now. */
    public Mode mode() {
        return availability.mode();
    }

    @Override
    public void close() {
        availability.close();
        if (ownsClient) {
            client.shutdown();
        }
    }

    /** The whole decision, with where and when it was made (tests record slots from it). */
    CompletableFuture<Decision> decide(RateRequest request, Duration horizon) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(horizon, "horizon");
        if (horizon.isNegative()) {
            throw new IllegalArgumentException("the horizon cannot be negative: " + horizon);
        }
        long horizonMicros = Micros.of(horizon);
        switch (availability.mode()) {
            case LOCAL:
                return CompletableFuture.completedFuture(decideLocally(request, horizonMicros));
            case UNAVAILABLE:
                metrics.unavailable();
                return CompletableFuture.failedFuture(new RateLimiterUnavailableException(
                        "Redis is unreachable and the outage policy is FAIL_CLOSED: nothing may be sent", null));
            default:
                return decideOnRedis(request, horizonMicros);
        }
    }

    private CompletableFuture<Decision> decideOnRedis(RateRequest request, long horizonMicros) {
        return askRedis(request, horizonMicros, true);
    }

    /** How far after the decision to ask for a slot while answers come back slowly, within the request's horizon. */
    private long lead(long horizonMicros) {
        return Math.min(answerAges.lead(LATE_SLOT_TOLERANCE_MICROS), horizonMicros);
    }

    /**
     * One reservation on Redis, its slot no earlier than {@link #lead} after the decision; a grant whose slot
     * passed by more than {@link #LATE_SLOT_TOLERANCE_MICROS} before its answer arrived is given back and asked for
     * again once ({@code mayAskAgain}); the second is kept however late (counted), its delay then zero.
     */
    private CompletableFuture<Decision> askRedis(RateRequest request, long horizonMicros, boolean mayAskAgain) {
        long askedAt = Micros.now(clock);
        long sentNanos = System.nanoTime();
        return calls.reserve(request, horizonMicros, Math.max(lead(horizonMicros), notBeforeOffset(request, askedAt)))
                .handle((reply, error) -> error == null
                        ? onReply(reply, request, askedAt, horizonMicros, mayAskAgain)
                        : onFailure(error, request, horizonMicros, sentNanos, mayAskAgain))
                .thenCompose(decision -> decision);
    }

    /**
     * A call that ran out of time while Redis answered other calls meanwhile is no outage: Redis is there, and the
     * wait was this client's (no free connection in time on a loaded host) or a busy moment of the server. It is asked
     * again once, and if that one times out too it fails alone, without switching every caller to the outage mode
     * (FAIL_CLOSED fails every caller until the probe answers, and the engine's lanes wait meanwhile). What still
     * switches: a Redis that answers nothing at all for the response timeout, as a CPU-starved one at a paid
     * broadcast's start on the 2-core bench VM did, 1-4 times per run, for both replicas at the same instant.
     */
    private CompletableFuture<Decision> onFailure(Throwable error, RateRequest request, long horizonMicros,
            long sentNanos, boolean mayAskAgain) {
        if (!Failures.isTimeout(error)) {
            return CompletableFuture.completedFuture(onFailure(error, request, horizonMicros));
        }
        if (script.answeredSince(sentNanos)) {
            return overloaded(error, request, horizonMicros, mayAskAgain);
        }
        // A stalled JVM (a collection, a starved host) fires its timeouts as soon as it runs again, before its network
        // threads read the answers that came meanwhile: those get a moment to be read before this counts as an outage.
        return CompletableFuture.runAsync(() -> { }, OUTAGE_CHECK_DELAY)
                .thenCompose(ignored -> script.answeredSince(sentNanos)
                        ? overloaded(error, request, horizonMicros, mayAskAgain)
                        : CompletableFuture.completedFuture(onFailure(error, request, horizonMicros)));
    }

    private CompletableFuture<Decision> overloaded(Throwable error, RateRequest request, long horizonMicros,
            boolean mayAskAgain) {
        metrics.overloaded(mayAskAgain);
        if (mayAskAgain) {
            return askRedis(request, horizonMicros, false);
        }
        metrics.unavailable();
        return CompletableFuture.failedFuture(new RateLimiterUnavailableException("Redis answers, but this decision"
                + " ran out of time twice (" + Failures.unwrap(error) + "): an overloaded client or server", error));
    }

    private CompletableFuture<Decision> onReply(List<Long> reply, RateRequest request, long askedAt,
            long horizonMicros, boolean mayAskAgain) {
        long answeredAt = Micros.now(clock);
        long micros = reply.get(1);
        long decidedAt = reply.get(3);
        // the script counts the slot from its decision, which this answer reached us after: the delay counts from now
        long age = answerAges.age(askedAt, answeredAt, decidedAt);
        if (reply.get(0) != 1L) {
            LimitScope scope = reply.get(2) == 1L ? LimitScope.chat(request.chatId()) : LimitScope.global();
            Decision denied = new Decision(Reservation.denied(Micros.toDuration(Math.max(1, micros - age)), scope),
                    Decision.Source.REDIS, decidedAt);
            metrics.decided(denied);
            return CompletableFuture.completedFuture(denied);
        }
        long slot = decidedAt + micros;
        long late = age - micros;
        if (late > LATE_SLOT_TOLERANCE_MICROS && mayAskAgain) {
            // sent now, it would leave that late after its slot, next to the following slots' sends: given back, and
            // asked for again (a one-off stall, as measured, leaves the next answer quick; a lasting one has raised
            // the lead by now)
            metrics.lateAnswer();
            return calls.release(request, slot).handle((released, error) -> error == null
                            ? askRedis(request, horizonMicros, false)
                            : CompletableFuture.completedFuture(onFailure(error, request, horizonMicros)))
                    .thenCompose(decision -> decision);
        }
        if (late > LATE_SLOT_TOLERANCE_MICROS) {
            metrics.lateAnswerKept();
        }
        long delay = Math.max(0, micros - age);
        Decision decision = new Decision(Reservation.granted(Micros.toDuration(delay), slot), Decision.Source.REDIS,
                decidedAt);
        if (config.outagePolicy() == OutagePolicy.LOCAL_SHARE) {
            rememberRedisSlot(request, answeredAt + delay, answeredAt);
        }
        metrics.decided(decision);
        return CompletableFuture.completedFuture(decision);
    }

    private Decision onFailure(Throwable error, RateRequest request, long horizonMicros) {
        Throwable cause = Failures.unwrap(error);
        if (!Failures.isOutage(cause)) {
            metrics.unavailable();
            log.error("Redis refused the rate limiter script for bot {}: {}", config.botId(), cause.toString());
            throw new RateLimiterUnavailableException("Redis refused the rate limiter script (a bug or a"
                    + " misconfigured server, e.g. a cluster without hash-tag support): " + cause.getMessage(), cause);
        }
        availability.lost(cause);
        if (config.outagePolicy() == OutagePolicy.LOCAL_SHARE) {
            return decideLocally(request, horizonMicros);
        }
        metrics.unavailable();
        throw new RateLimiterUnavailableException("Redis is unreachable (" + cause + ") and the outage policy is"
                + " FAIL_CLOSED: nothing may be sent", cause);
    }

    private Decision decideLocally(RateRequest request, long horizonMicros) {
        Decision decision = local.reserve(request, horizonMicros, Micros.now(clock));
        metrics.decided(decision);
        return decision;
    }

    /** How far after now, in µs, this request's Redis slot must be: past the slots this instance granted locally. */
    private long notBeforeOffset(RateRequest request, long clientNow) {
        if (clientNow >= localScheduleEnd) {
            return 0;
        }
        return Math.max(0, local.scheduledUntil(request) - clientNow);
    }

    private void rememberRedisSlot(RateRequest request, long slot, long clientNow) {
        held.granted(request, slot, clientNow);
        if (availability.mode() == Mode.LOCAL) {
            // this grant raced the switch: the local schedule must still start after it
            held.handTo(local);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>A grant Redis decided leaves Redis in one script call ({@code 'x'}), which takes its stamps out of the lane
     * and the chat. A grant made locally (during an outage) keeps its stamps, as does any grant while Redis is away:
     * counted as sent, never too fast.
     */
    @Override
    public boolean release(RateRequest request, Reservation.Granted grant) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(grant, "grant");
        if (grant.stamp() == Reservation.Granted.NO_STAMP || availability.mode() != Mode.REDIS) {
            return false;
        }
        try {
            join(calls.release(request, grant.stamp()));
        } catch (RuntimeException e) {
            throw new RateLimiterUnavailableException("Redis did not take the grant back (" + e + "); it stays counted",
                    e);
        }
        return true;
    }

    private void pauseOnRedis(LimitScope scope, long micros) {
        join(calls.pause(scope, micros));
    }

    private void probe() {
        join(calls.time());
    }

    /** Reacts to switches: seeds the local schedule, hands pauses back, counts. */
    private final class Switches implements Availability.Listener {
        @Override
        public void beforeOutage(Mode to) {
            if (to == Mode.LOCAL) {
                held.handTo(local);
            }
        }

        @Override
        public void beforeRecovery() {
            long now = Micros.now(clock);
            for (Map.Entry<LimitScope, Long> pause : local.pausesInForce(now).entrySet()) {
                pauseOnRedis(pause.getKey(), pause.getValue() - now);
            }
            localScheduleEnd = local.scheduledUntil();
        }

        @Override
        public void switched(Mode to) {
            metrics.switched(to);
        }
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        return "RedisRateLimiter[bot=" + config.botId() + ", mode=" + mode() + "]";
    }
}
