package io.botdelivery.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.botdelivery.api.ReplyMarkup;
import io.botdelivery.api.SendOptions;

import java.util.ArrayList;
import java.util.List;

/** The {@code "options"} object of {@link PayloadCodec} version 2: only what differs from the defaults is written. */
final class SendOptionsCodec {
    private SendOptionsCodec() {
    }

    static void write(ObjectNode node, SendOptions options) {
        if (options.replyMarkup() != null) {
            writeMarkup(node.putObject("replyMarkup"), options.replyMarkup());
        }
        if (options.disableNotification()) {
            node.put("disableNotification", true);
        }
        if (options.protectContent()) {
            node.put("protectContent", true);
        }
        if (options.messageThreadId() != null) {
            node.put("messageThreadId", options.messageThreadId());
        }
        SendOptions.LinkPreview preview = options.linkPreview();
        if (preview != null) {
            ObjectNode p = node.putObject("linkPreview");
            p.put("disabled", preview.disabled());
            if (preview.url() != null) {
                p.put("url", preview.url());
            }
            p.put("preferSmallMedia", preview.preferSmallMedia());
            p.put("preferLargeMedia", preview.preferLargeMedia());
            p.put("showAboveText", preview.showAboveText());
        }
        SendOptions.ReplyParameters reply = options.replyParameters();
        if (reply != null) {
            ObjectNode r = node.putObject("replyParameters");
            r.put("messageId", reply.messageId());
            if (reply.chatId() != null) {
                r.put("chatId", reply.chatId());
            }
            r.put("allowSendingWithoutReply", reply.allowSendingWithoutReply());
            if (reply.quote() != null) {
                r.put("quote", reply.quote());
            }
        }
        if (options.businessConnectionId() != null) {
            node.put("businessConnectionId", options.businessConnectionId());
        }
        if (options.messageEffectId() != null) {
            node.put("messageEffectId", options.messageEffectId());
        }
    }

    private static void writeMarkup(ObjectNode node, ReplyMarkup markup) {
        if (markup instanceof ReplyMarkup.InlineKeyboard inline) {
            node.put("type", "inline_keyboard");
            ArrayNode rows = node.putArray("rows");
            for (List<ReplyMarkup.InlineButton> row : inline.rows()) {
                ArrayNode r = rows.addArray();
                for (ReplyMarkup.InlineButton b : row) {
                    r.addObject().put("text", b.text()).put("action", b.action().telegramName()).put("value", b.value());
                }
            }
        } else if (markup instanceof ReplyMarkup.ReplyKeyboard keyboard) {
            node.put("type", "reply_keyboard");
            ArrayNode rows = node.putArray("rows");
            for (List<ReplyMarkup.KeyboardButton> row : keyboard.rows()) {
                ArrayNode r = rows.addArray();
                for (ReplyMarkup.KeyboardButton b : row) {
                    r.addObject().put("text", b.text()).put("request", b.request().name());
                }
            }
            node.put("persistent", keyboard.persistent());
            node.put("resize", keyboard.resize());
            node.put("oneTime", keyboard.oneTime());
            if (keyboard.inputFieldPlaceholder() != null) {
                node.put("inputFieldPlaceholder", keyboard.inputFieldPlaceholder());
            }
            node.put("selective", keyboard.selective());
        } else if (markup instanceof ReplyMarkup.RemoveKeyboard remove) {
            node.put("type", "remove_keyboard");
            node.put("selective", remove.selective());
        } else if (markup instanceof ReplyMarkup.ForceReply force) {
            node.put("type", "force_reply");
            if (force.inputFieldPlaceholder() != null) {
                node.put("inputFieldPlaceholder", force.inputFieldPlaceholder());
            }
            node.put("selective", force.selective());
        } else {
            throw new IllegalArgumentException("unknown reply markup " + markup.getClass().getName());
        }
    }

