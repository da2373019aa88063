package io.botdelivery.bench.scenario;

import io.botdelivery.api.AmbiguousOutcomePolicy;
import io.botdelivery.api.DeliveryStatus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Computes a {@link DeliveryTally}. Pure: everything it needs is passed in. */
final class DeliveryAccounting {
    private static final int LOST_KEYS_SHOWN = 20;

    private DeliveryAccounting() {
    }

    /**
     * @param workload      what was offered
     * @param submitMicros  key → earliest logged submit (epoch micros)
     * @param stored        key → the store's view at the end (absent: the store does not have it)
     * @param arrivals      every message the simulator accepted, admin alerts included
     * @param adminChat     where admin alerts arrive; an alert counts for a delivery when its text names the delivery id
     */
    static DeliveryTally tally(Workload workload, Map<String, Long> submitMicros, Map<String, StoredOutcome> stored,
                               List<Arrival> arrivals, long adminChat) {
        Map<String, List<Arrival>> byIdentity = new HashMap<>();
        List<String> alertTexts = new ArrayList<>();
        for (Arrival a : arrivals) {
            if (a.chatId() == adminChat) {
                alertTexts.add(a.text() == null ? "" : a.text());
            } else {
                byIdentity.computeIfAbsent(a.identity(), k -> new ArrayList<>()).add(a);
            }
        }
        Counts c = new Counts();
        for (WorkItem item : workload.items()) {
            StoredOutcome outcome = stored.get(item.key());
            Long submitted = submitMicros.get(item.key());
            if (submitted == null && outcome == null) {
                c.notSubmitted++;
                continue;
            }
            c.submitted++;
            boolean all = true;
            long lastFirstArrival = Long.MIN_VALUE;
            int maxCopies = 0;
            boolean unexplained = false;
            for (String content : item.contents()) {
                List<Arrival> copies = byIdentity.getOrDefault(content, List.of());
                if (copies.isEmpty()) {
                    all = false;
                    continue;
                }
                long first = copies.stream().mapToLong(a -> EventLog.micros(a.at())).min().orElseThrow();
                lastFirstArrival = Math.max(lastFirstArrival, first);
                maxCopies = Math.max(maxCopies, copies.size());
                long lostAnswers = copies.stream().filter(Arrival::answerLost).count();
                c.extraCopies += copies.size() - 1;
                if (copies.size() - 1 > lostAnswers) {
                    unexplained = true;
                }
            }
            if (maxCopies > 1) {
                c.duplicated++;
                if (unexplained) {
                    c.unexplained++;
                }
                if (item.policy() == AmbiguousOutcomePolicy.RETRY) {
                    c.duplicatedRetry++;
                } else {
                    c.duplicatedGiveUp++;
                }
            }
            DeliveryStatus status = outcome == null ? null : outcome.status();
            if (status == DeliveryStatus.FAILED) {
                c.failed++;
                String klass = outcome.failureClass() == null ? "UNKNOWN" : outcome.failureClass().name();
                c.failedByClass.merge(klass, 1, Integer::sum);
                long alerts = alertTexts.stream().filter(t -> t.contains(outcome.deliveryId())).count();
                if (alerts == 1) {
                    c.alertedOnce++;
                } else if (alerts == 0) {
                    c.notAlerted++;
                } else {
                    c.alertedMore++;
                }
                if (alerts != 1 && c.alertAnomalies.size() < LOST_KEYS_SHOWN) {
                    c.alertAnomalies.add(outcome.deliveryId() + " (" + item.key() + "): " + alerts + " alerts");
                }
            }
            if (all) {
                c.delivered++;
                if (status == DeliveryStatus.FAILED) {
                    c.deliveredButFailed++;
                }
                if (submitted != null) {
                    c.latencies.add(Math.max(0, (lastFirstArrival - submitted) / 1_000));
                }
            } else if (status == DeliveryStatus.FAILED) {
                if (item.expectation() == Expectation.FAIL_BLOCKED) {
                    c.failedExpected++;
                } else {
                    c.failedUnexpected++;
                }
            } else if (status == DeliveryStatus.PENDING || status == DeliveryStatus.IN_FLIGHT) {
                c.unfinished++;
            } else {
                c.lost++;
                if (c.lostKeys.size() < LOST_KEYS_SHOWN) {
                    c.lostKeys.add(item.key() + (outcome == null ? " (not in the store)" : " (store: " + status + ")"));
                }
            }
        }
        return new DeliveryTally(workload.items().size(), c.submitted, c.notSubmitted, c.delivered, c.deliveredButFailed,
                c.failedExpected, c.failedUnexpected, c.failedByClass, c.lost, c.lostKeys, c.unfinished, c.duplicated,
                c.extraCopies, c.unexplained, c.duplicatedRetry, c.duplicatedGiveUp, c.failed, c.alertedOnce,
                c.notAlerted, c.alertedMore, c.alertAnomalies, Percentiles.of(c.latencies));
    }

    private static final class Counts {
        int submitted;
        int notSubmitted;
        int delivered;
        int deliveredButFailed;
        int failedExpected;
        int failedUnexpected;
        final Map<String, Integer> failedByClass = new TreeMap<>();
        int lost;
        final List<String> lostKeys = new ArrayList<>();
        int unfinished;
        int duplicated;
        int extraCopies;
        int unexplained;
        int duplicatedRetry;
        int duplicatedGiveUp;
        int failed;
        int alertedOnce;
        int notAlerted;
        int alertedMore;
        final List<String> alertAnomalies = new ArrayList<>();
        final List<Long> latencies = new ArrayList<>();
    }
}
