package io.botdelivery.bench.scenario;

import io.botdelivery.testkit.postgres.PostgresServer;
import io.botdelivery.testkit.postgres.TestDatabase;
import io.botdelivery.testkit.redis.RedisServerExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * The servers every shared-wiring scenario runs against: one embedded Redis and one embedded PostgreSQL, both from
 * Maven-shipped binaries, started once for a whole suite. Each scenario gets a fresh database and an empty Redis. The
 * Telegram simulator is per scenario (its record is the scenario's evidence), see {@link ScenarioRunner}.
 */
final class Infrastructure implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Infrastructure.class);

    private final RedisServerExtension redis;
    private final PostgresServer postgres;

    private Infrastructure(RedisServerExtension redis, PostgresServer postgres) {
        this.redis = redis;
        this.postgres = postgres;
    }

    /**
     * Starts both servers. PostgreSQL runs with {@code synchronous_commit=on}: a delivery the store accepted must
     * survive the restart the chaos runs inflict, as it would on a production server.
     */
    static Infrastructure start() {
        long t = System.nanoTime();
        RedisServerExtension redis = RedisServerExtension.embedded();
        redis.start();
        PostgresServer postgres;
        try {
            postgres = PostgresServer.embedded(Map.of("synchronous_commit", "on", "max_connections", "200"));
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
        log.info("infrastructure up in {} ms: {} and {}", (System.nanoTime() - t) / 1_000_000, redis, postgres);
        return new Infrastructure(redis, postgres);
    }

    RedisServerExtension redis() {
        return redis;
    }

    PostgresServer postgres() {
        return postgres;
    }

    /** An empty Redis for the next scenario. */
    void flushRedis() {
        redis.command("FLUSHALL");
    }

    TestDatabase newDatabase() {
        return postgres.createDatabase();
    }

    void dropDatabase(TestDatabase database) {
        try {
            postgres.dropDatabase(database);
        } catch (RuntimeException e) {
            log.warn("could not drop {} ({})", database, e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } finally {
            redis.close();
        }
    }
}
