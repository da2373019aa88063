package io.botdelivery.bench.postgres;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.Payload;
import io.botdelivery.store.postgres.PostgresRetryStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Rows per second stored by {@code saveAll} (batches of 500, one multi-row INSERT each) next to one {@code save} per
 * delivery, on one embedded PostgreSQL (synchronous_commit=on), one thread, in one run. The two alternate in rounds so
 * that machine load hits both alike. Arguments: rows per round (20000), rounds (3), batch size (500).
 */
public final class SaveAllThroughput {
    private SaveAllThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        try (BenchDatabase db = new BenchDatabase("on");
             PostgresRetryStore store = PostgresRetryStore.start(db.storeConfig().poolSize(2).listenNotify(false).build())) {
            run(store, "warm-up", 2_000, batch, true);
            run(store, "warm-up", 2_000, batch, false);
            System.out.printf(Locale.ROOT, "%-8s %-22s %8s %10s%n", "round", "method", "rows", "rows/s");
            for (int r = 1; r <= rounds; r++) {
                print(r, "saveAll (batch " + batch + ")", rows, run(store, "r" + r + "b", rows, batch, true));
                print(r, "save, one by one", rows, run(store, "r" + r + "s", rows, batch, false));
            }
        }
    }

    private static double run(PostgresRetryStore store, String tag, int rows, int batch, boolean batched) {
        List<Delivery> all = new ArrayList<>(rows);
        Instant now = Instant.now();
        for (int i = 0; i < rows; i++) {
            all.add(Delivery.accepted(DeliveryId.random(), DeliveryRequest.builder(1 + i % 100_000,
                    Payload.text("news of the week")).idempotencyKey("bench:" + tag + ":" + i).build(), now));
        }
        long start = System.nanoTime();
        if (batched) {
            for (int from = 0; from < rows; from += batch) {
                store.saveAll(all.subList(from, Math.min(rows, from + batch)));
            }
        } else {
            for (Delivery d : all) {
                store.save(d, null);
            }
        }
        return rows / ((System.nanoTime() - start) / 1e9);
    }

    private static void print(int round, String method, int rows, double perSecond) {
        System.out.printf(Locale.ROOT, "%-8d %-22s %8d %10.0f%n", round, method, rows, perSecond);
    }
}
