package io.botdelivery.bench.scenario;

/**
 * How every instance of a run is wired beyond the scenario itself.
 *
 * @param globalRetryAfter   treat every 429 as the bot-wide budget's (example-bot's policy); false: as the sender
 *                           reports it
 * @param maxConcurrentSends the engine's maxConcurrentSends, or 0 for its default (16)
 * @param escalate           the simulator answers callers that come back inside a ban with a longer retry_after, as
 *                           Telegram does (true, the default); false keeps every retry_after at what the window needs,
 *                           so one 429 cannot turn into an hour-long ban and the rest of the run stays measurable
 */
public record RunOptions(boolean globalRetryAfter, int maxConcurrentSends, boolean escalate) {
    public static final RunOptions DEFAULTS = new RunOptions(false, 0, true);

    public RunOptions {
        if (maxConcurrentSends < 0) {
            throw new IllegalArgumentException("maxConcurrentSends must not be negative");
        }
    }

    /** What differs from the defaults, for the results' title ("" when nothing does). */
    public String describe() {
        return (globalRetryAfter ? ", every 429 pauses the bot-wide scope" : "")
                + (maxConcurrentSends > 0 ? ", maxConcurrentSends " + maxConcurrentSends : "")
                + (escalate ? "" : ", the simulator does not escalate retry_after");
    }
}
