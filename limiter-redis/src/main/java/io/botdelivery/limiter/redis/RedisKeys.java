package io.botdelivery.limiter.redis;

/**
 * The names of one bot's keys: {@code {bot:<id>}:global} and {@code {bot:<id>}:paid} (a lane's pause and member
 * sequence), each with {@code …:s} (its message time stamps, a sorted set), and {@code {bot:<id>}:chat:<chatId>} (a
 * chat's pause and stamps). All share the hash tag {@code {bot:<id>}}, so on Redis Cluster they live in one slot and one
 * script may touch them together.
 */
final class RedisKeys {
    private final String prefix;
    private final String globalLane;
    private final String globalLaneGrants;
    private final String paidLane;
    private final String paidLaneGrants;

    RedisKeys(String botId) {
        this.prefix = "{bot:" + botId + "}:";
        this.globalLane = prefix + "global";
        this.globalLaneGrants = globalLane + ":s";
        this.paidLane = prefix + "paid";
        this.paidLaneGrants = paidLane + ":s";
    }

    String lane(boolean paidBroadcast) {
        return paidBroadcast ? paidLane : globalLane;
    }

    String laneGrants(boolean paidBroadcast) {
        return paidBroadcast ? paidLaneGrants : globalLaneGrants;
    }

    String chat(long chatId) {
        return prefix + "chat:" + chatId;
    }

    /** A glob matching every key of this bot. */
    String pattern() {
        return prefix + "*";
    }
}
