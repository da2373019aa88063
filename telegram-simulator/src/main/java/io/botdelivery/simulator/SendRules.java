package io.botdelivery.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * Telegram's checks on the options every send method shares (reply_markup, reply_parameters, message_thread_id) and
 * on the content of the methods without a file (sendLocation, sendVenue, sendContact, sendDice, sendPoll), with the
 * error texts Telegram answers.
 */
final class SendRules {
    /** The fields of an inline button that are its action; Telegram wants exactly one. */
    private static final List<String> INLINE_ACTIONS = List.of("url", "callback_data", "web_app", "login_url",
            "switch_inline_query", "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
            "callback_game", "pay");
    private static final Set<String> DICE = Set.of("🎲", "🎯", "🏀", "⚽", "🎳", "🎰");
    private static final int MAX_INLINE_PER_ROW = 8;
    private static final int MAX_INLINE = 100;
    private static final int MAX_REPLY_PER_ROW = 12;
    private static final int MAX_REPLY = 300;

    private SendRules() {
    }

    /** Checks the options every send method takes; throws Telegram's 400 when it would refuse them. */
    static void checkCommon(String method, CallParams params) {
        if (params.has("message_thread_id")) {
            long thread = parseLong(params.get("message_thread_id"), "message_thread_id");
            if (thread <= 0) {
                throw BotApiError.badRequest("message thread not found");
            }
        }
        if (params.has("reply_parameters")) {
            JsonNode reply = json(params.get("reply_parameters"), "can't parse reply parameters JSON object");
            if (!reply.path("message_id").canConvertToInt() || reply.path("message_id").asInt() <= 0) {
                throw BotApiError.badRequest("message to be replied not found");
            }
        }
        if (params.has("reply_markup")) {
            checkMarkup(json(params.get("reply_markup"), "can't parse reply keyboard markup JSON object"));
        }
        if (params.has("link_preview_options")) {
            JsonNode preview = json(params.get("link_preview_options"), "can't parse link preview options JSON object");
            if (preview.path("prefer_small_media").asBoolean() && preview.path("prefer_large_media").asBoolean()) {
                throw BotApiError.badRequest("can't use prefer_small_media and prefer_large_media together");
            }
        }
    }

    private static void checkMarkup(JsonNode markup) {
        if (!markup.isObject()) {
            throw BotApiError.badRequest("can't parse reply keyboard markup JSON object");
        }
        if (markup.has("inline_keyboard")) {
            int total = 0;
            for (JsonNode row : rows(markup.get("inline_keyboard"), "inline keyboard")) {
                if (row.size() > MAX_INLINE_PER_ROW) {
                    throw BotApiError.badRequest("BUTTONS_TOO_MUCH");
                }
                for (JsonNode button : row) {
                    checkInlineButton(button);
                    total++;
                }
            }
            if (total > MAX_INLINE) {
                throw BotApiError.badRequest("BUTTONS_TOO_MUCH");
            }
        } else if (markup.has("keyboard")) {
            int total = 0;
            for (JsonNode row : rows(markup.get("keyboard"), "keyboard")) {
                if (row.size() > MAX_REPLY_PER_ROW) {
                    throw BotApiError.badRequest("BUTTONS_TOO_MUCH");
                }
                for (JsonNode button : row) {
                    String text = button.isTextual() ? button.asText() : button.path("text").asText("");
                    if (text.isEmpty()) {
                        throw BotApiError.badRequest("can't parse keyboard button: Field \"text\" must be of type String");
                    }
                    total++;
                }
            }
            if (total > MAX_REPLY) {
                throw BotApiError.badRequest("BUTTONS_TOO_MUCH");
            }
            checkPlaceholder(markup);
        } else if (markup.has("remove_keyboard")) {
            if (!markup.get("remove_keyboard").asBoolean()) {
                throw BotApiError.badRequest("can't parse reply keyboard markup JSON object");
            }
        } else if (markup.has("force_reply")) {
            if (!markup.get("force_reply").asBoolean()) {
                throw BotApiError.badRequest("can't parse reply keyboard markup JSON object");
            }
            checkPlaceholder(markup);
        } else {
            throw BotApiError.badRequest("can't find field \"inline_keyboard\"");
        }
    }

    private static void checkInlineButton(JsonNode button) {
        if (!button.hasNonNull("text") || button.get("text").asText().isEmpty()) {
            throw BotApiError.badRequest("can't parse inline keyboard button: Field \"text\" must be of type String");
        }
        long actions = INLINE_ACTIONS.stream().filter(button::hasNonNull).count();
        if (actions == 0) {
            throw BotApiError.badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
        }
        if (actions > 1) {
            throw BotApiError.badRequest("can't parse inline keyboard button: exactly one of the optional fields must be used");
        }
        if (button.hasNonNull("callback_data")) {
            int bytes = button.get("callback_data").asText().getBytes(StandardCharsets.UTF_8).length;
            if (bytes < 1 || bytes > 64) {
                throw BotApiError.badRequest("BUTTON_DATA_INVALID");
            }
        }
        if (button.hasNonNull("url") && !button.get("url").asText().matches("(?i)(https?|tg)://.+")) {
            throw BotApiError.badRequest("BUTTON_URL_INVALID");
        }
        if (button.hasNonNull("web_app") && !button.get("web_app").path("url").asText().startsWith("https://")) {
            throw BotApiError.badRequest("BUTTON_TYPE_INVALID");
        }
        if (button.hasNonNull("copy_text")) {
            String text = button.get("copy_text").path("text").asText("");
            if (text.isEmpty() || text.length() > 256) {
                throw BotApiError.badRequest("COPY_TEXT_INVALID");
            }
        }
    }

