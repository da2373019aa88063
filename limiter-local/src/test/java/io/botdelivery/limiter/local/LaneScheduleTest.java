package io.botdelivery.limiter.local;

import io.botdelivery.core.spi.Budget;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A lane schedule")
class LaneScheduleTest {

    /** A booked slot, kept by the test to replay the whole lane by brute force. */
    private record Booked(long time, int weight) {
    }

    @ParameterizedTest(name = "burst {0}")
    @ValueSource(ints = {1, 3})
    @DisplayName("finds the earliest slot that keeps the whole time line conforming, as brute force does")
    void earliestSlotMatchesBruteForce(int burst) {
        Gcra gcra = new Gcra(new Budget(10, Duration.ofSeconds(1), burst));
        LaneSchedule lane = new LaneSchedule(gcra);
        List<Booked> booked = new ArrayList<>();
        Random random = new Random(burst);
        long now = 0;

        for (int i = 0; i < 2000; i++) {
            now += random.nextInt(30_000_000);
            long from = now + (random.nextInt(3) == 0 ? random.nextInt(2_000_000_000) : 0);
            int weight = random.nextInt(6) == 0 ? 2 + random.nextInt(12) : 1;

            long slot = lane.earliest(now, from, weight);

            assertThat(slot).isGreaterThanOrEqualTo(from);
            assertThat(conforms(gcra, booked, slot, weight)).as("slot %d for weight %d conforms", slot, weight).isTrue();
            if (slot > from) {
                assertThat(conforms(gcra, booked, slot - 1, weight)).as("one nanosecond earlier does not").isFalse();
            }
            lane.commit(slot, weight);
            booked.add(new Booked(slot, weight));
        }
    }

    @Test
    @DisplayName("fits a send before a grant that waits in the future instead of after it")
    void fillsGapsBeforeFutureGrants() {
        Gcra gcra = new Gcra(Budget.perSecond(30));
        LaneSchedule lane = new LaneSchedule(gcra);
        lane.earliest(0, 1_000_000_000L, 1);
        lane.commit(1_000_000_000L, 1);

        assertThat(lane.earliest(0, 0, 1)).isZero();
    }

    @Test
    @DisplayName("keeps only the grants still ahead of now")
    void foldsThePast() {
        LaneSchedule lane = new LaneSchedule(new Gcra(Budget.perSecond(30)));
        for (int i = 0; i < 100; i++) {
            long slot = lane.earliest(0, 0, 1);
            lane.commit(slot, 1);
        }

        assertThat(lane.pending(0)).isEqualTo(99);
        assertThat(lane.pending(2_000_000_000L)).as("grants after 2 s: slots 60 to 99").isEqualTo(40);
    }

    @Test
    @DisplayName("grants nothing before a pause ends, and a shorter pause does not shorten it")
    void pauses() {
        LaneSchedule lane = new LaneSchedule(new Gcra(Budget.perSecond(30)));

        lane.pauseUntil(5_000);
        lane.pauseUntil(1_000);

        assertThat(lane.earliest(0, 0, 1)).isEqualTo(5_000);
    }

    /** Brute force: replays every booked slot plus the candidate in time order and checks each against GCRA. */
    private static boolean conforms(Gcra gcra, List<Booked> booked, long slot, int weight) {
        List<Booked> all = new ArrayList<>(booked);
        all.add(new Booked(slot, weight));
        all.sort(Comparator.comparingLong(Booked::time));
        long tat = Gcra.IDLE;
        for (Booked b : all) {
            if (b.time() < gcra.earliest(tat, b.weight())) {
                return false;
            }
            tat = gcra.after(tat, b.time(), b.weight());
        }
        return true;
    }
}
