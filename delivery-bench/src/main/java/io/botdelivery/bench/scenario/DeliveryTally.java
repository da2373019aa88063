package io.botdelivery.bench.scenario;

import java.util.List;
import java.util.Map;

/**
 * What became of a run's deliveries, from the simulator's record (what Telegram accepted) against what was submitted
 * and what the store says.
 *
 * @param offered                 workload deliveries
 * @param submitted               deliveries the engine accepted (a SUBMIT was logged or the store has it)
 * @param notSubmitted            workload deliveries never accepted (e.g. the run was cut short)
 * @param delivered               every message of the delivery arrived at least once
 * @param deliveredButFailed      arrived, yet FAILED in the store: an ambiguous outcome with GIVE_UP whose message had
 *                                in fact arrived (at-most-once did its job)
 * @param failedExpected          FAILED as the workload meant (blocked users)
 * @param failedUnexpected        FAILED although the chat could receive
 * @param failedByClass           FAILED deliveries by failure class
 * @param lost                    accepted, not (fully) arrived, and neither FAILED nor still queued: must be 0
 * @param lostKeys                the first lost keys, for a person to look at
 * @param unfinished              still PENDING or IN_FLIGHT when the run ended (the drain timed out)
 * @param duplicated              deliveries with a message that arrived more than once
 * @param extraCopies             copies beyond the first, over all messages
 * @param unexplainedDuplicates   duplicated deliveries not explained by answers the simulator dropped after accepting
 * @param duplicatedRetry         duplicated deliveries with policy RETRY
 * @param duplicatedGiveUp        duplicated deliveries with policy GIVE_UP
 * @param failed                  FAILED deliveries (expected or not)
 * @param failedAlertedOnce       FAILED deliveries with exactly one admin alert
 * @param failedNotAlerted        FAILED deliveries with no admin alert
 * @param failedAlertedMore       FAILED deliveries with more than one admin alert
 * @param alertAnomalies          the first FAILED deliveries without exactly one alert, with their count
 * @param latencyMillis           submit → last message arrived, for delivered deliveries
 */
public record DeliveryTally(int offered, int submitted, int notSubmitted, int delivered, int deliveredButFailed,
                            int failedExpected, int failedUnexpected, Map<String, Integer> failedByClass, int lost,
                            List<String> lostKeys, int unfinished, int duplicated, int extraCopies, int unexplainedDuplicates,
                            int duplicatedRetry, int duplicatedGiveUp, int failed, int failedAlertedOnce,
                            int failedNotAlerted, int failedAlertedMore, List<String> alertAnomalies,
                            Percentiles latencyMillis) {
    public DeliveryTally {
        failedByClass = Map.copyOf(failedByClass);
        lostKeys = List.copyOf(lostKeys);
        alertAnomalies = List.copyOf(alertAnomalies);
    }
}
