package io.botdelivery.example.broadcast;

import io.botdelivery.example.console.Table;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a broadcast run did.
 *
 * @param name             the broadcast
 * @param recipients       valid chat ids in the file
 * @param badLines         lines skipped
 * @param deliveredBefore  recipients an earlier run already reached (skipped now)
 * @param failedBefore     recipients an earlier run already gave up on (not retried)
 * @param delivered        recipients delivered during this run, by this process or any other (from the store)
 * @param failedByReason   recipients that failed during this run, by failure class (AMBIGUOUS not included)
 * @param mayHaveArrived   recipients whose outcome was ambiguous: the request left, the answer was lost
 * @param stillQueued      recipients still PENDING or IN_FLIGHT in the store when the run stopped waiting
 * @param elapsed          wall time of the run
 * @param budgetPerSecond  the lane's budget, for comparison with the achieved rate
 */
public record BroadcastResult(String name, int recipients, List<ChatList.BadLine> badLines, int deliveredBefore,
                              int failedBefore, int delivered, Map<String, Integer> failedByReason, int mayHaveArrived, int stillQueued,
                              Duration elapsed, double budgetPerSecond) {
    public BroadcastResult {
        badLines = List.copyOf(badLines);
        failedByReason = Map.copyOf(new TreeMap<>(failedByReason));
    }

    public int failed() {
        return failedByReason.values().stream().mapToInt(Integer::intValue).sum();
    }

    public double ratePerSecond() {
        double seconds = Math.max(1e-3, elapsed.toNanos() / 1e9);
        return delivered / seconds;
    }

    public Table table() {
        Table t = new Table("Broadcast '" + name + "'")
                .row("chats in file", recipients)
                .row("bad lines skipped", badLines.size())
                .row("delivered by an earlier run", deliveredBefore)
                .row("failed in an earlier run", failedBefore)
                .row("delivered now", delivered);
        failedByReason.forEach((reason, n) -> t.row("failed now: " + reason, n));
        if (failedByReason.isEmpty()) {
            t.row("failed now", 0);
        }
        return t.row(BroadcastRunner.MAY_HAVE_ARRIVED, mayHaveArrived)
                .row("still queued", stillQueued)
                .row("elapsed", String.format(Locale.ROOT, "%.1f s", elapsed.toMillis() / 1000.0))
                .row("rate", String.format(Locale.ROOT, "%.1f msg/s (budget %.0f/s)", ratePerSecond(), budgetPerSecond));
    }
}
