package io.botdelivery.bench.chaos;

/**
 * How a chaos run's throughput fared: before the first fault, and after the system recovered from the last.
 *
 * @param before           mean standard-lane messages per second before the first fault (after a warm-up)
 * @param after            mean after recovery, until the workload stopped being offered
 * @param afterOverBefore  {@code after / before} (target ≥ 0.95)
 * @param recoverySeconds  how long recovery took, or {@code null} if it never did within the run
 * @param recoveryMeaning  what "recovered" means for this kind of fault
 */
public record ChaosFindings(double before, double after, double afterOverBefore, Double recoverySeconds,
                            String recoveryMeaning) {

    /**
     * False when the run was too short around its faults to compare throughput (e.g. CI's run, all faults at once, or
     * a recovery that ended with the offering).
     */
    public boolean measured() {
        return !Double.isNaN(afterOverBefore);
    }
}
