package io.botdelivery.bench.scenario;

/**
 * The most messages the simulator accepted in any sliding window, per scope, against each budget's permits. "Strict"
 * windows are exactly the budget's window; "tolerant" ones are shorter by the simulator's arrival-jitter tolerance
 * (what it enforces: a limiter spaces sends exactly, network and scheduling shift arrivals by milliseconds).
 *
 * @param globalStrict      standard lane, any 1 s
 * @param globalTolerant    standard lane, any (1 s − tolerance)
 * @param globalPermits     its budget
 * @param paidStrict        paid-broadcast lane, any 1 s
 * @param paidPermits       its budget
 * @param privateStrict     the busiest private chat, any 1 s
 * @param privateTolerant   the same, any (1 s − tolerance)
 * @param privatePermits    its budget
 * @param groupStrict       the busiest group, any 60 s
 * @param groupPermits      its budget
 * @param toleranceMillis   the tolerance used
 */
public record WindowMaxima(int globalStrict, int globalTolerant, int globalPermits, int paidStrict, int paidPermits,
                           int privateStrict, int privateTolerant, int privatePermits, int groupStrict, int groupPermits,
                           long toleranceMillis) {

    /** No scope went over its budget in the windows the simulator enforces. */
    public boolean withinTolerantBudgets() {
        return globalTolerant <= globalPermits && paidStrict <= paidPermits && privateTolerant <= privatePermits
                && groupStrict <= groupPermits;
    }

    /** No scope went over its budget even in exact windows. */
    public boolean withinStrictBudgets() {
        return globalStrict <= globalPermits && paidStrict <= paidPermits && privateStrict <= privatePermits
                && groupStrict <= groupPermits;
    }
}
