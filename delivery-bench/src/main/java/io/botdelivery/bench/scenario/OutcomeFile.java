package io.botdelivery.bench.scenario;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.IdempotencyKey;
import io.botdelivery.core.spi.RetryStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a store in memory knew at the end, written by the instance that held it (the coordinator cannot ask a store
 * that lives in another JVM). One line per delivery: {@code key,id,status,failureClass,notifiedAt}.
 */
final class OutcomeFile {
    private OutcomeFile() {
    }

    static Path file(Path runDirectory, int slot, int incarnation) {
        return runDirectory.resolve(String.format("outcomes-%d-%02d.csv", slot, incarnation));
    }

    static void write(Path file, RetryStore store, List<WorkItem> items) {
        List<String> lines = new ArrayList<>();
        for (WorkItem item : items) {
            store.findByIdempotencyKey(IdempotencyKey.of(item.key())).ifPresent(d -> lines.add(line(item.key(), d)));
        }
        try {
            Files.write(file, lines);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    private static String line(String key, Delivery d) {
        StoredOutcome o = ScenarioRunner.outcomeOf(d);
        return key + "," + o.deliveryId() + "," + o.status() + "," + (o.failureClass() == null ? "" : o.failureClass())
                + "," + (o.notifiedAt() == null ? "" : o.notifiedAt());
    }

    /** Every outcome file in the run directory. */
    static Map<String, StoredOutcome> readAll(Path runDirectory) {
        Map<String, StoredOutcome> outcomes = new HashMap<>();
        try (var files = Files.list(runDirectory)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("outcomes-")).sorted().toList()) {
                for (String line : Files.readAllLines(f)) {
                    String[] p = line.split(",", -1);
                    outcomes.put(p[0], new StoredOutcome(p[1], DeliveryStatus.valueOf(p[2]),
                            p[3].isEmpty() ? null : FailureClass.valueOf(p[3]), p[4].isEmpty() ? null : Instant.parse(p[4])));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the outcome files in " + runDirectory, e);
        }
        return outcomes;
    }
}
