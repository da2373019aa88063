package io.botdelivery.bench.scenario;

import java.time.Instant;
import java.util.List;

/**
 * What the instances' event logs show about leases.
 *
 * @param claimedTwice deliveries leased to two incarnations at once (a claim taking effect while another
 *                     incarnation's lease was certainly still running and unreleased): must be 0
 * @param examples     a few of them, for a person to look at
 * @param kills        one entry per kill -9
 */
public record LeaseFindings(int claimedTwice, List<String> examples, List<KillFinding> kills) {
    public LeaseFindings {
        examples = List.copyOf(examples);
        kills = List.copyOf(kills);
    }

    /** Sends on the wire at all the kills together: the bound on duplicates the kills may cause. */
    public int inFlightAtKills() {
        return kills.stream().mapToInt(KillFinding::inFlight).sum();
    }

    /** Leased deliveries of killed instances never claimed again by another instance. */
    public int unrecovered() {
        return kills.stream().mapToInt(k -> k.held() - k.recovered()).sum();
    }

    /** The longest time any killed instance's leased work waited to be claimed again, in seconds; null if none was held. */
    public Double maxRecoverySeconds() {
        return kills.stream().filter(k -> k.recovered() > 0).mapToLong(KillFinding::maxRecoveryMillis).max()
                .stream().mapToObj(ms -> ms / 1000.0).findFirst().orElse(null);
    }

    /**
     * One kill -9.
     *
     * @param at                when
     * @param owner             the incarnation killed ({@code slot.incarnation})
     * @param held              deliveries it held a running lease on
     * @param inFlight          of those, sends it had put on the wire without learning the outcome
     * @param recovered         held deliveries another incarnation claimed later
     * @param maxRecoveryMillis the longest wait from the kill to such a claim
     */
    public record KillFinding(Instant at, String owner, int held, int inFlight, int recovered, long maxRecoveryMillis) {
    }
}
