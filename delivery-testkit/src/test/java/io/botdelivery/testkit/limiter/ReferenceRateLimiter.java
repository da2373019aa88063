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
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The simplest sound limiter we could write (one lock; every scope a plain list of message time stamps, every window
 * around a candidate slot counted one by one), and the same with one deliberate {@link Flaw}: the subjects the kit is
 * tested on. It shares no code with the limiters it stands for. Test code only; speed does not matter here.
 *
 * <p>The rule: a scope admits {@code w} messages at {@code s} when every sliding window of its budget containing
 * {@code s} has room for {@code min(w, permits)} more, and every smoothing window ({@code burst} messages per
 * {@code burst × ceil(window / permits)}) room for {@code min(w, burst)} more. A weight above the permits counts its
 * items a window apart.
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
        /** Counts the window one nanosecond short: two messages a whole window minus 1 ns apart count apart. */
        WINDOW_ONE_NANO_SHORT,
        /** The rule before exact windows: a GCRA with burst 1, an album of k waiting for k emission intervals. */
        ALBUM_WAITS_K_INTERVALS,
        /** Admits an album when one message fits the window, though all its items are counted afterwards. */
        ALBUM_NEEDS_ONE_PLACE
    }

    private static final long NEVER = Long.MIN_VALUE / 4;

    private final Clock clock;
    private final Flaw flaw;
    private final Rule privateChat;
    private final Rule groupChat;
    private final Scope standardLane;
    private final Scope paidLane;
    private final Map<Long, Scope> chats = new HashMap<>();

    ReferenceRateLimiter(RateBudgets budgets, Clock clock, Flaw flaw) {
        this.clock = clock;
        this.flaw = flaw;
        this.privateChat = new Rule(budgets.privateChat());
        this.groupChat = new Rule(budgets.groupChat());
        this.standardLane = new Scope(new Rule(budgets.global()));
        this.paidLane = flaw == Flaw.PAID_SHARES_STANDARD_LANE ? standardLane : new Scope(new Rule(budgets.paidBroadcast()));
    }

    @Override
    public synchronized Reservation reserve(RateRequest request, Duration horizon) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(horizon, "horizon");
        long now = now();
        long limit = now + horizon.toNanos();
        int weight = flaw == Flaw.ALBUM_COUNTS_AS_ONE ? 1 : request.weight();
        Scope chat = chat(request.chatId());
        Scope lane = request.paidBroadcast() ? paidLane : standardLane;
        long chatFrom = Math.max(now, chat.pausedUntil);
        long laneFrom = Math.max(now, lane.pausedUntil);
        long slot = Math.max(chatFrom, laneFrom);
        while (true) {
            long chatSlot = flaw == Flaw.FORGETS_CHAT_BUDGET ? slot : chat.earliest(now, slot, weight);
            long laneSlot = lane.earliest(now, chatSlot, weight);
            if (laneSlot == chatSlot) {
                slot = laneSlot;
                break;
            }
            slot = laneSlot;
        }
        if (slot <= limit || flaw == Flaw.GRANTS_PAST_HORIZON) {
            lane.book(slot, weight);
            if (flaw != Flaw.FORGETS_CHAT_BUDGET) {
                chat.book(slot, weight);
            }
            return Reservation.granted(Duration.ofNanos(slot - now));
        }
        long chatAlone = chat.earliest(now, chatFrom, weight);
        long laneAlone = lane.earliest(now, laneFrom, weight);
        if (flaw == Flaw.CONSUMES_ON_DENIAL) {
            // the classic bug: each scope takes its own next slot before the other scope's answer is known
            lane.book(laneAlone, weight);
            chat.book(chatAlone, weight);
        }
        boolean chatBinds = chatAlone > limit && laneAlone <= chatAlone;
        LimitScope scope = chatBinds || flaw == Flaw.NAMES_CHAT_FOR_EVERY_DENIAL ? LimitScope.chat(request.chatId()) : LimitScope.global();
        return Reservation.denied(Duration.ofNanos(slot - limit), scope);
    }

    @Override
    public synchronized void penalize(LimitScope scope, Duration duration) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(duration, "duration");
        long until = now() + duration.toNanos();
        if (scope.isGlobal() || flaw == Flaw.CHAT_PENALTY_PAUSES_EVERYTHING) {
            standardLane.pause(until);
            paidLane.pause(until);
        }
        if (!scope.isGlobal()) {
            chat(scope.chatId()).pause(until);
        }
    }

    @Override
    public synchronized Duration globalPause() {
        return Duration.ofNanos(Math.max(0, standardLane.pausedUntil - now()));
    }

    private Scope chat(long chatId) {
        return chats.computeIfAbsent(chatId, id -> new Scope(id < 0 ? groupChat : privateChat));
    }

    private long now() {
        Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** A budget's two windows, in nanoseconds. */
    private final class Rule {
        final long window;
        final int permits;
        final int burst;
        final long interval;

        Rule(Budget budget) {
            permits = budget.permits();
            burst = budget.burst();
            long exact = budget.window().toNanos();
            interval = (exact + permits - 1) / permits;
            window = flaw == Flaw.WINDOW_ONE_NANO_SHORT ? exact - 1 : exact;
        }
    }

    /** One scope: its message time stamps (past and future) and its pause. */
    private final class Scope {
        private final Rule rule;
        private final List<Long> stamps = new ArrayList<>();
        private long pausedUntil = NEVER;
        /** Only for {@link Flaw#ALBUM_WAITS_K_INTERVALS}: the GCRA's theoretical arrival time. */
        private long tat = NEVER;

        Scope(Rule rule) {
            this.rule = rule;
        }

        void pause(long until) {
            pausedUntil = flaw == Flaw.SHORTER_PENALTY_SHORTENS ? until : Math.max(pausedUntil, until);
        }

        /** The first candidate at or after {@code from} that fits: the fit only changes where a stamp enters or leaves a window. */
        long earliest(long now, long from, int weight) {
            long start = Math.max(now, from);
            // a stamp a whole window (of either kind) before now is in no window that holds a slot from now on
            long retention = Math.max(rule.window, rule.burst * rule.interval);
            stamps.removeIf(u -> u <= now - retention);
            if (flaw == Flaw.BLOCKS_OTHERS_WHILE_A_CHAT_WAITS && !stamps.isEmpty()) {
                start = Math.max(start, Collections.max(stamps));
            }
            if (flaw == Flaw.ALBUM_WAITS_K_INTERVALS) {
                start = Math.max(start, tat + (weight - 1L) * rule.interval);
            }
            TreeSet<Long> candidates = new TreeSet<>();
            candidates.add(start);
            for (long u : stamps) {
                for (long c : new long[] {u + 1, u + rule.window, u + rule.burst * rule.interval}) {
                    if (c > start) {
                        candidates.add(c);
                    }
                }
            }
            for (long s : candidates) {
                if (fits(s, weight)) {
                    return s;
                }
            }
            throw new AssertionError("past every stamp, every window has room");
        }

        void book(long slot, int weight) {
            for (int i = 0; i < weight; i++) {
                stamps.add(slot + (long) (i / rule.permits) * rule.window);
            }
            tat = Math.max(tat, slot) + weight * rule.interval;
        }

        private boolean fits(long s, int weight) {
            int budgetCount = flaw == Flaw.ALBUM_NEEDS_ONE_PLACE ? 1 : Math.min(weight, rule.permits);
            return roomAround(s, rule.window, rule.permits - budgetCount)
                    && roomAround(s, rule.burst * rule.interval, rule.burst - Math.min(weight, rule.burst));
        }

        /** Whether every window (a, a + length] containing s holds at most {@code room} stamps. */
        private boolean roomAround(long s, long length, int room) {
            List<Long> ends = new ArrayList<>();
            ends.add(s);
            for (long u : stamps) {
                if (u >= s && u < s + length) {
                    ends.add(u);
                }
            }
            for (long end : ends) {
                int count = 0;
                for (long u : stamps) {
                    if (u > end - length && u <= end) {
                        count++;
                    }
                }
                if (count > room) {
                    return false;
                }
            }
            return true;
        }
    }
}
