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
 *       it assumes before). A send late by {@code L} shares a window with sends granted within {@code window + L}
 *       after its slot; so a send about to leave in {@code [slot + window, slot + window + L)} gives up its slot and
 *       reserves again at the end of it. The window is Telegram's second (lanes and private chats; a group's minute is
 *       not at risk from a few hundred milliseconds). Only the sends answered during the slow start are tracked:
 *       afterwards connections are open and warm, and the limiter's margin covers the jitter, so a steady lane keeps
 *       its full rate.</li>
 * </ul>
 *
 * <p><b>Locking.</b> Not thread-safe: the {@link Dispatcher} calls it with the engine lock held.
 */
final class ColdStart {
    /** Telegram's window for the lanes and private chats. */
    static final Duration WINDOW = Duration.ofSeconds(1);

    private final Duration tolerance;
    /** Sends answered during the slow start: their slots and service times. */
    private final List<Answered> answered = new ArrayList<>();
    private Duration fastest;
    private int answers;

    /** @param tolerance lateness that needs no hold (the engine's {@code lateSendTolerance}) */
    ColdStart(Duration tolerance) {
        this.tolerance = tolerance;
    }

    private record Answered(Instant slot, Duration serviceTime) {
    }

    /** The places under the concurrency {@code limit} now: one more than the answers so far, until that reaches it. */
    int places(int limit) {
        return Math.min(limit, answers + 1);
    }

    /**
     * Records an answered send: its granted slot ({@code null} if none) and the time from calling the sender to its
     * answer. {@code limit}: the concurrency limit now (the slow start ends when the answers reach it).
     */
    void answered(Instant slot, Duration serviceTime, int limit) {
        boolean slowStart = answers < limit;
        if (slowStart) {
            answers++;
        }
        if (fastest == null || serviceTime.compareTo(fastest) < 0) {
            fastest = serviceTime;
        }
        if (slowStart && slot != null) {
            answered.add(new Answered(slot, serviceTime));
        }
    }

    /**
     * When a send leaving {@code now} would no longer share a window with an earlier send that may have arrived late:
     * the end of the hold {@code now} falls in, or {@code null} when none does. Forgets holds that have passed.
     */
    Instant holdUntil(Instant now) {
        Instant until = null;
        answered.removeIf(a -> !a.slot.plus(WINDOW).plus(a.serviceTime).isAfter(now));
        for (Answered a : answered) {
            Duration late = a.serviceTime.minus(fastest);
            if (late.compareTo(tolerance) <= 0) {
                continue;
            }
            Instant from = a.slot.plus(WINDOW);
            Instant to = from.plus(late);
            if (!now.isBefore(from) && now.isBefore(to) && (until == null || to.isAfter(until))) {
                until = to;
            }
        }
        return until;
    }
}
