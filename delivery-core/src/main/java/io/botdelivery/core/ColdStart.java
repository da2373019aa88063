package io.botdelivery.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The first sends of an engine, while its path to Telegram is cold: a slow start and holds behind late arrivals.
 *
 * <p>Why: the limiter grants a slot for when a send leaves, and Telegram counts when it arrives. Warm, the two differ
 * by a steady round trip and the limiter's arrival margin covers its jitter. Cold, the first sends spend an unknown,
 * long time in the sender before they arrive: class loading and the first serialization, and the handshake of a new
 * connection (TCP's round trip, TLS's more). Sends granted a smoothing interval apart then wait on the same cold path
 * and arrive bunched, and a send that arrives late by more than the margin shares a window with sends granted a window
 * after it: the window overflows and Telegram answers 429.
 *
 * <ul>
 *   <li><b>Slow start.</b> One send on the wire until the first answer, then one more place per answer (at most
 *       doubling per round trip), up to the concurrency limit: the cold path is paid by one send, and new connections
 *       are opened a few at a time.</li>
 *   <li><b>Holds behind late arrivals.</b> An answered send's time exceeds the fastest answer's by at most how late it
 *       can have arrived after its slot (the excess was spent before it arrived or after; the engine cannot tell, so
 *       it assumes before). A send late by {@code L} shares a window with sends leaving before {@code slot + window +
 *       L}. So a send about to leave in {@code [slot + window, slot + window + L)} gives up its slot and reserves again
 *       at the end of it, if it could be the one too many in that window: it goes to the late send's chat (1 a
 *       second), or {@value #LANE_PERMITS} sends (the late one included) have left since the late one's slot. The
 *       window is Telegram's second for the lanes and private chats; a group's minute is not at risk from a few hundred
 *       milliseconds. Only the sends answered during the slow start are tracked: afterwards connections are open and
 *       warm, and the limiter's margin covers the jitter, so a steady lane keeps its full rate.</li>
 * </ul>
 *
 * <p>Memory: during the slow start, one entry per send (at most twice the concurrency limit); afterwards only what the
 * holds still running need, then nothing.
 *
 * <p><b>Locking.</b> Not thread-safe: the {@link Dispatcher} calls it with the engine lock held.
 */
final class ColdStart {
    /** Telegram's window for the lanes and private chats. */
    static final Duration WINDOW = Duration.ofSeconds(1);
    /**
     * Telegram's bot-wide messages per window. Counted over this engine's sends in both lanes (conservative for the
     * paid lane's 1000): only its own sends are known here.
     */
    static final int LANE_PERMITS = 30;

    private final Duration tolerance;
    /** Sends answered during the slow start: their slots and service times. */
    private final List<Answered> answered = new ArrayList<>();
    /** When sends left, oldest first, while any may still matter to a hold. */
    private final List<Instant> departures = new ArrayList<>();
    private Duration fastest;
    private int answers;
    /** True until the answers first reach the concurrency limit; then the engine is warm for good. */
    private boolean slowStart = true;

    /** @param tolerance lateness that needs no hold (the engine's {@code lateSendTolerance}) */
    ColdStart(Duration tolerance) {
        this.tolerance = tolerance;
    }

    private record Answered(Instant slot, Duration serviceTime, long chatId) {
    }

    /** The places under the concurrency {@code limit} now: one more than the answers so far, until that reaches it. */
    int places(int limit) {
        return slowStart ? Math.min(limit, answers + 1) : limit;
    }

    /** Records that a send leaves {@code now} (kept only while a hold may still count it). */
    void departed(Instant now) {
        if (slowStart || !answered.isEmpty()) {
            departures.add(now);
        }
    }

    /**
     * Records an answered send to {@code chatId}: its granted slot ({@code null} if none) and the time from calling the
     * sender to its answer. {@code limit}: the concurrency limit now (the slow start ends when the answers reach it).
     */
    void answered(Instant slot, Duration serviceTime, long chatId, int limit) {
        if (fastest == null || serviceTime.compareTo(fastest) < 0) {
            fastest = serviceTime;
        }
        if (!slowStart) {
            return;
        }
        answers++;
        if (slot != null) {
            answered.add(new Answered(slot, serviceTime, chatId));
        }
        if (answers >= limit) {
            slowStart = false;
        }
    }

    /**
     * When a send to {@code chatId} leaving {@code now} could no longer be the one too many in the window of an earlier
     * send that may have arrived late: the end of the hold {@code now} falls in, or {@code null} when none does.
     * Forgets holds that have passed, and the departures no hold can count any more.
     */
    Instant holdUntil(Instant now, long chatId) {
        answered.removeIf(a -> !a.slot.plus(WINDOW).plus(a.serviceTime).isAfter(now));
        Instant until = null;
        for (Answered a : answered) {
            Duration late = a.serviceTime.minus(fastest);
            if (late.compareTo(tolerance) <= 0) {
                continue;
            }
            Instant from = a.slot.plus(WINDOW);
            Instant to = from.plus(late);
            if (now.isBefore(from) || !now.isBefore(to) || (until != null && !to.isAfter(until))) {
                continue;
            }
            if (a.chatId == chatId || departedSince(a.slot) >= LANE_PERMITS) {
                until = to;
            }
        }
        forgetDepartures();
        return until;
    }

    private int departedSince(Instant from) {
        int n = 0;
        for (int i = departures.size() - 1; i >= 0 && !departures.get(i).isBefore(from); i--) {
            n++;
        }
        return n;
    }

    /** Drops departures before every tracked slot: all of them once the slow start is over and nothing is tracked. */
    private void forgetDepartures() {
        if (slowStart) {
            // a send on the wire may yet be answered late and tracked: what left since its slot still counts
            return;
        }
        Instant oldest = null;
        for (Answered a : answered) {
            if (oldest == null || a.slot.isBefore(oldest)) {
                oldest = a.slot;
            }
        }
        if (oldest == null) {
            departures.clear();
        } else {
            Instant keepFrom = oldest;
            departures.removeIf(d -> d.isBefore(keepFrom));
        }
    }
}
