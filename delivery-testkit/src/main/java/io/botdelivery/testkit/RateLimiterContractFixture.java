package io.botdelivery.testkit;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import io.botdelivery.testkit.limiter.RecordingRateLimiter;
import io.botdelivery.testkit.limiter.SlidingWindowRecorder;
import org.junit.jupiter.api.BeforeEach;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fixture {@link RateLimiterContract}'s cases run on: the budgets they use ({@link #TELEGRAM}, {@link #REAL_TIME}),
 * the hooks an adapter overrides ({@link #createLimiter}, {@link #followsInjectedClock}, {@link #makeUnavailable},
 * {@link #givesGrantsBack}), the {@link MutableClock} and the recorder every grant is checked against, the base of the
 * clock-driven groups, and the helpers the cases share. Adapters extend {@link RateLimiterContract}, not this.
 *
 * <p>Why a chain: the contract outgrew one file, so its {@code @Nested} groups are spread over superclasses, one family
 * of rules each: this fixture &larr; {@link RateLimiterBudgetCases} &larr; {@link RateLimiterWeightCases} &larr;
 * {@link RateLimiterWaitCases} &larr; {@link RateLimiterContract}. JUnit runs the groups a test class inherits as well
 * as its own. Every constructor of the chain but the contract's is package-private: extending a part of it would run
 * part of the contract and look like all of it.
 *
 * <p>{@link KitTimeLimit} is declared here, at the root: {@link KitTimeLimitExtension} looks for it on the class that
 * encloses each group, which may be any class of the chain.
 */
@KitTimeLimit(seconds = 60)
public abstract class RateLimiterContractFixture {

    /** Telegram's defaults: 30/s, private chat 1/s, group 20/min, paid lane 1000/s. */
    protected static final RateBudgets TELEGRAM = RateBudgets.telegramDefaults();

    /** A bot-wide budget that never binds, for groups about chat budgets. */
    static final Budget ROOMY_GLOBAL = new Budget(1000, Duration.ofSeconds(1), 100);

    /** Real-time budgets: Telegram's shape, scaled down so a test lasts well under a second. */
    protected static final RateBudgets REAL_TIME = new RateBudgets(
            Budget.of(20, Duration.ofMillis(200)),
            Budget.of(1, Duration.ofMillis(50)),
            Budget.of(4, Duration.ofMillis(400)),
            Budget.of(100, Duration.ofMillis(200)));

    static final Duration LONG_HORIZON = Duration.ofMinutes(10);
    static final Duration NO_WAIT = Duration.ZERO;
    /** The standard lane's spacing under {@link #TELEGRAM}: ceil(1 s / 30), plus a little for rounding. */
    static final Duration GLOBAL_STEP = Duration.ofNanos(33_333_334 + 1_000);

    protected final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    final SlidingWindowRecorder recorder = new SlidingWindowRecorder();

    /** Package-private: only the next class of the chain extends this. */
    RateLimiterContractFixture() {
    }

    /**
     * A new limiter with fresh state enforcing {@code budgets}, taking time from {@code clock} (if it follows an injected
     * clock at all, see {@link #followsInjectedClock()}).
     */
    protected abstract RateLimiter createLimiter(RateBudgets budgets, Clock clock);

    /**
     * Whether the limiter reads time from the clock given to {@link #createLimiter}. A limiter that takes time from
     * elsewhere (a Redis server's {@code TIME}) returns false: the clock-driven groups are then skipped, not passed.
     */
    protected boolean followsInjectedClock() {
        return true;
    }

    /**
     * Capability: makes what {@code limiter} depends on unavailable (stop its Redis, make the delegate it decorates
     * throw) and returns what makes it available again; {@code null}, the default, when the test cannot. While it is
     * unavailable, {@code reserve} must grant nothing; once it is back, the same limiter must grant again (within 30 s).
     */
    protected AutoCloseable makeUnavailable(RateLimiter limiter) throws Exception {
        return null;
    }

    /**
     * Capability: whether {@link RateLimiter#release} gives places back (the default method does not, which is allowed).
     * When true, the kit checks that a released grant's place can be taken again; either way, that a release never
     * gives back more than the grant.
     */
    protected boolean givesGrantsBack() {
        return false;
    }

    /** Base of the groups that move the {@link MutableClock}: skipped unless the limiter follows it. */
    abstract class ClockDriven {
        @BeforeEach
        void requireInjectedClock() {
            assumeTrue(followsInjectedClock(), "this limiter does not take time from the injected clock");
        }

        RateLimiter limiter(RateBudgets budgets) {
            return new RecordingRateLimiter(createLimiter(budgets, clock), recorder, clock::nanos);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // helpers
    // ---------------------------------------------------------------------------------------------------------------

    /** The delay of a reservation that must be a grant. */
    protected static Duration delayOf(Reservation reservation) {
        assertThat(reservation).as("reservation").isInstanceOf(Reservation.Granted.class);
        return ((Reservation.Granted) reservation).delay();
    }

    /** A reservation that must be a denial. */
    protected static Reservation.Denied denialOf(Reservation reservation) {
        assertThat(reservation).as("reservation").isInstanceOf(Reservation.Denied.class);
        return (Reservation.Denied) reservation;
    }

    interface Caller {
        Void call(int caller) throws Exception;
    }

    static void runConcurrently(int callers, Caller body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                int caller = i;
                futures.add(pool.submit((Callable<Void>) () -> body.call(caller)));
            }
            for (Future<Void> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    interface RequestSource {
        RateRequest next(int caller, Random random);
    }

    /**
     * {@code callers} threads until {@code duration} is over, each booking ahead as far as {@code horizon} allows and
     * waiting {@code retryIn} when denied, like a dispatcher that schedules sends. Booking ahead keeps the budgets
     * saturated however slowly the threads are scheduled, so the liveness bounds below do not depend on the machine.
     */
    static void callInRealTime(int callers, Duration duration, Duration horizon, RateLimiter limiter,
                                       RequestSource requests) throws Exception {
        long deadline = System.nanoTime() + duration.toNanos();
        runConcurrently(callers, caller -> {
            callerLoop(limiter, deadline, horizon, requests, caller, new Random(caller));
            return null;
        });
    }

    static void callerLoop(RateLimiter limiter, long deadline, Duration horizon, RequestSource requests,
                                   int caller, Random random) {
        while (System.nanoTime() < deadline) {
            Reservation reservation = limiter.reserve(requests.next(caller, random), horizon);
            if (reservation instanceof Reservation.Denied denied) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return;
                }
                LockSupport.parkNanos(Math.min(denied.retryIn().toNanos(), remaining));
            }
        }
    }
}
