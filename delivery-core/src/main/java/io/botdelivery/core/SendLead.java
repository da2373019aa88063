package io.botdelivery.core;

import java.time.Duration;

/**
 * How long before its slot a send starts getting ready, so that it leaves on its slot and not after it.
 *
 * <p>Why: before a send leaves, the engine asks the limiter whether the bot is paused (a round trip with a shared
 * limiter) and, for a GIVE_UP delivery, writes the "send started" mark (a store round trip); and the timer that wakes
 * it has to find a free thread. Done after the slot, all of that made sends leave late — on a loaded host often more
 * than {@link EngineConfig#lateSendTolerance()}, so the slot was lost and reserved again (measured in
 * {@code delivery-bench}). Now the timer fires {@link #lead()} before the slot, the send gets ready, and it waits on a
 * second timer for the slot itself when it is early.
 *
 * <p>The lead is the estimator TCP uses for its retransmission timeout (Jacobson/Karels): a smoothed mean of how long
 * getting ready took, counted from when the timer was meant to fire, plus four times its smoothed deviation, between
 * zero and {@link #MAX}. It starts at zero (an engine that has sent nothing gets ready on its slot, as before) and
 * follows the host: a fast one keeps the lead near a millisecond, a loaded one widens it. Getting ready earlier costs
 * little: a bot-wide pause that begins in the lead is missed by that much (one more reason the cap is small), and a
 * process that dies in it leaves its marked deliveries to be reported as possibly sent, as it would a moment later.
 *
 * <p>Guarded by the engine lock.
 */
final class SendLead {
    /** The longest lead: a bound on how early a send's mark and pause check may come before it leaves. */
    static final Duration MAX = Duration.ofMillis(100);
    private static final double GAIN = 1.0 / 8;
    private static final double DEVIATION_GAIN = 1.0 / 4;

    private boolean measured;
    private double meanNanos;
    private double deviationNanos;

    /** How long before a slot the next send should start getting ready. */
    Duration lead() {
        if (!measured) {
            return Duration.ZERO;
        }
        double lead = meanNanos + 4 * deviationNanos;
        return Duration.ofNanos((long) Math.min(MAX.toNanos(), Math.max(0, lead)));
    }

    /** A send got ready {@code took} after it was meant to start (timer delay included); negative counts as zero. */
    void gotReady(Duration took) {
        double sample = Math.max(0, took.toNanos());
        if (!measured) {
            measured = true;
            meanNanos = sample;
            deviationNanos = sample / 2;
            return;
        }
        deviationNanos += DEVIATION_GAIN * (Math.abs(sample - meanNanos) - deviationNanos);
        meanNanos += GAIN * (sample - meanNanos);
    }
}
