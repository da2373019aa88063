package io.botdelivery.bench.chaos;

/** What the chaos timeline can break; the scenario runner implements it over its real processes and servers. */
public interface ChaosTarget {

    /** How many instance slots run. */
    int instances();

    /**
     * Kills the slot's current instance JVM with SIGKILL and waits until it is gone.
     *
     * @return the incarnation that was killed
     */
    int kill(int slot);

    /** Starts a new incarnation in the slot (as a supervisor would after a crash). */
    void restart(int slot);

    void stopRedis();

    /** Starts Redis again as a new, empty process on the same port (keys and cached scripts gone). */
    void startRedis();

    void stopPostgres();

    void startPostgres();

    /** pg_terminate_backend on every session of the store's database; returns how many were terminated. */
    int terminatePostgresSessions();

    /** Makes the simulator drop this share of send connections after accepting (0 turns it off). */
    void dropAfterAccept(double share);
}
