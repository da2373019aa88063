package io.botdelivery.bench.scenario;

import io.botdelivery.bench.chaos.ChaosEvent;
import io.botdelivery.bench.chaos.ChaosFindings;

import java.time.Instant;
import java.util.List;

/**
 * Everything one scenario run measured.
 *
 * @param scenario          what ran
 * @param startedAt         its time zero
 * @param budgetPerSecond   the standard lane's budget (Telegram: 30/s)
 * @param offeredStandard   standard-lane messages per second offered (albums count their items)
 * @param offeredPaid       paid-lane messages per second offered
 * @param achievedStandard  standard-lane messages per second accepted by the simulator, from the end of the warm-up
 *                          until offering stopped
 * @param achievedPaid      the same for the paid lane
 * @param rateLimited       429s the simulator's limits answered (must be 0)
 * @param rateLimitedBotWide of those, how many the bot-wide budget (global or paid lane) gave, not a chat's
 * @param injectedFaults    faults the simulator injected
 * @param windows           the most sends in any window, per scope
 * @param tally             delivered / failed / lost / duplicated and latency
 * @param leases            claims that overlapped, and what the kills left behind
 * @param timing            the limiter's slots against when sends left and arrived
 * @param chaosEvents       what the chaos timeline did
 * @param chaos             throughput before and after the faults ({@code null} without chaos)
 * @param usage             CPU and heap per instance
 * @param machineCpu        the machine's whole CPU load during the run (0 to 1, all cores; other sessions included)
 * @param drainSeconds      how long after offering stopped until every delivery was final and alerted
 * @param drained           false if the drain timed out
 * @param series            messages per second, for the chart
 */
public record ScenarioResult(Scenario scenario, Instant startedAt, double budgetPerSecond, double offeredStandard,
                             double offeredPaid, double achievedStandard, double achievedPaid, int rateLimited,
                             int rateLimitedBotWide, int injectedFaults, WindowMaxima windows, DeliveryTally tally, LeaseFindings leases,
                             TimingFindings timing,
                             List<ChaosEvent> chaosEvents, ChaosFindings chaos, List<InstanceUsage> usage,
                             double machineCpu, double drainSeconds, boolean drained, RateSeries series) {

    public ScenarioResult {
        chaosEvents = List.copyOf(chaosEvents);
        usage = List.copyOf(usage);
    }

    /** Offered standard-lane load as a share of the budget. */
    public double offeredOverBudget() {
        return offeredStandard / budgetPerSecond;
    }

    /** Achieved standard-lane throughput as a share of the budget. */
    public double achievedOverBudget() {
        return achievedStandard / budgetPerSecond;
    }

    /** Whether the offered load was above the budget, so the budget was the brake. */
    public boolean saturated() {
        return offeredStandard > budgetPerSecond;
    }

    public double meanCpuCores() {
        return usage.stream().mapToDouble(InstanceUsage::cpuCores).average().orElse(0);
    }

    public double maxHeapMb() {
        return usage.stream().mapToDouble(InstanceUsage::heapMaxMb).max().orElse(0);
    }
}
