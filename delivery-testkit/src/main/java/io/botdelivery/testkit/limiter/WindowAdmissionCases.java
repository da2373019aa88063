package io.botdelivery.testkit.limiter;

import io.botdelivery.core.spi.Budget;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One table of admission cases for the exact-window rule, worked out by hand, that every copy of the arithmetic runs:
 * the Java one ({@code io.botdelivery.core.ratelimit.GrantLog}) and the Lua one ({@code limiter.lua} on a real Redis).
 * Each case is one lane's budget and requests in order, each with the slot the rule must give it. Times are
 * microseconds from the start of the case; every request asks as early as it can ({@code at}).
 */
public final class WindowAdmissionCases {
    private WindowAdmissionCases() {
    }

    /** A request of {@code weight} made at {@code at}, which must be granted at {@code slot}. */
    public record Step(long at, int weight, long slot) {
        public Step {
            if (weight < 1 || slot < at) {
                throw new IllegalArgumentException("weight >= 1 and slot >= at, was " + weight + ", " + at + ", " + slot);
            }
        }
    }

    public record Case(String name, Budget lane, List<Step> steps) {
        public Case {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(lane, "lane");
            steps = List.copyOf(steps);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static final long SECOND = 1_000_000;

    public static List<Case> all() {
        return List.of(
                new Case("singles are spaced by the interval, ceil(1 s / 30)", Budget.perSecond(30), List.of(
                        new Step(0, 1, 0), new Step(0, 1, 33_334), new Step(0, 1, 66_668))),
                new Case("10 albums of 3 fill one window of 30, the 11th waits for the first to leave",
                        Budget.perSecond(30), albumsOfThree()),
                new Case("an album waits until every one of its items fits the window", Budget.perSecond(5), List.of(
                        new Step(0, 1, 0), new Step(0, 1, 200_000), new Step(0, 1, 400_000),
                        new Step(0, 3, SECOND))),
                new Case("a weight above the permits goes once the window is empty and holds the windows after it",
                        Budget.perSecond(2), List.of(
                        new Step(0, 1, 0), new Step(0, 5, SECOND),
                        // stamps 2 at 1 s, 2 at 2 s, 1 at 3 s: room for one more from 3 s, half a second apart
                        new Step(0, 1, 3_500_000))),
                new Case("a burst of 5 goes back to back, then 5 per smoothing window of 5 intervals",
                        new Budget(10, Duration.ofSeconds(1), 5), List.of(
                        new Step(0, 1, 0), new Step(0, 1, 0), new Step(0, 1, 0), new Step(0, 1, 0), new Step(0, 1, 0),
                        new Step(0, 1, 500_000), new Step(0, 1, 500_000))),
                new Case("time frees the window: a request after a whole window goes at once", Budget.perSecond(2),
                        List.of(new Step(0, 2, 0), new Step(0, 1, SECOND), new Step(2 * SECOND + 1, 2, 2 * SECOND + 1))));
    }

    private static List<Step> albumsOfThree() {
        Step[] steps = new Step[11];
        for (int i = 0; i < 10; i++) {
            steps[i] = new Step(0, 3, i * 33_334L);
        }
        steps[10] = new Step(0, 3, SECOND);
        return List.of(steps);
    }
}
