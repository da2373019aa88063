package io.botdelivery.bench.scenario;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The chats of a workload as the simulator must know them.
 *
 * @param privateChats every private chat id (positive), blocked ones included
 * @param groups       every group id (negative), migrated ones included
 * @param blocked      private chats whose user blocked the bot
 * @param migrations   group id → the supergroup it became
 * @param adminChat    the private chat admin alerts go to (not among {@code privateChats})
 */
public record ChatSetup(List<Long> privateChats, List<Long> groups, Set<Long> blocked, Map<Long, Long> migrations,
                        long adminChat) {

    public ChatSetup {
        privateChats = List.copyOf(privateChats);
        groups = List.copyOf(groups);
        blocked = Set.copyOf(blocked);
        migrations = Map.copyOf(migrations);
        if (privateChats.contains(adminChat)) {
            throw new IllegalArgumentException("the admin chat must not receive workload deliveries");
        }
    }

    /** Where messages to {@code chatId} arrive: the supergroup for a migrated group, else the chat itself. */
    public long arrivalChat(long chatId) {
        return migrations.getOrDefault(chatId, chatId);
    }
}
