package io.botdelivery.bench.scenario;

/** What should become of a {@link WorkItem}, given how the simulator's chats are set up. */
public enum Expectation {
    /** Every message arrives in the chat it was submitted to. */
    DELIVER,
    /** The group migrated to a supergroup: every message arrives there. */
    DELIVER_AFTER_MIGRATION,
    /** The user blocked the bot: the delivery ends FAILED with one admin alert. */
    FAIL_BLOCKED
}
