package io.botdelivery.bench.scenario;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;

/**
 * Everything one instance JVM needs to know, handed over as a properties file by the coordinator.
 *
 * @param slot             which instance (0-based); it submits the workload items with this instance number
 * @param incarnation      how many times this slot was started before (a restart after kill -9 is a new incarnation)
 * @param instances        how many instances share the budget (for the Redis-outage local share)
 * @param wiring           the adapters
 * @param runDirectory     where the workload is and the event logs go
 * @param startEpochMillis the scenario's time zero: a work item is submitted at start + its offset
 * @param redisAddress     {@code redis://host:port} (REDIS_POSTGRES only, else empty)
 * @param jdbcUrl          the store's database (REDIS_POSTGRES only, else empty)
 * @param jdbcUser         its user
 * @param telegramPort     the simulator's port on 127.0.0.1
 * @param token            the bot token the simulator accepts
 * @param adminChat        where admin alerts go
 * @param leaseLength      the engine's lease
 * @param maxInlineWait    the engine's inline-wait cap
 * @param globalRetryAfter treat every 429 as the bot-wide budget's (pause everything), as example-bot's wiring does;
 *                         false: the engine's default policy (RetryAfterScopePolicy.PRIVATE_CHAT_IS_GLOBAL)
 * @param maxConcurrentSends the engine's maxConcurrentSends, or 0 for its default
 * @param arrivalMargin    how much longer than Telegram's every budget window the limiter keeps
 *                         ({@link io.botdelivery.core.spi.RateBudgets#withArrivalMargins})
 * @param chatArrivalMargin the same for each chat's window
 */
public record InstanceSettings(int slot, int incarnation, int instances, Wiring wiring, Path runDirectory,
                               long startEpochMillis, String redisAddress, String jdbcUrl, String jdbcUser, int telegramPort,
                               String token, long adminChat, Duration leaseLength, Duration maxInlineWait,
                               boolean globalRetryAfter, int maxConcurrentSends, Duration arrivalMargin,
                               Duration chatArrivalMargin) {

    public InstanceSettings {
        Objects.requireNonNull(wiring, "wiring");
        Objects.requireNonNull(runDirectory, "runDirectory");
        Objects.requireNonNull(redisAddress, "redisAddress");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(jdbcUser, "jdbcUser");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(leaseLength, "leaseLength");
        Objects.requireNonNull(maxInlineWait, "maxInlineWait");
        Objects.requireNonNull(arrivalMargin, "arrivalMargin");
        Objects.requireNonNull(chatArrivalMargin, "chatArrivalMargin");
    }

    public Path workloadFile() {
        return runDirectory.resolve("workload.csv");
    }

    public Path eventLog() {
        return eventLog(runDirectory, slot, incarnation);
    }

    public static Path eventLog(Path runDirectory, int slot, int incarnation) {
        return runDirectory.resolve(String.format("events-%d-%02d.log", slot, incarnation));
    }

    public Path logFile() {
        return runDirectory.resolve(String.format("instance-%d-%02d.log", slot, incarnation));
    }

    /** The engine's lease owner name: unique per incarnation and readable in logs. */
    public String workerId() {
        return "instance-" + slot + "." + incarnation + "-pid" + ProcessHandle.current().pid();
    }

    /** The next incarnation, submitting from the scenario's time zero at once. */
    public InstanceSettings restartedAt(long scenarioStartEpochMillis) {
        return new InstanceSettings(slot, incarnation + 1, instances, wiring, runDirectory, scenarioStartEpochMillis,
                redisAddress, jdbcUrl, jdbcUser, telegramPort, token, adminChat, leaseLength, maxInlineWait, globalRetryAfter,
                maxConcurrentSends, arrivalMargin, chatArrivalMargin);
    }

    public InstanceSettings forSlot(int newSlot) {
        return new InstanceSettings(newSlot, 0, instances, wiring, runDirectory, startEpochMillis, redisAddress, jdbcUrl,
                jdbcUser, telegramPort, token, adminChat, leaseLength, maxInlineWait, globalRetryAfter,
                maxConcurrentSends, arrivalMargin, chatArrivalMargin);
    }

    /** The budgets this instance's limiter keeps: Telegram's, with the arrival margins. */
    public io.botdelivery.core.spi.RateBudgets limiterBudgets() {
        return io.botdelivery.core.spi.RateBudgets.telegramDefaults().withArrivalMargins(arrivalMargin, chatArrivalMargin);
    }

    public void write(Path file) {
        Properties p = new Properties();
        p.setProperty("slot", Integer.toString(slot));
        p.setProperty("incarnation", Integer.toString(incarnation));
        p.setProperty("instances", Integer.toString(instances));
        p.setProperty("wiring", wiring.name());
        p.setProperty("runDirectory", runDirectory.toAbsolutePath().toString());
        p.setProperty("startEpochMillis", Long.toString(startEpochMillis));
        p.setProperty("redisAddress", redisAddress);
        p.setProperty("jdbcUrl", jdbcUrl);
        p.setProperty("jdbcUser", jdbcUser);
        p.setProperty("telegramPort", Integer.toString(telegramPort));
        p.setProperty("token", token);
        p.setProperty("adminChat", Long.toString(adminChat));
        p.setProperty("leaseLength", leaseLength.toString());
        p.setProperty("maxInlineWait", maxInlineWait.toString());
        p.setProperty("globalRetryAfter", Boolean.toString(globalRetryAfter));
        p.setProperty("maxConcurrentSends", Integer.toString(maxConcurrentSends));
        p.setProperty("arrivalMargin", arrivalMargin.toString());
        p.setProperty("chatArrivalMargin", chatArrivalMargin.toString());
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, "bot-delivery scenario instance (written by the coordinator)");
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    public static InstanceSettings read(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
        return new InstanceSettings(
                Integer.parseInt(required(p, "slot")),
                Integer.parseInt(required(p, "incarnation")),
                Integer.parseInt(required(p, "instances")),
                Wiring.valueOf(required(p, "wiring")),
                Path.of(required(p, "runDirectory")),
                Long.parseLong(required(p, "startEpochMillis")),
                p.getProperty("redisAddress", ""),
                p.getProperty("jdbcUrl", ""),
                p.getProperty("jdbcUser", ""),
                Integer.parseInt(required(p, "telegramPort")),
                required(p, "token"),
                Long.parseLong(required(p, "adminChat")),
                Duration.parse(required(p, "leaseLength")),
                Duration.parse(required(p, "maxInlineWait")),
                Boolean.parseBoolean(p.getProperty("globalRetryAfter", "false")),
                Integer.parseInt(p.getProperty("maxConcurrentSends", "0")),
                Duration.parse(p.getProperty("arrivalMargin", "PT0S")),
                Duration.parse(p.getProperty("chatArrivalMargin", "PT0S")));
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("instance settings lack " + key);
        }
        return v;
    }

    @Override
    public String toString() {
        // the token is a secret even against the simulator: never print it
        return "InstanceSettings[slot=" + slot + ", incarnation=" + incarnation + ", wiring=" + wiring + ", run=" + runDirectory + "]";
    }
}
