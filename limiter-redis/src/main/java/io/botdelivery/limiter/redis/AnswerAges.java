package io.botdelivery.limiter.redis;

/**
 * How long before its answer reached this instance Redis made each decision, and how far ahead of now a slot should
 * therefore be asked for.
 *
 * <p>Why: the script counts a granted slot from its own decision, which happens anywhere between the call and its
 * answer. A caller that counted the delay from the answer would send that much after the slot the script counted, next
 * to the following slots' sends; on a loaded host answers took up to 376 ms (measured), far past the lane's arrival
 * margin. So each grant's delay is shortened by its answer's age, and the next requests ask for slots no earlier
 * than the answers lately took ({@link #lead}, beyond what may be sent late), so that a slot has rarely passed when its
 * answer arrives.
 *
 * <p>The age is exact when the decision is made on this instance's clock ({@link TimeSource#INJECTED_CLOCK}). On the
 * Redis server's clock, the two clocks' offset is not known: the largest {@code decidedAt - answeredAt} seen lately
 * (the quickest answer, whose age is the smallest) stands for it, so an age is never overstated by more than that
 * quickest answer's own age (a fraction of a millisecond on a quiet link): a grant is never moved earlier than its
 * slot by more than that. "Lately" is the last {@value #BUCKET_MICROS} to twice that µs, so that clock drift and a
 * clock step are forgotten within seconds; no age is ever more than its call's round trip. Thread-safe.
 */
final class AnswerAges {
    /** Length of each of the two buckets the offset is kept in: drift of 100 ppm moves it 0.5 ms in this time. */
    static final long BUCKET_MICROS = 5_000_000;
    /** Longest lead asked for: a slot is never asked further ahead than this for the sake of slow answers. */
    static final long MAX_LEAD_MICROS = 100_000;

    private final boolean sameClock;
    private long bucketStart = Long.MIN_VALUE;
    private long offsetNow = Long.MIN_VALUE;
    private long offsetBefore = Long.MIN_VALUE;
    private double meanAge;
    private double deviation;

    /** @param sameClock whether the script decides by this instance's clock (its {@code now} is the caller's) */
    AnswerAges(boolean sameClock) {
        this.sameClock = sameClock;
    }

    /**
     * The age, in µs, of an answer that left at {@code askedAt} and arrived at {@code answeredAt} (this instance's
     * clock) with a decision made at {@code decidedAt} (the script's clock); also learns from it.
     */
    synchronized long age(long askedAt, long answeredAt, long decidedAt) {
        long roundTrip = Math.max(0, answeredAt - askedAt);
        long age;
        if (sameClock) {
            age = answeredAt - decidedAt;
        } else {
            long sample = decidedAt - answeredAt;
            if (bucketStart == Long.MIN_VALUE || answeredAt - bucketStart >= BUCKET_MICROS || answeredAt < bucketStart) {
                offsetBefore = offsetNow;
                offsetNow = sample;
                bucketStart = answeredAt;
            } else {
                offsetNow = Math.max(offsetNow, sample);
            }
            age = Math.max(offsetNow, offsetBefore) - sample;
        }
        age = Math.max(0, Math.min(age, roundTrip));
        // smoothed as TCP smooths its round trip for its retransmission timeout
        deviation += (Math.abs(age - meanAge) - deviation) / 4;
        meanAge += (age - meanAge) / 8;
        return age;
    }

    /**
     * How far after its decision, in µs, a slot should be asked for so that it has rarely passed by more than
     * {@code tolerance} when its answer arrives: what answers took lately (a smoothed mean plus four deviations) less
     * the tolerance, at most {@link #MAX_LEAD_MICROS}; zero while answers are quick, so that a free slot is now.
     */
    synchronized long lead(long tolerance) {
        return Math.max(0, Math.min(MAX_LEAD_MICROS, Math.round(meanAge + 4 * deviation) - tolerance));
    }
}
