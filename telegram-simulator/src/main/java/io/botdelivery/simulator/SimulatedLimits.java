package io.botdelivery.simulator;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.RateBudgets;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Telegram's flood limits as strict sliding windows over accepted sends, with 429 bans that escalate for callers who
 * come back early.
 *
 * <p>The rule, per scope: in any window (shortened by the arrival-jitter tolerance) the accepted sends weigh at most
 * the budget's permits, unless the window holds a single send. That exception lets an album heavier than the whole
 * budget through when its scope is idle (Telegram delivers a 10-photo album to a private chat), and then nothing else
 * until a window has passed. An album weighs its item count; its items arrive at the same instant.
 *
 * <p>Not thread-safe: guarded by the simulator's lock. Times are epoch nanoseconds of the simulator's clock.
 */
final class SimulatedLimits {
    private static final long SECOND = 1_000_000_000L;
    private static final int SWEEP_EVERY = 4096;

    /** The answer to {@link #check}: allowed, or a 429 blaming {@code scope} with {@code retryAfterSeconds}. */
    record Verdict(boolean allowed, WindowScope scope, long retryAfterSeconds, boolean escalated) {
        static final Verdict ALLOWED = new Verdict(true, null, 0, false);
    }

    private final RateBudgets budgets;
    private final long toleranceNanos;
    private final boolean enforce;
    private final double escalation;
    private final long maxRetryAfterSeconds;
    private final Map<WindowScope, ScopeState> scopes = new HashMap<>();
    private int operations;

    SimulatedLimits(SimulatorConfig config) {
        this.budgets = config.budgets();
        this.toleranceNanos = config.arrivalJitterTolerance().toNanos();
        this.enforce = config.limitMode() == SimulatorConfig.LimitMode.ENFORCE;
        this.escalation = config.retryAfterEscalation();
        this.maxRetryAfterSeconds = config.maxRetryAfter().getSeconds();
    }

    /**
     * Whether a send of {@code weight} messages to {@code chatId} fits now in both its lane and its chat. A denial
     * starts (or escalates) a ban on the blamed scope; nothing is recorded either way.
     */
    Verdict check(long chatId, boolean paid, int weight, long now) {
        if (!enforce) {
            return Verdict.ALLOWED;
        }
        WindowScope lane = WindowScope.lane(paid);
        WindowScope chat = WindowScope.chat(chatId);
        Verdict laneVerdict = state(lane).verdict(lane, weight, now);
        Verdict chatVerdict = state(chat).verdict(chat, weight, now);
        Verdict worst = worse(laneVerdict, chatVerdict);
        if (!worst.allowed()) {
            state(worst.scope()).ban(worst.retryAfterSeconds(), now);
        }
        return worst;
    }

    /** Records an accepted send of {@code weight} messages (at least 1). */
    void record(long chatId, boolean paid, int weight, long now) {
        if (weight < 1) {
            return;
        }
        state(WindowScope.lane(paid)).add(weight, now);
        state(WindowScope.chat(chatId)).add(weight, now);
        if (++operations % SWEEP_EVERY == 0) {
            sweep(now);
        }
    }

    /** Bans {@code chatId}'s scope for {@code retryAfterSeconds} (an injected 429): an early caller's 429 escalates. */
    void ban(long chatId, long retryAfterSeconds, long now) {
        state(WindowScope.chat(chatId)).ban(retryAfterSeconds, now);
    }

    /** How many scopes hold state (for tests of the idle sweep). */
    int trackedScopes() {
        return scopes.size();
    }

    private static Verdict worse(Verdict a, Verdict b) {
        if (a.allowed()) {
            return b;
        }
        if (b.allowed()) {
            return a;
        }
        return b.retryAfterSeconds() > a.retryAfterSeconds() ? b : a;
    }

    private ScopeState state(WindowScope scope) {
        return scopes.computeIfAbsent(scope, s -> new ScopeState(budgetOf(s)));
    }

    private Budget budgetOf(WindowScope scope) {
        return switch (scope.kind()) {
            case GLOBAL -> budgets.global();
            case PAID_BROADCAST -> budgets.paidBroadcast();
            case CHAT -> budgets.chatBudget(scope.chatId());
        };
    }

    /** Drops idle chat scopes so memory stays bounded by the chats active within one window. */
    private void sweep(long now) {
        Iterator<Map.Entry<WindowScope, ScopeState>> it = scopes.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<WindowScope, ScopeState> e = it.next();
            if (e.getKey().isChat() && e.getValue().idle(now)) {
                it.remove();
            }
        }
    }

    /** One scope's accepted sends within the last window, and its ban. */
    private final class ScopeState {
        private final int permits;
        private final long effectiveWindow;
        private final ArrayDeque<long[]> sends = new ArrayDeque<>(); // {at, weight}
        private int weightInWindow;
        private long bannedUntil = Long.MIN_VALUE;
        private long lastRetryAfter;

        ScopeState(Budget budget) {
            this.permits = budget.permits();
            this.effectiveWindow = Math.max(1, budget.window().toNanos() - toleranceNanos);
        }

        Verdict verdict(WindowScope scope, int weight, long now) {
            prune(now);
            if (now < bannedUntil) {
                long remaining = ceilSeconds(bannedUntil - now);
                long escalated = Math.min(maxRetryAfterSeconds,
                        Math.max(remaining, (long) Math.ceil(lastRetryAfter * escalation)));
                return new Verdict(false, scope, Math.max(1, escalated), true);
            }
            if (sends.isEmpty() || weightInWindow + weight <= permits) {
                lastRetryAfter = 0;
                return Verdict.ALLOWED;
            }
            int remaining = weightInWindow;
            long freeAt = 0;
            for (long[] send : sends) {
                remaining -= (int) send[1];
                freeAt = send[0] + effectiveWindow;
                if (remaining == 0 || remaining + weight <= permits) {
                    break;
                }
            }
            long retryAfter = Math.min(maxRetryAfterSeconds, Math.max(1, ceilSeconds(freeAt - now)));
            return new Verdict(false, scope, retryAfter, false);
        }

        void ban(long retryAfterSeconds, long now) {
            bannedUntil = now + retryAfterSeconds * SECOND;
            lastRetryAfter = retryAfterSeconds;
        }

        void add(int weight, long now) {
            prune(now);
            sends.addLast(new long[] {now, weight});
            weightInWindow += weight;
        }

        boolean idle(long now) {
            prune(now);
            return sends.isEmpty() && now >= bannedUntil;
        }

        /** Forgets sends outside the window ending now: those at or before {@code now - effectiveWindow}. */
        private void prune(long now) {
            while (!sends.isEmpty() && sends.peekFirst()[0] <= now - effectiveWindow) {
                weightInWindow -= (int) sends.pollFirst()[1];
            }
        }
    }

    private static long ceilSeconds(long nanos) {
        return Math.max(0, (nanos + SECOND - 1) / SECOND);
    }
}
