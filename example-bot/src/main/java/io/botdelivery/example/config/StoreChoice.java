package io.botdelivery.example.config;

/** Which {@code RetryStore} adapter the bot runs with (config key {@code store}). */
public enum StoreChoice {
    /** In memory: nothing survives the process. */
    MEMORY,
    /** PostgreSQL: durable, shared by every replica. */
    POSTGRES
}
