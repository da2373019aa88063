package io.botdelivery.sender.telegram;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.botdelivery.api.Delivery;

import java.util.Set;

/**
 * The Bot API answer {@link DeliveringTelegramClient} gives a caller whose delivery another engine instance sent, so
 * Telegram's own answer is not in this process: made from what the delivery recorded.
 */
final class RecordedAnswers {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Methods whose answer is an array (of Message or MessageId). */
    private static final Set<String> ARRAY_ANSWERS = Set.of("sendMediaGroup", "copyMessages", "forwardMessages");

    private RecordedAnswers() {
    }

    /**
     * An answer made from what the delivery recorded: its message ids in its chat. Everything else Telegram said
     * (date, sender, entities) was not stored; this is the best this process can give.
     */
    static String of(String method, Delivery delivery) {
        ObjectNode root = JSON.createObjectNode().put("ok", true);
        ArrayNode messages = JSON.createArrayNode();
        for (long id : delivery.messageIds()) {
            ObjectNode m = messages.addObject().put("message_id", id);
            // TelegramBots refuses a chat without its type; the id's sign tells private chats from the rest
            // (a "-100…" id may be a channel too: not recorded, so the closest guess)
            m.putObject("chat").put("id", delivery.chatId()).put("type", chatType(delivery.chatId()));
        }
        if (ARRAY_ANSWERS.contains(method)) {
            root.set("result", messages);
        } else if (!messages.isEmpty()) {
            root.set("result", messages.get(0));
        } else {
            root.put("result", true);
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String chatType(long chatId) {
        if (chatId > 0) {
            return "private";
        }
        return chatId <= -1_000_000_000_000L ? "supergroup" : "group";
    }
}
