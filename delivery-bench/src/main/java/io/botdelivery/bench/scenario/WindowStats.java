package io.botdelivery.bench.scenario;

import io.botdelivery.core.spi.RateBudgets;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Computes {@link WindowMaxima} from the simulator's arrivals. Pure. */
final class WindowStats {
    private WindowStats() {
    }

    static WindowMaxima of(List<Arrival> arrivals, RateBudgets budgets, Duration tolerance) {
        List<Long> standard = new ArrayList<>();
        List<Long> paid = new ArrayList<>();
        Map<Long, List<Long>> byChat = new HashMap<>();
        for (Arrival a : arrivals) {
            long t = EventLog.micros(a.at());
            (a.paid() ? paid : standard).add(t);
            byChat.computeIfAbsent(a.chatId(), k -> new ArrayList<>()).add(t);
        }
        long second = 1_000_000;
        long tol = tolerance.toNanos() / 1_000;
        long groupWindow = budgets.groupChat().window().toNanos() / 1_000;
        long privateWindow = budgets.privateChat().window().toNanos() / 1_000;
        int privateStrict = 0;
        int privateTolerant = 0;
        int groupStrict = 0;
        for (Map.Entry<Long, List<Long>> e : byChat.entrySet()) {
            if (e.getKey() > 0) {
                privateStrict = Math.max(privateStrict, maxInWindow(e.getValue(), privateWindow));
                privateTolerant = Math.max(privateTolerant, maxInWindow(e.getValue(), privateWindow - tol));
            } else {
                groupStrict = Math.max(groupStrict, maxInWindow(e.getValue(), groupWindow));
            }
        }
        long globalWindow = budgets.global().window().toNanos() / 1_000;
        return new WindowMaxima(
                maxInWindow(standard, globalWindow), maxInWindow(standard, globalWindow - tol), budgets.global().permits(),
                maxInWindow(paid, budgets.paidBroadcast().window().toNanos() / 1_000), budgets.paidBroadcast().permits(),
                privateStrict, privateTolerant, budgets.privateChat().permits(),
                groupStrict, budgets.groupChat().permits(), tolerance.toMillis());
    }

    /** The most times in any half-open interval [s, s + window). */
    static int maxInWindow(List<Long> times, long window) {
        long[] t = times.stream().mapToLong(Long::longValue).sorted().toArray();
        int max = 0;
        int start = 0;
        for (int end = 0; end < t.length; end++) {
            while (t[end] - t[start] >= window) {
                start++;
            }
            max = Math.max(max, end - start + 1);
        }
        return max;
    }
}
