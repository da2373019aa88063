package io.botdelivery.simulator;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * Probabilities (0 to 1, per call to a send method) of each fault kind, drawn from a seeded random source so a run
 * can be repeated. At most one fault hits a call; the sum must not exceed 1. {@code partialAlbum} applies to album
 * calls only, failing a random item with {@code partialAlbumInnerError}.
 *
 * @param serverError           JSON 500
 * @param nonJsonServerError    nginx HTML 502
 * @param dropBeforeAccept      connection closed, nothing sent
 * @param dropAfterAccept       sent, then connection closed (ambiguous)
 * @param latency               answer delayed by {@code latencyDelay}
 * @param partialAlbum          an album fails from a random item on
 * @param latencyDelay          the added delay
 * @param partialAlbumInnerError TDLib's error text for the failing item; the default {@code WEBPAGE_CURL_FAILED} is
 *                              what TDLib reports when it could not fetch a URL (a transient failure)
 * @param seed                  seed of the random source
 */
public record FaultRates(double serverError, double nonJsonServerError, double dropBeforeAccept,
                         double dropAfterAccept, double latency, double partialAlbum, Duration latencyDelay,
                         String partialAlbumInnerError, long seed) {

    public static final String DEFAULT_PARTIAL_ALBUM_ERROR = "WEBPAGE_CURL_FAILED";

    public FaultRates {
        Objects.requireNonNull(latencyDelay, "latencyDelay");
        Objects.requireNonNull(partialAlbumInnerError, "partialAlbumInnerError");
        double[] all = {serverError, nonJsonServerError, dropBeforeAccept, dropAfterAccept, latency, partialAlbum};
        double sum = 0;
        for (double p : all) {
            if (p < 0 || p > 1 || Double.isNaN(p)) {
                throw new IllegalArgumentException("a probability is between 0 and 1, was " + p);
            }
            sum += p;
        }
        if (sum > 1.0 + 1e-9) {
            throw new IllegalArgumentException("fault probabilities add up to " + sum + ", more than 1");
        }
    }

    /** No faults. */
    public static FaultRates none() {
        return new FaultRates(0, 0, 0, 0, 0, 0, Duration.ofMillis(200), DEFAULT_PARTIAL_ALBUM_ERROR, 1);
    }

    /** Every kind with the same probability {@code p}, e.g. {@code each(0.02)} for 2 % of each. */
    public static FaultRates each(double p, long seed) {
        return new FaultRates(p, p, p, p, p, p, Duration.ofMillis(200), DEFAULT_PARTIAL_ALBUM_ERROR, seed);
    }

    public FaultRates withLatencyDelay(Duration delay) {
        return new FaultRates(serverError, nonJsonServerError, dropBeforeAccept, dropAfterAccept, latency, partialAlbum,
                delay, partialAlbumInnerError, seed);
    }

    public FaultRates withPartialAlbumInnerError(String inner) {
        return new FaultRates(serverError, nonJsonServerError, dropBeforeAccept, dropAfterAccept, latency, partialAlbum,
                latencyDelay, inner, seed);
    }

    boolean isNone() {
        return serverError + nonJsonServerError + dropBeforeAccept + dropAfterAccept + latency + partialAlbum == 0;
    }

    /** Draws the fault for one call ({@link Fault#pass()} for none). */
    Fault draw(Random random, boolean album, int albumSize) {
        double u = random.nextDouble();
        if ((u -= serverError) < 0) {
            return Fault.serverError();
        }
        if ((u -= nonJsonServerError) < 0) {
            return Fault.nonJsonServerError(502);
        }
        if ((u -= dropBeforeAccept) < 0) {
            return Fault.dropBeforeAccept();
        }
        if ((u -= dropAfterAccept) < 0) {
            return Fault.dropAfterAccept();
        }
        if ((u -= latency) < 0) {
            return Fault.latency(latencyDelay);
        }
        if ((u - partialAlbum) < 0 && album) {
            return Fault.partialAlbum(1 + random.nextInt(albumSize), partialAlbumInnerError);
        }
        return Fault.pass();
    }
}
