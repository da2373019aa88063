package io.botdelivery.engine;

import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** Grants everything at once unless a denial is scripted; records reservations and penalties. */
class TestLimiter implements RateLimiter {
    record Penalty(LimitScope scope, Duration duration) {
    }

    final List<RateRequest> reservations = new ArrayList<>();
    /** The horizon of each reservation, in the same order. */
    final List<Duration> horizons = new ArrayList<>();
    final List<Penalty> penalties = new ArrayList<>();
    /** The grants given back, each with its request. */
    final List<Reservation.Granted> released = new ArrayList<>();
    final List<RateRequest> releasedRequests = new ArrayList<>();
    private final Deque<Reservation> scripted = new ArrayDeque<>();

    synchronized TestLimiter script(Reservation... answers) {
        scripted.addAll(List.of(answers));
        return this;
    }

    /** Run by {@link #reserve} just before it answers, when set. */
    volatile Runnable beforeAnswer;

    @Override
    public synchronized Reservation reserve(RateRequest request, Duration horizon) {
        reservations.add(request);
        horizons.add(horizon);
        Reservation next = scripted.pollFirst();
        Runnable hook = beforeAnswer;
        if (hook != null) {
            hook.run();
        }
        return next != null ? next : Reservation.granted(Duration.ZERO);
    }

    /** Thrown by {@link #release} when set: stands for a shared limiter that cannot be reached. */
    volatile RuntimeException releaseFailure;
    /** What {@link #release} answers: false (the default) stands for a limiter that keeps released grants counted. */
    volatile boolean givesGrantsBack;

    @Override
    public synchronized boolean release(RateRequest request, Reservation.Granted grant) {
        if (releaseFailure != null) {
            throw releaseFailure;
        }
        releasedRequests.add(request);
        released.add(grant);
        return givesGrantsBack;
    }

    @Override
    public synchronized void penalize(LimitScope scope, Duration duration) {
        penalties.add(new Penalty(scope, duration));
    }

    /** What {@link #globalPause()} answers: set by a test to stand for a 429 another instance took. */
    volatile Duration globalPause = Duration.ZERO;

    @Override
    public Duration globalPause() {
        return globalPause;
    }
}
