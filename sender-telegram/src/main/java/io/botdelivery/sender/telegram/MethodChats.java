package io.botdelivery.sender.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.telegram.telegrambots.meta.api.methods.botapimethods.BotApiMethod;
import org.telegram.telegrambots.meta.api.methods.botapimethods.PartialBotApiMethod;
import org.telegram.telegrambots.meta.api.methods.send.SendMediaGroup;

import java.util.Optional;

/**
 * Where a TelegramBots method sends, as {@link DeliveringTelegramClient} needs it: the numeric chat (the engine's
 * per-chat budget and order need one) and how many messages Telegram counts.
 */
final class MethodChats {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MethodChats() {
    }

    /** The numeric chat a message send goes to, or empty when the method passes through. */
    static Optional<Long> messageChat(BotApiMethod<?> method) {
        if (!DeliveringTelegramClient.isMessageSend(method.getMethod())) {
            return Optional.empty();
        }
        JsonNode chat = JSON.valueToTree(method).get("chat_id");
        return numericChat(chat == null ? null : chat.asText());
    }

    static Optional<Long> numericChat(String chatId) {
        if (chatId == null) {
            return Optional.empty();
        }
        try {
            long id = Long.parseLong(chatId.strip());
            return id == 0 ? Optional.empty() : Optional.of(id);
        } catch (NumberFormatException e) {
            // "@channelusername": the engine's per-chat budget and order need the numeric id
            return Optional.empty();
        }
    }

    /** How many messages Telegram counts for {@code method}: an album's items, else one. */
    static int messagesIn(PartialBotApiMethod<?> method) {
        return method instanceof SendMediaGroup group ? group.getMedias().size() : 1;
    }

    /** The {@code chatId} every upload-capable TelegramBots method has, read by name (they share no interface). */
    static String chatIdOf(PartialBotApiMethod<?> method) {
        try {
            Object id = method.getClass().getMethod("getChatId").invoke(method);
            return id == null ? null : id.toString();
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }
}
