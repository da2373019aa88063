package io.botdelivery.simulator;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chats the simulated bot can write to, and what their users did: blocked the bot, deleted their account, never
 * started it, kicked the bot, or migrated a group to a supergroup. Thread-safe.
 *
 * <p>Unless {@link SimulatorConfig#knownChatsOnly()} is set, any chat id is an open chat the first time it is used:
 * positive ids are private chats, ids at or below -1000000000000 supergroups, other negative ids groups.
 */
public final class SimulatedChats {

    public enum Type { PRIVATE, GROUP, SUPERGROUP, CHANNEL }

    public enum Status {
        OPEN,
        /** The user blocked the bot: 403 "bot was blocked by the user". */
        BLOCKED,
        /** The user deleted their account (403 "user is deactivated"), or the group was deactivated (400). */
        DEACTIVATED,
        /** The user never started the bot: 403 "bot can't initiate conversation with a user". */
        NEVER_STARTED,
        /** The chat is another bot: 403 "bot can't send messages to bots". */
        BOT,
        /** The bot was removed from the group, supergroup or channel: 403. */
        KICKED,
        /** No such chat: 400 "chat not found". */
        NOT_FOUND,
        /** The group became a supergroup: 400 with {@code migrate_to_chat_id}. */
        MIGRATED
    }

    private static final long SUPERGROUP_IDS_BELOW = -1_000_000_000_000L + 1;

    private final boolean knownOnly;
    private final Map<Long, Chat> chats = new ConcurrentHashMap<>();

    SimulatedChats(boolean knownOnly) {
        this.knownOnly = knownOnly;
    }

    /** Registers an open private chat with a user (ids are positive). */
    public SimulatedChats addPrivate(long userId) {
        requireSign(userId > 0, "a private chat id is positive");
        return add(userId, Type.PRIVATE);
    }

    /** Registers an open group (ids are negative). */
    public SimulatedChats addGroup(long chatId) {
        requireSign(chatId < 0, "a group id is negative");
        return add(chatId, Type.GROUP);
    }

    public SimulatedChats addSupergroup(long chatId) {
        requireSign(chatId < 0, "a supergroup id is negative");
        return add(chatId, Type.SUPERGROUP);
    }

    public SimulatedChats addChannel(long chatId) {
        requireSign(chatId < 0, "a channel id is negative");
        return add(chatId, Type.CHANNEL);
    }

    public SimulatedChats block(long userId) {
        return set(userId, Status.BLOCKED);
    }

    public SimulatedChats deactivate(long chatId) {
        return set(chatId, Status.DEACTIVATED);
    }

    public SimulatedChats neverStarted(long userId) {
        return set(userId, Status.NEVER_STARTED);
    }

    public SimulatedChats markBot(long userId) {
        return set(userId, Status.BOT);
    }

    public SimulatedChats kick(long chatId) {
        return set(chatId, Status.KICKED);
    }

    public SimulatedChats remove(long chatId) {
        return set(chatId, Status.NOT_FOUND);
    }

    /** Opens a chat again (the user unblocked the bot, the bot was added back). */
    public SimulatedChats reopen(long chatId) {
        return set(chatId, Status.OPEN);
    }

    /** The group {@code groupId} becomes the supergroup {@code supergroupId}; sends to the old id answer 400 with the new one. */
    public SimulatedChats migrate(long groupId, long supergroupId) {
        requireSign(groupId < 0 && supergroupId < 0, "groups and supergroups have negative ids");
        chats.compute(groupId, (id, old) -> {
            Chat chat = old != null ? old : new Chat(id, Type.GROUP);
            chat.status = Status.MIGRATED;
            chat.migratedTo = supergroupId;
            return chat;
        });
        add(supergroupId, Type.SUPERGROUP);
        return this;
    }

    public Status status(long chatId) {
        Chat chat = chats.get(chatId);
        if (chat == null) {
            return knownOnly ? Status.NOT_FOUND : Status.OPEN;
        }
        return chat.status;
    }

    /**
     * The chat a send may go to, or the error Telegram answers for it.
     *
     * @throws BotApiError if the chat cannot receive
     */
    /** The last message id sent to a chat, 0 if none (for copyMessage and forwardMessage to find their source). */
    long lastMessageIdIn(long chatId) {
        Chat chat = chats.get(chatId);
        return chat == null ? 0 : chat.lastMessageId();
    }

    Chat sendable(long chatId) {
        Chat chat = knownOnly ? chats.get(chatId) : chats.computeIfAbsent(chatId, id -> new Chat(id, defaultType(id)));
        if (chat == null) {
            throw BotApiError.badRequest("chat not found");
        }
        synchronized (chat) {
            switch (chat.status) {
                case OPEN:
                    return chat;
                case BLOCKED:
                    throw BotApiError.forbidden("bot was blocked by the user");
                case DEACTIVATED:
                    throw chat.type == Type.PRIVATE ? BotApiError.forbidden("user is deactivated")
                            : BotApiError.badRequest("group chat was deactivated");
                case NEVER_STARTED:
                    throw BotApiError.forbidden("bot can't initiate conversation with a user");
                case BOT:
                    throw BotApiError.forbidden("bot can't send messages to bots");
                case KICKED:
                    throw BotApiError.forbidden(switch (chat.type) {
                        case CHANNEL -> "bot is not a member of the channel chat";
                        case SUPERGROUP -> "bot was kicked from the supergroup chat";
                        default -> "bot was kicked from the group chat";
                    });
                case NOT_FOUND:
                    throw BotApiError.badRequest("chat not found");
                case MIGRATED:
                    throw new BotApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                            Map.of("migrate_to_chat_id", chat.migratedTo));
                default:
                    throw new IllegalStateException("unhandled status " + chat.status);
            }
        }
    }

    /** A chat for updates (a user writing to the bot): registered as open if unknown. */
    Chat forUpdate(long chatId) {
        return chats.computeIfAbsent(chatId, id -> new Chat(id, defaultType(id)));
    }

    private SimulatedChats add(long chatId, Type type) {
        chats.put(chatId, new Chat(chatId, type));
        return this;
    }

    private SimulatedChats set(long chatId, Status status) {
        chats.compute(chatId, (id, old) -> {
            Chat chat = old != null ? old : new Chat(id, defaultType(id));
            chat.status = status;
            return chat;
        });
        return this;
    }

    private static Type defaultType(long chatId) {
        if (chatId > 0) {
            return Type.PRIVATE;
        }
        return chatId < SUPERGROUP_IDS_BELOW ? Type.SUPERGROUP : Type.GROUP;
    }

    private static void requireSign(boolean ok, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(rule);
        }
    }

    /** One chat's state. Message ids are counted per chat from 1, as Telegram does. */
    static final class Chat {
        final long id;
        final Type type;
        volatile Status status = Status.OPEN;
        volatile long migratedTo;
        private long lastMessageId;

        Chat(long id, Type type) {
            this.id = id;
            this.type = type;
        }

        /** Reserves {@code count} consecutive message ids and returns the first. */
        synchronized long nextMessageIds(int count) {
            long first = lastMessageId + 1;
            lastMessageId += count;
            return first;
        }

        synchronized long lastMessageId() {
            return lastMessageId;
        }

        String telegramType() {
            return type.name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
