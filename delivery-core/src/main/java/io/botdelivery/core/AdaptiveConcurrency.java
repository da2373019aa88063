package io.botdelivery.core;

import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.SendOutcome;

import java.time.Duration;

/**
 * How many deliveries may be between reservation and outcome at once: sized by Little's law from the lanes' rates and
 * the measured service time of a send, so that concurrency is never what holds a lane below its budget (the limiter
 * decides the rate).
 *
 * <p>The rule: {@code target = ceil(lanesPerSecond × serviceTime × headroom)}, clamped to {@code [floor, ceiling]},
 * where serviceTime is an exponentially weighted mean of the time a send holds its place apart from waiting for its
 * slot (the limiter call, the Bot API round trip, the store writes of its outcome). Why the sum of both lanes' rates:
 * the engine may be sending in both at once; a cap above what one lane needs costs nothing, since threads are made
 * only for sends that actually run. The headroom keeps a few sends reserved ahead so a slightly slow answer does not
 * leave a slot unused.
 *
 * <p>Growth is bounded by answers: the limit rises by at most one per answered send (so at most doubles per round
 * trip), and only answers Telegram gave count ({@link #answered}), never a timeout. A hanging Bot API therefore grows
 * nothing, and a timeout of a minute never reads as a one-minute round trip. The limit falls at once when the target
 * does. A fixed limit ({@link #fixed}) measures but does not move: the override for those who size it themselves.
 *
 * <p><b>Locking.</b> Not thread-safe: the {@link Dispatcher} calls it with the engine lock held. Cheap: a few
 * arithmetic operations per answered send.
 */
final class AdaptiveConcurrency {
    /** Never fewer than this: the fixed default of earlier versions, so no workload gets less than it had. */
    static final int FLOOR = 16;
    /** Never more: covers a 400 ms service time at both of Telegram's lanes (1030 msg/s) with the headroom. */
    static final int CEILING = 512;
    static final double HEADROOM = 1.25;
    /** Weight of a new sample: about the last twenty answers make the mean, so a change shows within a few dozen. */
    static final double ALPHA = 0.1;

    private final int floor;
    private final int ceiling;
    private final double lanesPerSecond;
    private final boolean fixed;
    private int limit;
    /** Mean service time in seconds; negative until the first sample. */
    private double meanSeconds = -1;

    private AdaptiveConcurrency(int floor, int ceiling, double lanesPerSecond, boolean fixed) {
        if (floor < 1 || ceiling < floor) {
            throw new IllegalArgumentException("need 1 <= floor <= ceiling, got " + floor + " and " + ceiling);
        }
        if (!(lanesPerSecond > 0)) {
            throw new IllegalArgumentException("lanesPerSecond must be positive, was " + lanesPerSecond);
        }
        this.floor = floor;
        this.ceiling = ceiling;
        this.lanesPerSecond = lanesPerSecond;
        this.fixed = fixed;
        this.limit = floor;
    }

    /** Always {@code n}: the explicit {@code maxConcurrentSends} override. */
    static AdaptiveConcurrency fixed(int n) {
        return new AdaptiveConcurrency(n, n, 1, true);
    }

    /** Sized from the measured service time, between {@code floor} and {@code ceiling}, starting at {@code floor}. */
    static AdaptiveConcurrency adaptive(int floor, int ceiling, double lanesPerSecond) {
        return new AdaptiveConcurrency(floor, ceiling, lanesPerSecond, false);
    }

    /** What a config asks for: its fixed maxConcurrentSends, or adaptive for Telegram's two lanes. */
    static AdaptiveConcurrency forConfig(EngineConfig config) {
        return config.maxConcurrentSends() > 0 ? fixed(config.maxConcurrentSends())
                : adaptive(FLOOR, CEILING, lanesPerSecond(RateBudgets.telegramDefaults()));
    }

    /** The standard lane's and the paid lane's rates, summed, in messages per second. */
    static double lanesPerSecond(RateBudgets budgets) {
        return perSecond(budgets.global().permits(), budgets.global().window())
                + perSecond(budgets.paidBroadcast().permits(), budgets.paidBroadcast().window());
    }

    private static double perSecond(int permits, Duration window) {
        return permits / (window.toNanos() / 1e9);
    }

    /** Whether an outcome is an answer from Telegram, whose duration is a round trip (a timeout or lost answer is not). */
    static boolean answered(SendOutcome outcome) {
        return !(outcome instanceof SendOutcome.Transient) && !(outcome instanceof SendOutcome.Ambiguous);
    }

    /** Deliveries allowed between reservation and outcome now. */
    int limit() {
        return limit;
    }

    /** The mean service time measured so far; zero before the first answer. */
    Duration serviceTime() {
        return meanSeconds < 0 ? Duration.ZERO : Duration.ofNanos(Math.round(meanSeconds * 1e9));
    }

    /** What the mean service time alone asks for, clamped; the limit moves towards it. */
    int target() {
        if (meanSeconds < 0) {
            return floor;
        }
        double wanted = Math.ceil(lanesPerSecond * meanSeconds * HEADROOM - 1e-9);
        return (int) Math.max(floor, Math.min(ceiling, wanted));
    }

    /** Records the service time of a send Telegram answered; returns whether the limit changed. */
    boolean record(Duration serviceTime) {
        double s = Math.max(0, serviceTime.toNanos() / 1e9);
        meanSeconds = meanSeconds < 0 ? s : meanSeconds + ALPHA * (s - meanSeconds);
        if (fixed) {
            return false;
        }
        int target = target();
        int before = limit;
        limit = target > limit ? limit + 1 : target;
        return limit != before;
    }
}