    private static void checkPlaceholder(JsonNode markup) {
        if (markup.hasNonNull("input_field_placeholder")) {
            int length = markup.get("input_field_placeholder").asText().length();
            if (length < 1 || length > 64) {
                throw BotApiError.badRequest("can't parse reply keyboard markup JSON object");
            }
        }
    }

    private static JsonNode rows(JsonNode rows, String what) {
        if (rows == null || !rows.isArray()) {
            throw BotApiError.badRequest("can't parse " + what + ": field must be an Array");
        }
        for (JsonNode row : rows) {
            if (!row.isArray()) {
                throw BotApiError.badRequest("can't parse " + what + " row: field must be an Array");
            }
        }
        return rows;
    }

    /** Validates a location, venue, contact, dice or poll call and returns what Telegram puts in the Message. */
    static ObjectNode content(String method, CallParams params) {
        ObjectNode node = Shapes.JSON.createObjectNode();
        switch (method) {
            case "sendlocation" -> putCoordinates(node, params);
            case "sendvenue" -> {
                ObjectNode location = node.putObject("location");
                putCoordinates(location, params);
                node.put("title", required(params, "title"));
                node.put("address", required(params, "address"));
            }
            case "sendcontact" -> {
                node.put("phone_number", required(params, "phone_number"));
                node.put("first_name", required(params, "first_name"));
                if (params.has("last_name")) {
                    node.put("last_name", params.get("last_name"));
                }
            }
            case "senddice" -> {
                String emoji = params.has("emoji") ? params.get("emoji") : "🎲";
                if (!DICE.contains(emoji)) {
                    throw BotApiError.badRequest("EMOTICON_INVALID");
                }
                node.put("emoji", emoji);
                node.put("value", 1 + Math.floorMod(params.chatIdOrZero(), emoji.equals("🎰") ? 64 : 6));
            }
            case "sendpoll" -> poll(node, params);
            default -> throw new IllegalArgumentException(method);
        }
        return node;
    }

    /** What the record keeps as a message's text for these kinds. */
    static String textOf(String kind, ObjectNode content) {
        return switch (kind) {
            case "venue" -> content.path("title").asText(null);
            case "contact" -> content.path("first_name").asText(null);
            case "dice" -> content.path("emoji").asText(null);
            case "poll" -> content.path("question").asText(null);
            default -> null;
        };
    }

    private static void poll(ObjectNode node, CallParams params) {
        String question = params.get("question");
        if (question == null || question.isBlank()) {
            throw BotApiError.badRequest("poll question must be non-empty");
        }
        if (question.length() > 300) {
            throw BotApiError.badRequest("poll question length must not exceed 300");
        }
        JsonNode options = json(params.has("options") ? params.get("options") : "[]", "can't parse options JSON object");
        if (!options.isArray() || options.size() < 2) {
            throw BotApiError.badRequest("poll must have at least 2 option");
        }
        if (options.size() > 12) {
            throw BotApiError.badRequest("poll can't have more than 12 options");
        }
        node.put("id", Long.toString(Math.abs((long) question.hashCode()) + 5_000_000_000L));
        node.put("question", question);
        ArrayNode out = node.putArray("options");
        for (JsonNode option : options) {
            String text = option.isTextual() ? option.asText() : option.path("text").asText("");
            if (text.isBlank()) {
                throw BotApiError.badRequest("poll options must be non-empty");
            }
            if (text.length() > 100) {
                throw BotApiError.badRequest("poll options length must not exceed 100");
            }
            out.addObject().put("text", text).put("voter_count", 0);
        }
        node.put("total_voter_count", 0);
        node.put("is_closed", false);
        node.put("is_anonymous", !params.has("is_anonymous") || params.flag("is_anonymous"));
        node.put("type", params.has("type") ? params.get("type") : "regular");
        node.put("allows_multiple_answers", params.flag("allows_multiple_answers"));
    }

    private static void putCoordinates(ObjectNode node, CallParams params) {
        double latitude = parseDouble(params, "latitude");
        double longitude = parseDouble(params, "longitude");
        if (latitude < -90 || latitude > 90 || longitude < -180 || longitude > 180) {
            throw BotApiError.badRequest("wrong coordinates");
        }
        node.put("latitude", latitude);
        node.put("longitude", longitude);
        if (params.has("horizontal_accuracy")) {
            double accuracy = parseDouble(params, "horizontal_accuracy");
            if (accuracy < 0 || accuracy > 1500) {
                throw BotApiError.badRequest("wrong horizontal accuracy");
            }
            node.put("horizontal_accuracy", accuracy);
        }
    }

    private static double parseDouble(CallParams params, String name) {
        String raw = params.get(name);
        if (raw == null || raw.isBlank()) {
            throw BotApiError.badRequest("parameter \"" + name + "\" is required");
        }
        try {
            return Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            throw BotApiError.badRequest("wrong parameter " + name);
        }
    }

    private static long parseLong(String raw, String name) {
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw BotApiError.badRequest("wrong parameter " + name);
        }
    }

    private static String required(CallParams params, String name) {
        String value = params.get(name);
        if (value == null || value.isBlank()) {
            throw BotApiError.badRequest("parameter \"" + name + "\" is required");
        }
        return value;
    }

    private static JsonNode json(String text, String error) {
        try {
            JsonNode node = Shapes.JSON.readTree(text);
            if (node == null) {
                throw BotApiError.badRequest(error);
            }
            return node;
        } catch (IOException e) {
            throw BotApiError.badRequest(error);
        }
    }
}
