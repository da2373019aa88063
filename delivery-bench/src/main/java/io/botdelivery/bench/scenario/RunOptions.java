package io.botdelivery.bench.scenario;

/**
 * How every instance of a run is wired beyond the scenario itself.
 *
 * @param globalRetryAfter   treat every 429 as the bot-wide budget's (example-bot's policy); false: the engine's
 *                           default (PRIVATE_CHAT_IS_GLOBAL)
 * @param maxConcurrentSends the engine's maxConcurrentSends, or 0 for its default (sized by the engine)
 * @param escalate           the simulator answers callers that come back inside a ban with a longer retry_after, as
 *                           Telegram does (true, the default); false keeps every retry_after at what the window needs,
 *                           so one 429 cannot turn into an hour-long ban and the rest of the run stays measurable
 * @param arrivalMargin      how much longer than Telegram's each budget window the instances' limiters keep
 *                           (default 50 ms, as example-bot's {@code limits.arrival-margin-ms})
 * @param chatArrivalMargin  the same for each chat's window (default 250 ms, as example-bot's
 *                           {@code limits.chat-arrival-margin-ms})
 * @param roundTrip          the simulated network between the instances and Telegram (the simulator's
 *                           {@code roundTrip}: half of it before a call arrives, half before its answer; default 0)
 */
public record RunOptions(boolean globalRetryAfter, int maxConcurrentSends, boolean escalate,
                         java.time.Duration arrivalMargin, java.time.Duration chatArrivalMargin,
                         java.time.Duration roundTrip) {
    public static final java.time.Duration DEFAULT_ARRIVAL_MARGIN = java.time.Duration.ofMillis(50);
    public static final java.time.Duration DEFAULT_CHAT_ARRIVAL_MARGIN = java.time.Duration.ofMillis(250);
    public static final RunOptions DEFAULTS = new RunOptions(false, 0, true, DEFAULT_ARRIVAL_MARGIN, DEFAULT_CHAT_ARRIVAL_MARGIN,
            java.time.Duration.ZERO);

    public RunOptions {
        if (maxConcurrentSends < 0) {
            throw new IllegalArgumentException("maxConcurrentSends must not be negative");
        }
        if (arrivalMargin == null || arrivalMargin.isNegative()) {
            throw new IllegalArgumentException("arrivalMargin must be zero or positive");
        }
        if (chatArrivalMargin == null || chatArrivalMargin.isNegative()) {
            throw new IllegalArgumentException("chatArrivalMargin must be zero or positive");
        }
        if (roundTrip == null || roundTrip.isNegative()) {
            throw new IllegalArgumentException("roundTrip must be zero or positive");
        }
    }

    /** What differs from the defaults, for the results' title ("" when nothing does). */
    public String describe() {
        return (globalRetryAfter ? ", every 429 pauses the bot-wide scope" : "")
                + (maxConcurrentSends > 0 ? ", maxConcurrentSends " + maxConcurrentSends : "")
                + (escalate ? "" : ", the simulator does not escalate retry_after")
                + (arrivalMargin.equals(DEFAULT_ARRIVAL_MARGIN) ? "" : ", arrival margin " + arrivalMargin.toMillis() + " ms")
                + (chatArrivalMargin.equals(DEFAULT_CHAT_ARRIVAL_MARGIN) ? "" : ", chat arrival margin " + chatArrivalMargin.toMillis() + " ms")
                + (roundTrip.isZero() ? "" : ", Bot API round trip " + roundTrip.toMillis() + " ms");
    }
}
