package io.botdelivery.core.ratelimit;

import io.botdelivery.core.spi.Budget;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class GrantLogTest {

    @Test
    @DisplayName("the interval is the window over the permits rounded up, so 30 evenly spaced sends never fit in a second")
    void intervalRoundsUp() {
        WindowRule rule = WindowRule.of(Budget.perSecond(30), TimeUnit.NANOSECONDS);

        assertThat(rule.interval()).isEqualTo(33_333_334L);
        assertThat(29 * rule.interval()).isGreaterThanOrEqualTo(Duration.ofMillis(966).toNanos());
    }

    @Test
    @DisplayName("an album of k fits as soon as k slots fit the window, not after k intervals")
    void albumNeedsRoomNotIntervals() {
        // 30 per 30 ticks, burst 1: interval 1 tick
        GrantLog log = new GrantLog(new WindowRule(30, 30, 1, 1));
        for (int i = 0; i < 10; i++) {
            long slot = log.earliest(0, 0, 3);
            log.add(slot, 3);
            assertThat(slot).as("album %d", i).isEqualTo(i);
        }
        assertThat(log.earliest(0, 0, 1)).as("the 31st message waits for the first album to leave the window").isEqualTo(30);
    }

    @Test
    @DisplayName("remove takes back exactly what add put, items beyond the permits a window later included, and only once")
    void removeTakesBackWhatAddPut() {
        // 10 ticks, 3 permits: an album of 4 is 3 stamps at its slot and 1 a window later
        GrantLog log = new GrantLog(new WindowRule(10, 3, 1, 4));
        log.add(0, 1);
        log.add(20, 4);

        assertThat(log.remove(20, 4)).isEqualTo(4);
        assertThat(log.stamps()).containsExactly(0L);
        assertThat(log.remove(20, 4)).as("already taken back").isZero();
        assertThat(log.remove(5, 1)).as("never added").isZero();
        assertThat(log.earliest(0, 1, 1)).as("the place is free again").isEqualTo(4);
    }

    @Test
    @DisplayName("a weight above the permits goes alone once the window is empty, and holds the windows after it")
    void weightAbovePermits() {
        GrantLog log = new GrantLog(new WindowRule(10, 1, 1, 10));
        log.add(log.earliest(0, 0, 1), 1);

        long album = log.earliest(0, 0, 4);
        log.add(album, 4);

        assertThat(album).isEqualTo(10);
        assertThat(log.earliest(0, 0, 1)).isEqualTo(50);
    }

    @Test
    @DisplayName("a slot is found in the gap before a grant booked in the future")
    void fillsGaps() {
        GrantLog log = new GrantLog(new WindowRule(10, 3, 1, 4));
        log.add(100, 1);

        assertThat(log.earliest(0, 0, 1)).isZero();
        assertThat(log.earliest(0, 97, 1)).as("too close to the booked grant for the smoothing window").isEqualTo(104);
    }

    static Stream<Arguments> rules() {
        return Stream.of(
                Arguments.of("30 per 30, burst 1", new WindowRule(30, 30, 1, 1)),
                Arguments.of("30 per 30, burst 4", new WindowRule(30, 30, 4, 1)),
                Arguments.of("5 per 17, burst 2", new WindowRule(17, 5, 2, 4)),
                Arguments.of("1 per 10", new WindowRule(10, 1, 1, 10)),
                Arguments.of("20 per 60, burst 1", new WindowRule(60, 20, 1, 3)),
                Arguments.of("4 per 9, burst 4", new WindowRule(9, 4, 4, 3)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    @DisplayName("finds exactly the earliest slot a brute-force check of every window allows, gaps and albums included")
    void matchesBruteForce(String name, WindowRule rule) {
        Random random = new Random(name.hashCode());
        GrantLog log = new GrantLog(rule);
        List<Long> all = new ArrayList<>();
        long now = 0;
        for (int i = 0; i < 200; i++) {
            now += random.nextInt(4);
            long from = now + (random.nextInt(4) == 0 ? random.nextInt(3 * (int) rule.window()) : 0);
            int weight = random.nextInt(6) == 0 ? 2 + random.nextInt(rule.permits() + 2) : 1;

            long slot = log.earliest(now, from, weight);
            long oldest = now - rule.retention();
            all.removeIf(t -> t <= oldest);

            for (long s = from; s < slot; s++) {
                assertThat(fits(all, rule, s, weight)).as("step %d: %d fits before %d", i, s, slot).isFalse();
            }
            assertThat(fits(all, rule, slot, weight)).as("step %d: slot %d", i, slot).isTrue();
            log.add(slot, weight);
            for (int u = 0; u < weight; u++) {
                all.add(slot + rule.unitOffset(u));
            }
        }
    }

    /** Every window (a, a + len] containing s, on whole ticks, checked one by one. */
    private static boolean fits(List<Long> all, WindowRule rule, long s, int weight) {
        long reach = rule.retention();
        long[] stamps = all.stream().mapToLong(Long::longValue).filter(t -> t > s - reach && t < s + reach).toArray();
        return fitsWindow(stamps, s, rule.window(), rule.permits() - rule.budgetCount(weight))
                && fitsWindow(stamps, s, rule.smoothingWindow(), rule.burst() - rule.smoothingCount(weight));
    }

    private static boolean fitsWindow(long[] stamps, long s, long length, int room) {
        for (long a = s - length; a < s; a++) {
            int count = 0;
            for (long t : stamps) {
                if (t > a && t <= a + length) {
                    count++;
                }
            }
            if (count > room) {
                return false;
            }
        }
        return true;
    }
}
