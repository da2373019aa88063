package io.botdelivery.bench.scenario;

import io.botdelivery.api.AmbiguousOutcomePolicy;
import io.botdelivery.api.Priority;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Turns a {@link WorkloadSpec} into a {@link Workload}: two Poisson arrival streams (standard lane, paid lane) merged
 * in time, each delivery's kind, chat and policy drawn from the spec's shares. Deterministic for a given seed.
 */
public final class WorkloadGenerator {
    /** Private chat ids start here; groups are {@code -(GROUP_BASE + i)}; a migrated group's supergroup is below -10^12. */
    static final long PRIVATE_BASE = 100_000;
    static final long GROUP_BASE = 4_000;
    static final long SUPERGROUP_OFFSET = -1_000_000_000_000L;
    static final long ADMIN_CHAT = 99_999;
    private static final int MIN_ALBUM = 2;
    private static final int MAX_ALBUM = 4;

    private WorkloadGenerator() {
    }

    /**
     * Generates the workload, its keys prefixed with {@code keyPrefix} (e.g. the scenario name), its chats spread
     * over {@code instances} submitting instances.
     */
    public static Workload generate(WorkloadSpec spec, int instances, String keyPrefix) {
        if (instances < 1) {
            throw new IllegalArgumentException("instances must be at least 1");
        }
        ChatSetup chats = chats(spec);
        Random random = new Random(spec.seed());
        List<Draft> drafts = new ArrayList<>();
        long horizonMicros = spec.offerFor().toNanos() / 1_000;
        if (spec.standardRate() > 0) {
            double meanWeight = 1 + (1 - spec.groupShare()) * spec.albumShare() * ((MIN_ALBUM + MAX_ALBUM) / 2.0 - 1);
            arrivals(random, spec.standardRate() / meanWeight, horizonMicros, t -> drafts.add(standard(spec, chats, random, t)));
        }
        if (spec.paidRate() > 0) {
            arrivals(random, spec.paidRate(), horizonMicros, t -> drafts.add(paid(chats, random, t)));
        }
        drafts.sort(Comparator.comparingLong(Draft::atMicros));
        List<WorkItem> items = new ArrayList<>(drafts.size());
        for (int seq = 0; seq < drafts.size(); seq++) {
            Draft d = drafts.get(seq);
            String key = String.format("%s-%06d", keyPrefix, seq);
            items.add(new WorkItem(seq, d.atMicros / 1_000, (int) Math.floorMod(d.chatId, (long) instances), key, d.chatId,
                    d.kind, d.items, d.paid, d.policy, d.priority, expectation(chats, d.chatId)));
        }
        return new Workload(spec, instances, items, chats);
    }

    private record Draft(long atMicros, long chatId, WorkKind kind, int items, boolean paid, AmbiguousOutcomePolicy policy,
                         Priority priority) {
    }

    private static ChatSetup chats(WorkloadSpec spec) {
        List<Long> privates = new ArrayList<>();
        for (int i = 1; i <= spec.privateChats(); i++) {
            privates.add(PRIVATE_BASE + i);
        }
        List<Long> groups = new ArrayList<>();
        for (int i = 1; i <= spec.groups(); i++) {
            groups.add(-(GROUP_BASE + i));
        }
        // spread the blocked users and migrated groups evenly so every instance meets some
        Set<Long> blocked = new LinkedHashSet<>();
        for (int i = 0; i < spec.blockedChats(); i++) {
            blocked.add(privates.get(i * spec.privateChats() / spec.blockedChats()));
        }
        Map<Long, Long> migrations = new HashMap<>();
        for (int i = 0; i < spec.migratedGroups(); i++) {
            long group = groups.get(i * spec.groups() / spec.migratedGroups());
            migrations.put(group, SUPERGROUP_OFFSET + group);
        }
        return new ChatSetup(privates, groups, blocked, migrations, ADMIN_CHAT);
    }

    private static Draft standard(WorkloadSpec spec, ChatSetup chats, Random random, long at) {
        if (random.nextDouble() < spec.groupShare()) {
            long group = chats.groups().get(random.nextInt(chats.groups().size()));
            return new Draft(at, group, WorkKind.TEXT, 1, false, AmbiguousOutcomePolicy.RETRY, Priority.NORMAL);
        }
        long chat = chats.privateChats().get(random.nextInt(chats.privateChats().size()));
        double u = random.nextDouble();
        if ((u -= spec.albumShare()) < 0) {
            int items = MIN_ALBUM + random.nextInt(MAX_ALBUM - MIN_ALBUM + 1);
            return new Draft(at, chat, WorkKind.ALBUM, items, false, AmbiguousOutcomePolicy.RETRY, Priority.HIGH);
        }
        if ((u -= spec.photoShare()) < 0) {
            return new Draft(at, chat, WorkKind.PHOTO_UPLOAD, 1, false, AmbiguousOutcomePolicy.RETRY, Priority.HIGH);
        }
        if ((u - spec.documentShare()) < 0) {
            return new Draft(at, chat, WorkKind.DOCUMENT_UPLOAD, 1, false, AmbiguousOutcomePolicy.RETRY, Priority.HIGH);
        }
        AmbiguousOutcomePolicy policy = random.nextDouble() < spec.giveUpShare()
                ? AmbiguousOutcomePolicy.GIVE_UP : AmbiguousOutcomePolicy.RETRY;
        return new Draft(at, chat, WorkKind.TEXT, 1, false, policy, Priority.NORMAL);
    }

    private static Draft paid(ChatSetup chats, Random random, long at) {
        long chat = chats.privateChats().get(random.nextInt(chats.privateChats().size()));
        return new Draft(at, chat, WorkKind.TEXT, 1, true, AmbiguousOutcomePolicy.GIVE_UP, Priority.LOW);
    }

    private static Expectation expectation(ChatSetup chats, long chatId) {
        if (chats.blocked().contains(chatId)) {
            return Expectation.FAIL_BLOCKED;
        }
        return chats.migrations().containsKey(chatId) ? Expectation.DELIVER_AFTER_MIGRATION : Expectation.DELIVER;
    }

    /** Calls {@code at} for each arrival of a Poisson process of {@code ratePerSecond} in [0, horizon). */
    private static void arrivals(Random random, double ratePerSecond, long horizonMicros, java.util.function.LongConsumer at) {
        double meanGapMicros = 1_000_000 / ratePerSecond;
        double t = 0;
        while (true) {
            t += -Math.log(1 - random.nextDouble()) * meanGapMicros;
            if (t >= horizonMicros) {
                return;
            }
            at.accept((long) t);
        }
    }
}
