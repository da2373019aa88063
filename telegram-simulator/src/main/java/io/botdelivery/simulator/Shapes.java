package io.botdelivery.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/** Builds the JSON objects of the Bot API (User, Chat, Message, files, answers) in Telegram's exact shape. */
final class Shapes {
    static final ObjectMapper JSON = new ObjectMapper();

    private final long botId;

    Shapes(long botId) {
        this.botId = botId;
    }

    /** {@code {"ok":true,"result":...}} */
    static ObjectNode ok(JsonNode result) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("ok", true);
        answer.set("result", result);
        return answer;
    }

    /** {@code {"ok":true,"result":...,"description":...}} as setWebhook answers. */
    static ObjectNode ok(JsonNode result, String description) {
        ObjectNode answer = ok(result);
        answer.put("description", description);
        return answer;
    }

    /** {@code {"ok":false,"error_code":...,"description":...,"parameters":{...}}} */
    static ObjectNode error(int code, String description, Map<String, Object> parameters) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("ok", false);
        answer.put("error_code", code);
        answer.put("description", description);
        if (!parameters.isEmpty()) {
            answer.set("parameters", JSON.valueToTree(parameters));
        }
        return answer;
    }

    ObjectNode bot() {
        ObjectNode user = JSON.createObjectNode();
        user.put("id", botId);
        user.put("is_bot", true);
        user.put("first_name", "Simulated Bot");
        user.put("username", "simulated_delivery_bot");
        user.put("can_join_groups", true);
        user.put("can_read_all_group_messages", false);
        user.put("supports_inline_queries", false);
        return user;
    }

    static ObjectNode user(long id) {
        ObjectNode user = JSON.createObjectNode();
        user.put("id", id);
        user.put("is_bot", false);
        user.put("first_name", "User" + id);
        user.put("language_code", "en");
        return user;
    }

    static ObjectNode chat(SimulatedChats.Chat chat) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", chat.id);
        node.put("type", chat.telegramType());
        if (chat.type == SimulatedChats.Type.PRIVATE) {
            node.put("first_name", "User" + chat.id);
        } else {
            node.put("title", "Chat " + chat.id);
        }
        return node;
    }

    /** A message the bot sent. */
    ObjectNode sentMessage(SimulatedChats.Chat chat, long messageId, long date) {
        ObjectNode message = JSON.createObjectNode();
        message.put("message_id", messageId);
        message.set("from", bot());
        message.set("chat", chat(chat));
        message.put("date", date);
        return message;
    }

    /** A message a user sent to the bot. */
    static ObjectNode userMessage(SimulatedChats.Chat chat, long userId, long messageId, long date) {
        ObjectNode message = JSON.createObjectNode();
        message.put("message_id", messageId);
        message.set("from", user(userId));
        message.set("chat", chat(chat));
        message.put("date", date);
        return message;
    }

    /** Adds the file fields a message of this kind carries. */
    static void attachFile(ObjectNode message, String kind, SimulatedFiles.StoredFile file, SimulatedFiles.StoredFile thumbnail) {
        switch (kind) {
            case "photo" -> {
                ArrayNode sizes = message.putArray("photo");
                if (thumbnail != null) {
                    sizes.add(photoSize(thumbnail, 90, 90));
                }
                sizes.add(photoSize(file, 1280, 720));
            }
            case "video" -> {
                ObjectNode video = fileNode(file, "video/mp4");
                video.put("width", 1280);
                video.put("height", 720);
                video.put("duration", 5);
                message.set("video", video);
            }
            case "animation" -> {
                ObjectNode animation = fileNode(file, "video/mp4");
                animation.put("width", 320);
                animation.put("height", 240);
                animation.put("duration", 2);
                message.set("animation", animation);
                message.set("document", fileNode(file, "video/mp4"));
            }
            case "audio" -> {
                ObjectNode audio = fileNode(file, "audio/mpeg");
                audio.put("duration", 30);
                message.set("audio", audio);
            }
            case "document" -> message.set("document", fileNode(file, "application/octet-stream"));
            case "sticker" -> {
                ObjectNode sticker = fileNode(file, null);
                sticker.remove("mime_type");
                sticker.remove("file_name");
                sticker.put("type", "regular");
                sticker.put("width", 512);
                sticker.put("height", 512);
                sticker.put("is_animated", false);
                sticker.put("is_video", false);
                message.set("sticker", sticker);
            }
            case "voice" -> {
                ObjectNode voice = fileNode(file, "audio/ogg");
                voice.put("duration", 3);
                message.set("voice", voice);
            }
            case "video_note" -> {
                ObjectNode note = fileNode(file, null);
                note.remove("mime_type");
                note.remove("file_name");
                note.put("length", 240);
                note.put("duration", 3);
                message.set("video_note", note);
            }
            default -> throw new IllegalArgumentException("no file in a " + kind + " message");
        }
    }

    static ObjectNode fileInfo(SimulatedFiles.StoredFile file) {
        ObjectNode node = JSON.createObjectNode();
        node.put("file_id", file.fileId());
        node.put("file_unique_id", file.fileUniqueId());
        node.put("file_size", file.size());
        node.put("file_path", file.path());
        return node;
    }

    private static ObjectNode photoSize(SimulatedFiles.StoredFile file, int width, int height) {
        ObjectNode size = JSON.createObjectNode();
        size.put("file_id", file.fileId());
        size.put("file_unique_id", file.fileUniqueId());
        size.put("file_size", file.size());
        size.put("width", width);
        size.put("height", height);
        return size;
    }

    private static ObjectNode fileNode(SimulatedFiles.StoredFile file, String mimeType) {
        ObjectNode node = JSON.createObjectNode();
        node.put("file_id", file.fileId());
        node.put("file_unique_id", file.fileUniqueId());
        if (file.fileName() != null) {
            node.put("file_name", file.fileName());
        }
        node.put("mime_type", mimeType);
        node.put("file_size", file.size());
        return node;
    }
}