    static SendOptions read(JsonNode node) throws UnreadablePayloadException {
        if (!node.isObject()) {
            throw new UnreadablePayloadException("payload \"options\" is not an object");
        }
        SendOptions.Builder b = SendOptions.builder()
                .disableNotification(node.path("disableNotification").asBoolean(false))
                .protectContent(node.path("protectContent").asBoolean(false));
        if (node.hasNonNull("replyMarkup")) {
            b.replyMarkup(readMarkup(node.get("replyMarkup")));
        }
        if (node.hasNonNull("messageThreadId")) {
            b.messageThreadId(node.get("messageThreadId").asInt());
        }
        JsonNode p = node.get("linkPreview");
        if (p != null && p.isObject()) {
            b.linkPreview(new SendOptions.LinkPreview(p.path("disabled").asBoolean(), optional(p, "url"),
                    p.path("preferSmallMedia").asBoolean(), p.path("preferLargeMedia").asBoolean(),
                    p.path("showAboveText").asBoolean()));
        }
        JsonNode r = node.get("replyParameters");
        if (r != null && r.isObject()) {
            b.replyParameters(new SendOptions.ReplyParameters(r.path("messageId").asLong(),
                    r.hasNonNull("chatId") ? r.get("chatId").asLong() : null,
                    r.path("allowSendingWithoutReply").asBoolean(), optional(r, "quote")));
        }
        b.businessConnectionId(optional(node, "businessConnectionId"));
        b.messageEffectId(optional(node, "messageEffectId"));
        return b.build();
    }

    private static ReplyMarkup readMarkup(JsonNode node) throws UnreadablePayloadException {
        String type = PayloadCodec.text(node, "type");
        switch (type) {
            case "inline_keyboard": {
                List<List<ReplyMarkup.InlineButton>> rows = new ArrayList<>();
                for (JsonNode row : rows(node)) {
                    List<ReplyMarkup.InlineButton> buttons = new ArrayList<>();
                    for (JsonNode b : row) {
                        buttons.add(new ReplyMarkup.InlineButton(PayloadCodec.text(b, "text"),
                                action(PayloadCodec.text(b, "action")), PayloadCodec.text(b, "value")));
                    }
                    rows.add(buttons);
                }
                return new ReplyMarkup.InlineKeyboard(rows);
            }
            case "reply_keyboard": {
                List<List<ReplyMarkup.KeyboardButton>> rows = new ArrayList<>();
                for (JsonNode row : rows(node)) {
                    List<ReplyMarkup.KeyboardButton> buttons = new ArrayList<>();
                    for (JsonNode b : row) {
                        ReplyMarkup.KeyboardButton.Request request;
                        try {
                            request = ReplyMarkup.KeyboardButton.Request.valueOf(PayloadCodec.text(b, "request"));
                        } catch (IllegalArgumentException e) {
                            throw new UnreadablePayloadException("unknown keyboard button request \"" + b.get("request") + "\"");
                        }
                        buttons.add(new ReplyMarkup.KeyboardButton(PayloadCodec.text(b, "text"), request));
                    }
                    rows.add(buttons);
                }
                return new ReplyMarkup.ReplyKeyboard(rows, node.path("persistent").asBoolean(),
                        node.path("resize").asBoolean(), node.path("oneTime").asBoolean(),
                        optional(node, "inputFieldPlaceholder"), node.path("selective").asBoolean());
            }
            case "remove_keyboard":
                return new ReplyMarkup.RemoveKeyboard(node.path("selective").asBoolean());
            case "force_reply":
                return new ReplyMarkup.ForceReply(optional(node, "inputFieldPlaceholder"), node.path("selective").asBoolean());
            default:
                throw new UnreadablePayloadException("unknown reply markup type \"" + type + "\"");
        }
    }

    private static JsonNode rows(JsonNode node) throws UnreadablePayloadException {
        JsonNode rows = node.get("rows");
        if (rows == null || !rows.isArray()) {
            throw new UnreadablePayloadException("keyboard has no \"rows\" array");
        }
        return rows;
    }

    private static ReplyMarkup.ActionType action(String name) throws UnreadablePayloadException {
        for (ReplyMarkup.ActionType type : ReplyMarkup.ActionType.values()) {
            if (type.telegramName().equals(name)) {
                return type;
            }
        }
        throw new UnreadablePayloadException("unknown inline button action \"" + name + "\"");
    }

    private static String optional(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
