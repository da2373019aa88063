package io.botdelivery.bench.scenario;

/**
 * How every instance of a run is wired beyond the scenario itself.
 *
 * @param globalRetryAfter   treat every 429 as the bot-wide budget's (example-bot's policy); false: as the sender
 *                           reports it
 * @param maxConcurrentSends the engine's maxConcurrentSends, or 0 for its default (16)
 */
public record RunOptions(boolean globalRetryAfter, int maxConcurrentSends) {
    public static final RunOptions DEFAULTS = new RunOptions(false, 0);

    public RunOptions {
        if (maxConcurrentSends < 0) {
            throw new IllegalArgumentException("maxConcurrentSends must not be negative");
        }
    }

    /** What differs from the defaults, for the results' title ("" when nothing does). */
    public String describe() {
        return (globalRetryAfter ? ", every 429 pauses the bot-wide scope" : "")
                + (maxConcurrentSends > 0 ? ", maxConcurrentSends " + maxConcurrentSends : "");
    }
}
