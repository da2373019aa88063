package io.botdelivery.bench.scenario;

import java.time.Duration;
import java.util.Objects;

/**
 * The shape of a scenario's workload: how much is offered for how long, to which chats, in which mix. Arrivals are a
 * Poisson process per lane (seeded, so a run can be repeated), which makes bursts as real traffic has them.
 *
 * @param seed           seed of every random choice
 * @param offerFor       how long deliveries are submitted
 * @param standardRate   messages per second offered in the standard lane (an album counts its items), e.g. 45 for
 *                       1.5 × Telegram's 30/s
 * @param paidRate       messages per second offered in the paid-broadcast lane (text to private chats)
 * @param privateChats   distinct private chats
 * @param groups         distinct groups
 * @param blockedChats   private chats whose user blocked the bot (their deliveries must end FAILED, one alert each)
 * @param migratedGroups groups that became supergroups (their deliveries must follow the migration)
 * @param groupShare     share of standard-lane deliveries that go to groups (text)
 * @param photoShare     share of private standard-lane deliveries that are photo uploads
 * @param documentShare  share of private standard-lane deliveries that are document uploads
 * @param albumShare     share of private standard-lane deliveries that are albums of 2 to 4 photos
 * @param giveUpShare    share of private text deliveries with the GIVE_UP ambiguity policy (notifications);
 *                       uploads and albums are purchases and always RETRY; paid broadcasts always GIVE_UP
 */
public record WorkloadSpec(long seed, Duration offerFor, double standardRate, double paidRate, int privateChats, int groups,
                           int blockedChats, int migratedGroups, double groupShare, double photoShare, double documentShare,
                           double albumShare, double giveUpShare) {

    public WorkloadSpec {
        Objects.requireNonNull(offerFor, "offerFor");
        if (offerFor.isNegative() || offerFor.isZero()) {
            throw new IllegalArgumentException("offerFor must be positive");
        }
        if (standardRate < 0 || paidRate < 0 || standardRate + paidRate <= 0) {
            throw new IllegalArgumentException("rates must not be negative and not both zero");
        }
        if (privateChats < 1 || groups < 0 || blockedChats < 0 || blockedChats >= privateChats
                || migratedGroups < 0 || migratedGroups > groups) {
            throw new IllegalArgumentException("need at least one private chat that is not blocked, and migratedGroups <= groups");
        }
        for (double share : new double[]{groupShare, photoShare, documentShare, albumShare, giveUpShare}) {
            if (share < 0 || share > 1) {
                throw new IllegalArgumentException("a share is between 0 and 1, was " + share);
            }
        }
        if (photoShare + documentShare + albumShare > 1) {
            throw new IllegalArgumentException("photoShare + documentShare + albumShare must not exceed 1");
        }
        if (groups == 0 && groupShare > 0) {
            throw new IllegalArgumentException("groupShare needs groups");
        }
    }

    /**
     * The mixed workload of the scenario runs: 300 private chats (1 % blocked), 20 groups (2 migrated), 10 % of
     * standard sends to groups, and among private ones 10 % photo uploads, 5 % document uploads, 10 % albums; half of
     * the private texts are notifications with GIVE_UP.
     */
    public static WorkloadSpec mixed(long seed, Duration offerFor, double standardRate, double paidRate) {
        return new WorkloadSpec(seed, offerFor, standardRate, paidRate, 300, 20, 3, 2, 0.10, 0.10, 0.05, 0.10, 0.5);
    }

    /**
     * A newsletter: text only, to 3000 private chats (1 % blocked), every delivery a notification with GIVE_UP, nothing
     * in the paid lane. Without albums, groups or uploads the standard lane's budget is the only brake, so it shows what
     * the engine and the limiters make of the budget on their own.
     */
    public static WorkloadSpec broadcast(long seed, Duration offerFor, double standardRate) {
        return new WorkloadSpec(seed, offerFor, standardRate, 0, 3000, 0, 30, 0, 0, 0, 0, 0, 1.0);
    }

    public WorkloadSpec withOfferFor(Duration d) {
        return new WorkloadSpec(seed, d, standardRate, paidRate, privateChats, groups, blockedChats, migratedGroups,
                groupShare, photoShare, documentShare, albumShare, giveUpShare);
    }

    public WorkloadSpec withRates(double standard, double paid) {
        return new WorkloadSpec(seed, offerFor, standard, paid, privateChats, groups, blockedChats, migratedGroups,
                groupShare, photoShare, documentShare, albumShare, giveUpShare);
    }
}
