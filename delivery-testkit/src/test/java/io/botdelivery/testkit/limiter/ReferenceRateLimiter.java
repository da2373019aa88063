package io.botdelivery.testkit.limiter;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The simplest sound limiter we could write (one lock, a brute-force lane simulation), and the same with one
 * deliberate {@link Flaw}: the subjects the kit is tested on. Test code only; speed does not matter here.
 */
final class ReferenceRateLimiter implements RateLimiter {

    /** A mistake a real limiter could make, which the kit must catch. */
    enum Flaw {
        NONE,
        FORGETS_CHAT_BUDGET,
        CONSUMES_ON_DENIAL,
        CHAT_PENALTY_PAUSES_EVERYTHING,
        SHORTER_PENALTY_SHORTENS,
        BLOCKS_OTHERS_WHILE_A_CHAT_WAITS,
        ALBUM_COUNTS_AS_ONE,
        PAID_SHARES_STANDARD_LANE,
        NAMES_CHAT_FOR_EVERY_DENIAL,
        GRANTS_PAST_HORIZON,
        TRUNCATES_INTERVAL
    }

    private static final long IDLE = Long.MIN_VALUE / 4;

    private final Clock clock;
    private final Flaw flaw;
    private final Rule privateChat;
    private final Rule groupChat;
    private final Lane standardLane;
    private final Lane paidLane;
    private final Map<Long, Long> chatTats = new HashMap<>();

    ReferenceRateLimiter(RateBudgets budgets, Clock clock, Flaw flaw) {
        this.clock = clock;
        this.flaw = flaw;
        this.privateChat = new Rule(budgets.privateChat());
        this.groupChat = new Rule(budgets.groupChat());
        this.standardLane = new Lane(new Rule(budgets.global()));
        this.paidLane = flaw == Flaw.PAID_SHARES_STANDARD_LANE ? standardLane : new Lane(new Rule(budgets.paidBroadcast()));
    }

