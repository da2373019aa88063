package io.botdelivery.testkit.limiter;

import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Decorates a {@link RateLimiter} so that every grant lands in a {@link SlidingWindowRecorder}, stamped with the
 * send time it allows: {@code [time before the call, time after the call] + delay}. Several decorated limiters (several
 * instances sharing one Redis) may record into one recorder. Thread-safe if the limiter is.
 */
public final class RecordingRateLimiter extends ForwardingRateLimiter {
    private final SlidingWindowRecorder recorder;
    private final LongSupplier nanoTime;
    /** Each grant's records, by identity: grants with equal delays are still different grants. */
    private final Map<Reservation.Granted, List<SlidingWindowRecorder.Grant>> recorded =
            Collections.synchronizedMap(new IdentityHashMap<>());

    /**
     * @param nanoTime the time in nanoseconds on the limiter's time line: {@code mutableClock::nanos} with a test clock,
     *                 {@code System::nanoTime} (or {@link MonotonicClock#epochNanos()}) in real time
     */
    public RecordingRateLimiter(RateLimiter limiter, SlidingWindowRecorder recorder, LongSupplier nanoTime) {
        super(limiter);
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    public SlidingWindowRecorder recorder() {
        return recorder;
    }

    @Override
    public Reservation reserve(RateRequest request, Duration horizon) {
        long before = nanoTime.getAsLong();
        Reservation reservation = delegate().reserve(request, horizon);
        long after = nanoTime.getAsLong();
        if (reservation instanceof Reservation.Granted granted) {
            long delay = granted.delay().toNanos();
            recorded.put(granted, recorder.recordGrant(request, before + delay, after + delay));
        }
        return reservation;
    }

    /** Forwards, and takes a grant given back out of the recorder: it never sent anything. */
    @Override
    public boolean release(RateRequest request, Reservation.Granted grant) {
        boolean givenBack = delegate().release(request, grant);
        List<SlidingWindowRecorder.Grant> grants = recorded.remove(grant);
        if (givenBack && grants != null) {
            grants.forEach(recorder::remove);
        }
        return givenBack;
    }
}
