package io.botdelivery.bench.scenario;

import java.time.Instant;
import java.util.Objects;

/**
 * One message the simulated Telegram accepted, as the analysis needs it (an album item is one message).
 *
 * @param sendId     the accepted call it came with: an album's items share one
 * @param chatId     where it arrived
 * @param text       its text or caption ({@code null} if it had none)
 * @param paid       sent in the paid-broadcast lane
 * @param answerLost the simulator dropped the connection after accepting it (the sender never heard of it)
 * @param at         when it was accepted
 */
public record Arrival(long sendId, long chatId, String text, boolean paid, boolean answerLost, Instant at) {
    public Arrival {
        Objects.requireNonNull(at, "at");
    }

    /** The workload identity it carries (see {@link WorkItem#contents()}). */
    public String identity() {
        return WorkItem.identityOf(text);
    }
}