    @Override
    public synchronized Reservation reserve(RateRequest request, Duration horizon) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(horizon, "horizon");
        long now = now();
        long limit = now + horizon.toNanos();
        int weight = flaw == Flaw.ALBUM_COUNTS_AS_ONE ? 1 : request.weight();
        Rule chat = request.chatId() < 0 ? groupChat : privateChat;
        long tat = chatTats.getOrDefault(request.chatId(), IDLE);
        long chatEarliest = flaw == Flaw.FORGETS_CHAT_BUDGET ? now : Math.max(now, chat.earliest(tat, weight));
        Lane lane = request.paidBroadcast() ? paidLane : standardLane;
        long slot = lane.earliest(now, chatEarliest, weight);
        if (slot <= limit || flaw == Flaw.GRANTS_PAST_HORIZON) {
            book(request.chatId(), chat, tat, lane, slot, weight);
            return Reservation.granted(Duration.ofNanos(slot - now));
        }
        if (flaw == Flaw.CONSUMES_ON_DENIAL) {
            // the classic bug: each scope takes its own next slot before the other scope's answer is known
            lane.book(lane.earliest(now, now, weight), weight);
            chatTats.put(request.chatId(), Math.max(tat, chatEarliest) + chat.cost(weight));
        }
        boolean chatBinds = chatEarliest > limit && lane.earliest(now, now, weight) <= chatEarliest;
        LimitScope scope = chatBinds || flaw == Flaw.NAMES_CHAT_FOR_EVERY_DENIAL ? LimitScope.chat(request.chatId()) : LimitScope.global();
        return Reservation.denied(Duration.ofNanos(slot - limit), scope);
    }

    @Override
    public synchronized void penalize(LimitScope scope, Duration duration) {
        Objects.requireNonNull(scope, "scope");
        long until = now() + duration.toNanos();
        if (scope.isGlobal() || flaw == Flaw.CHAT_PENALTY_PAUSES_EVERYTHING) {
            standardLane.pause(until);
            paidLane.pause(until);
        }
        if (!scope.isGlobal()) {
            Rule chat = scope.chatId() < 0 ? groupChat : privateChat;
            long paused = until + (chat.burst - 1L) * chat.interval;
            long current = chatTats.getOrDefault(scope.chatId(), IDLE);
            chatTats.put(scope.chatId(), flaw == Flaw.SHORTER_PENALTY_SHORTENS ? paused : Math.max(current, paused));
        }
    }

    @Override
    public synchronized Duration globalPause() {
        return Duration.ofNanos(Math.max(0, standardLane.pausedUntil - now()));
    }

    private void book(long chatId, Rule chat, long tat, Lane lane, long slot, int weight) {
        lane.book(slot, weight);
        if (flaw != Flaw.FORGETS_CHAT_BUDGET) {
            chatTats.put(chatId, Math.max(tat, slot) + chat.cost(weight));
        }
    }

    private long now() {
        Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** GCRA arithmetic for one budget. */
    private final class Rule {
        final long interval;
        final int burst;
        final int permits;

        Rule(Budget budget) {
            permits = budget.permits();
            burst = budget.burst();
            long slots = permits - burst + 1L;
            long window = budget.window().toNanos();
            interval = flaw == Flaw.TRUNCATES_INTERVAL ? window / slots : (window + slots - 1) / slots;
        }

        long cost(int weight) {
            return weight * interval;
        }

        long lead(int weight) {
            return (burst - (long) Math.min(weight, permits)) * interval;
        }

        long earliest(long tat, int weight) {
            return tat - lead(weight);
        }
    }

    /** A lane: granted slots in time order, checked by replaying GCRA over all of them. */
    private final class Lane {
        private final Rule rule;
        private final List<long[]> grants = new ArrayList<>();
        private long baseTat = IDLE;
        private long pausedUntil = IDLE;

        Lane(Rule rule) {
            this.rule = rule;
        }

        void pause(long until) {
            pausedUntil = flaw == Flaw.SHORTER_PENALTY_SHORTENS ? until : Math.max(pausedUntil, until);
        }

        long earliest(long now, long from, int weight) {
            while (!grants.isEmpty() && grants.get(0)[0] <= now) {
                long[] g = grants.remove(0);
                baseTat = Math.max(baseTat, g[0]) + rule.cost((int) g[1]);
            }
            long start = Math.max(Math.max(now, from), pausedUntil);
            if (flaw == Flaw.BLOCKS_OTHERS_WHILE_A_CHAT_WAITS) {
                long tat = grants.isEmpty() ? baseTat : replay(grants.size());
                return Math.max(start, rule.earliest(tat, weight));
            }
            for (int gap = 0; gap <= grants.size(); gap++) {
                if (gap < grants.size() && grants.get(gap)[0] < start) {
                    continue;
                }
                long lo = Math.max(start, rule.earliest(replay(gap), weight));
                if (gap > 0) {
                    lo = Math.max(lo, grants.get(gap - 1)[0]);
                }
                if (gap == grants.size() || (lo <= grants.get(gap)[0] && conformsWith(gap, lo, weight))) {
                    return lo;
                }
            }
            throw new AssertionError("the last gap always fits");
        }

        void book(long slot, int weight) {
            int at = 0;
            while (at < grants.size() && grants.get(at)[0] <= slot) {
                at++;
            }
            grants.add(at, new long[] {slot, weight});
        }

        /** The lane's theoretical arrival time after the first {@code count} listed grants. */
        private long replay(int count) {
            long tat = baseTat;
            for (int i = 0; i < count; i++) {
                tat = Math.max(tat, grants.get(i)[0]) + rule.cost((int) grants.get(i)[1]);
            }
            return tat;
        }

        private boolean conformsWith(int gap, long slot, int weight) {
            long tat = Math.max(replay(gap), slot) + rule.cost(weight);
            for (int i = gap; i < grants.size(); i++) {
                long time = grants.get(i)[0];
                int w = (int) grants.get(i)[1];
                if (time < rule.earliest(tat, w)) {
                    return false;
                }
                tat = Math.max(tat, time) + rule.cost(w);
            }
            return true;
        }
    }
}
