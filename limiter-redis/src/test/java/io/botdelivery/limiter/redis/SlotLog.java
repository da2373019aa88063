package io.botdelivery.limiter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.RateRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exact slots a group of limiters granted, on one time line (the Redis server's clock, or one shared local clock),
 * and the busiest sliding window of each budget. Exact: a slot is where the decision put it, not where a thread's
 * wake-up happened to land, so scheduling jitter neither hides nor fakes an overshoot. Thread-safe.
 */
final class SlotLog {
    /** What a slot counts against. */
    record Key(String name) {
        static Key lane() {
            return new Key("the standard lane");
        }

        static Key chat(long chatId) {
            return new Key("chat " + chatId);
        }
    }

    record Slot(long micros, int weight) {
    }

    private final Map<Key, List<Slot>> slots = new ConcurrentHashMap<>();

    void granted(RateRequest request, long slotMicros) {
        add(Key.lane(), new Slot(slotMicros, request.weight()));
        add(Key.chat(request.chatId()), new Slot(slotMicros, request.weight()));
    }

    void add(Key key, Slot slot) {
        List<Slot> list = slots.computeIfAbsent(key, k -> new ArrayList<>());
        synchronized (list) {
            list.add(slot);
        }
    }

    List<Slot> slots(Key key) {
        List<Slot> list = slots.getOrDefault(key, List.of());
        List<Slot> copy;
        synchronized (list) {
            copy = new ArrayList<>(list);
        }
        copy.sort(Comparator.comparingLong(Slot::micros));
        return copy;
    }

    List<Key> chatKeys() {
        return slots.keySet().stream().filter(k -> !k.equals(Key.lane())).toList();
    }

    /**
     * Messages in the busiest half-open window {@code [x, x + window)} holding two grants or more: a single grant heavier
     * than the whole budget (an album of 3 to a chat allowed 1 per second) goes alone, it is not split.
     */
    int busiestWindow(Key key, long windowMicros) {
        List<Slot> sorted = slots(key);
        int best = sorted.isEmpty() ? 0 : Math.min(1, sorted.get(0).weight());
        int units = 0;
        int tail = 0;
        for (int head = 0; head < sorted.size(); head++) {
            units += sorted.get(head).weight();
            while (sorted.get(head).micros() - sorted.get(tail).micros() >= windowMicros) {
                units -= sorted.get(tail).weight();
                tail++;
            }
            if (head > tail) {
                best = Math.max(best, units);
            }
        }
        return best;
    }

    /** Messages whose slot lies in {@code [from, to)}. */
    int unitsBetween(Key key, long fromMicros, long toMicros) {
        return slots(key).stream().filter(s -> s.micros() >= fromMicros && s.micros() < toMicros)
                .mapToInt(Slot::weight).sum();
    }

    void assertWithin(Key key, Budget budget) {
        long window = budget.window().toNanos() / 1_000;
        assertThat(busiestWindow(key, window))
                .as("messages of %s in the busiest window of %s (budget %d)", key.name(), budget.window(),
                        budget.permits())
                .isLessThanOrEqualTo(budget.permits());
    }
}
