package io.botdelivery.bench.scenario;

/** Which adapters an instance runs with. */
public enum Wiring {
    /** limiter-redis + store-postgres + sender-telegram: the production setup, shared by N instances. */
    REDIS_POSTGRES,
    /**
     * limiter-local + store-memory + sender-telegram: one instance alone (its budget and queue are not shared), as in
     * issue #3's benchmark. Chaos that needs Redis or PostgreSQL does not apply.
     */
    LOCAL_MEMORY;

    public boolean shared() {
        return this == REDIS_POSTGRES;
    }
}
