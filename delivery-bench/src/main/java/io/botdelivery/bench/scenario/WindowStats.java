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

    /**
     * Telegram counts messages, an album as its items; a single send heavier than a budget may go alone (the limiter
     * makes it wait until the whole budget is free), so a window holding only that send counts as the budget.
     */
    static WindowMaxima of(List<Arrival> arrivals, RateBudgets budgets, Duration tolerance) {
        Map<Long, long[]> sends = new HashMap<>(); // sendId -> {first at, weight, chat, paid}
        for (Arrival a : arrivals) {
            long t = EventLog.micros(a.at());
            long[] s = sends.computeIfAbsent(a.sendId(), k -> new long[]{t, 0, a.chatId(), a.paid() ? 1 : 0});
            s[0] = Math.min(s[0], t);
            s[1]++;
        }
        List<long[]> standard = new ArrayList<>();
        List<long[]> paid = new ArrayList<>();
        Map<Long, List<long[]>> byChat = new HashMap<>();
        for (long[] s : sends.values()) {
            long[] timeAndWeight = {s[0], s[1]};
            (s[3] == 1 ? paid : standard).add(timeAndWeight);
            byChat.computeIfAbsent(s[2], k -> new ArrayList<>()).add(timeAndWeight);
        }
        long tol = tolerance.toNanos() / 1_000;
        long privateWindow = micros(budgets.privateChat().window());
        long groupWindow = micros(budgets.groupChat().window());
        int privatePermits = budgets.privateChat().permits();
        int groupPermits = budgets.groupChat().permits();
        int privateStrict = 0;
        int privateTolerant = 0;
        int groupStrict = 0;
        for (Map.Entry<Long, List<long[]>> e : byChat.entrySet()) {
            if (e.getKey() > 0) {
                privateStrict = Math.max(privateStrict, maxWeightInWindow(e.getValue(), privateWindow, privatePermits));
                privateTolerant = Math.max(privateTolerant, maxWeightInWindow(e.getValue(), privateWindow - tol, privatePermits));
            } else {
                groupStrict = Math.max(groupStrict, maxWeightInWindow(e.getValue(), groupWindow, groupPermits));
            }
        }
        long globalWindow = micros(budgets.global().window());
        int globalPermits = budgets.global().permits();
        int paidPermits = budgets.paidBroadcast().permits();
        return new WindowMaxima(
                maxWeightInWindow(standard, globalWindow, globalPermits),
                maxWeightInWindow(standard, globalWindow - tol, globalPermits), globalPermits,
                maxWeightInWindow(paid, micros(budgets.paidBroadcast().window()), paidPermits), paidPermits,
                privateStrict, privateTolerant, privatePermits, groupStrict, groupPermits, tolerance.toMillis());
    }

    /**
     * The heaviest half-open interval [s, s + window) over sends {time, weight}; an interval holding one send counts at
     * most {@code permits}.
     */
    static int maxWeightInWindow(List<long[]> sends, long window, int permits) {
        List<long[]> sorted = new ArrayList<>(sends);
        sorted.sort((a, b) -> Long.compare(a[0], b[0]));
        int max = 0;
        int start = 0;
        long weight = 0;
        for (int end = 0; end < sorted.size(); end++) {
            weight += sorted.get(end)[1];
            while (sorted.get(end)[0] - sorted.get(start)[0] >= window) {
                weight -= sorted.get(start)[1];
                start++;
            }
            long counted = end > start ? weight : Math.min(weight, permits);
            max = (int) Math.max(max, counted);
        }
        return max;
    }

    private static long micros(Duration d) {
        return d.toNanos() / 1_000;
    }
}
