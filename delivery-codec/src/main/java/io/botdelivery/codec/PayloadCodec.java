package io.botdelivery.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.botdelivery.api.InvalidDeliveryException;
import io.botdelivery.api.MediaSource;
import io.botdelivery.api.ParseMode;
import io.botdelivery.api.Payload;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The stored form of a {@link Payload}, shared by every store (store-postgres, the SQL stores on store-jdbc, and any
 * store a user writes): JSON with a format version, written and read by hand so the API records stay free of
 * serialization annotations and the stored format changes only on purpose. One format for every store, so a
 * delivery's payload means the same wherever it is kept, and one reader for every older version, so a store upgraded
 * in place keeps reading the rows its previous version wrote.
 *
 * <pre>
 * {"v": 2, "kind": "text",  "text": "…", "parseMode": "HTML", "options": {…}}
 * {"v": 2, "kind": "photo", "source": {"type": "file_id", "id": "…"}, "caption": "…", "parseMode": "PLAIN",
 *          "hasSpoiler": true, "showCaptionAboveMedia": true}        (sticker, voice, video_note the same)
 * {"v": 2, "kind": "album", "items": [{"kind": "photo", "source": …, "caption": …, "parseMode": …}, …]}
 * {"v": 2, "kind": "location", "latitude", "longitude", "horizontalAccuracy"?}
 * {"v": 2, "kind": "venue", "latitude", "longitude", "title", "address"}
 * {"v": 2, "kind": "contact", "phoneNumber", "firstName", "lastName"?}
 * {"v": 2, "kind": "dice", "emoji"}
 * {"v": 2, "kind": "poll", "question", "answers": […], "anonymous", "multipleAnswers"}
 * {"v": 2, "kind": "copy", "fromChatId", "messageId", "caption"?, "parseMode", "showCaptionAboveMedia"?}
 * {"v": 2, "kind": "forward", "fromChatId", "messageId"}
 * {"v": 2, "kind": "invoice", "title", "description", "invoicePayload", "currency", "prices": [{"label", "amount"}],
 *          "providerToken"?, "startParameter"?, "photoUrl"?}
 * {"v": 2, "kind": "bot_api_call", "method", "parameters": {…the call's JSON object…}, "messageCount"}
 * sources: {"type": "file_id", "id"} | {"type": "url", "url"} | {"type": "bytes", "fileName", "base64"}
 *        | {"type": "file", "path", "fileName"}
 * options (only what differs from the defaults; absent when all are default):
 *   {"replyMarkup": {"type": "inline_keyboard", "rows": [[{"text", "action": "callback_data", "value"}]]}
 *                 | {"type": "reply_keyboard", "rows": [[{"text", "request": "NONE"}]], "persistent", "resize",
 *                    "oneTime", "inputFieldPlaceholder"?, "selective"}
 *                 | {"type": "remove_keyboard", "selective"} | {"type": "force_reply", "inputFieldPlaceholder"?, "selective"},
 *    "disableNotification", "protectContent", "messageThreadId", "linkPreview": {"disabled", "url"?,
 *    "preferSmallMedia", "preferLargeMedia", "showAboveText"}, "replyParameters": {"messageId", "chatId"?,
 *    "allowSendingWithoutReply", "quote"?}, "businessConnectionId", "messageEffectId"}
 * </pre>
 *
 * Version 1 is version 2 without options, spoilers and the new kinds; it is still read exactly as it was written. A
 * newer version must keep reading every older {@code v}; a row with a {@code v} this version does not know is reported
 * unreadable, never guessed at.
 */
public final class PayloadCodec {
    /** The format version this code writes. */
    public static final int VERSION = 2;
    /** Kinds version 1 could hold; a version 1 row of another kind is corrupt, not a newer kind. */
    private static final java.util.Set<String> V1_KINDS = java.util.Set.of("text", "photo", "video", "animation",
            "document", "audio", "album");

    private static final ObjectMapper JSON = new ObjectMapper();

    private PayloadCodec() {
    }

    /**
     * The payload as JSON in the current format ({@link #VERSION}). Byte uploads are stored inline (base64); a file
     * upload stores its path, which must still exist when the delivery is read back.
     */
    public static String write(Payload payload) {
        ObjectNode root = JSON.createObjectNode();
        root.put("v", VERSION);
        writeInto(root, payload);
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a " + payload.kind() + " payload", e);
        }
    }

    private static void writeInto(ObjectNode node, Payload payload) {
        node.put("kind", payload.kind());
        if (payload instanceof Payload.Text text) {
            node.put("text", text.text());
            node.put("parseMode", text.parseMode().name());
        } else if (payload instanceof Payload.Media media) {
            writeMedia(node, media);
        } else if (payload instanceof Payload.Album album) {
            ArrayNode items = node.putArray("items");
            for (Payload.Media item : album.items()) {
                ObjectNode itemNode = items.addObject();
                itemNode.put("kind", item.kind());
                writeMedia(itemNode, item);
            }
        } else if (payload instanceof Payload.Location location) {
            node.put("latitude", location.latitude());
            node.put("longitude", location.longitude());
            if (location.horizontalAccuracy() != null) {
                node.put("horizontalAccuracy", location.horizontalAccuracy());
            }
        } else if (payload instanceof Payload.Venue venue) {
            node.put("latitude", venue.latitude());
            node.put("longitude", venue.longitude());
            node.put("title", venue.title());
            node.put("address", venue.address());
        } else if (payload instanceof Payload.Contact contact) {
            node.put("phoneNumber", contact.phoneNumber());
            node.put("firstName", contact.firstName());
            if (contact.lastName() != null) {
                node.put("lastName", contact.lastName());
            }
        } else if (payload instanceof Payload.Dice dice) {
            node.put("emoji", dice.emoji());
        } else if (payload instanceof Payload.Poll poll) {
            node.put("question", poll.question());
            ArrayNode answers = node.putArray("answers");
            poll.answers().forEach(answers::add);
            node.put("anonymous", poll.anonymous());
            node.put("multipleAnswers", poll.multipleAnswers());
        } else if (payload instanceof Payload.Copy copy) {
            node.put("fromChatId", copy.fromChatId());
            node.put("messageId", copy.messageId());
            if (copy.caption() != null) {
                node.put("caption", copy.caption());
            }
            node.put("parseMode", copy.parseMode().name());
            if (copy.showCaptionAboveMedia()) {
                node.put("showCaptionAboveMedia", true);
            }
        } else if (payload instanceof Payload.Forward forward) {
            node.put("fromChatId", forward.fromChatId());
            node.put("messageId", forward.messageId());
        } else if (payload instanceof Payload.Invoice invoice) {
            node.put("title", invoice.title());
            node.put("description", invoice.description());
            node.put("invoicePayload", invoice.invoicePayload());
            node.put("currency", invoice.currency());
            ArrayNode prices = node.putArray("prices");
            invoice.prices().forEach(p -> prices.addObject().put("label", p.label()).put("amount", p.amount()));
            putIfPresent(node, "providerToken", invoice.providerToken());
            putIfPresent(node, "startParameter", invoice.startParameter());
            putIfPresent(node, "photoUrl", invoice.photoUrl());
        } else if (payload instanceof Payload.BotApiCall call) {
            node.put("method", call.method());
            try {
                node.set("parameters", JSON.readTree(call.parametersJson()));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("the parameters of a " + call.method() + " call are not JSON: "
                        + e.getOriginalMessage(), e);
            }
            node.put("messageCount", call.messageCount());
        } else {
            throw new IllegalArgumentException("unknown payload type " + payload.getClass().getName());
        }
        if (!payload.options().isDefault()) {
            SendOptionsCodec.write(node.putObject("options"), payload.options());
        }
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    private static void writeMedia(ObjectNode node, Payload.Media media) {
        ObjectNode source = node.putObject("source");
        MediaSource s = media.source();
        if (s instanceof MediaSource.FileId f) {
            source.put("type", "file_id");
            source.put("id", f.id());
        } else if (s instanceof MediaSource.Url u) {
            source.put("type", "url");
            source.put("url", u.url());
        } else if (s instanceof MediaSource.Bytes b) {
            source.put("type", "bytes");
            source.put("fileName", b.fileName());
            source.put("base64", Base64.getEncoder().encodeToString(b.content()));
        } else if (s instanceof MediaSource.File f) {
            source.put("type", "file");
            source.put("path", f.path().toString());
            source.put("fileName", f.fileName());
        } else {
            throw new IllegalArgumentException("unknown media source " + s.getClass().getName());
        }
        if (media.caption() != null) {
            node.put("caption", media.caption());
        }
        node.put("parseMode", media.parseMode().name());
        if (media.hasSpoiler()) {
            node.put("hasSpoiler", true);
        }
        if (media.showCaptionAboveMedia()) {
            node.put("showCaptionAboveMedia", true);
        }
    }

    /**
     * Reads a payload written by this or any earlier version of the format, or says precisely why it cannot: a
     * version this code does not know (written by a newer one), corrupted JSON, a missing field, an unknown kind or
     * enum name, or a payload no longer valid (an upload file that is gone). Never guesses.
     */
    public static Payload read(String json) throws UnreadablePayloadException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UnreadablePayloadException("payload is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new UnreadablePayloadException("payload is not a JSON object");
        }
        JsonNode version = root.get("v");
        if (version == null || !version.canConvertToInt()) {
            throw new UnreadablePayloadException("payload has no format version (\"v\")");
        }
        int v = version.asInt();
        if (v != 1 && v != VERSION) {
            throw new UnreadablePayloadException("payload format version " + version.asInt() + " is unknown to this "
                    + "version of bot-delivery (it reads versions 1 to " + VERSION + "); it was written by a newer version "
                    + "or corrupted");
        }
        try {
            if (v == 1) {
                String kind = text(root, "kind");
                if (!V1_KINDS.contains(kind)) {
                    throw new UnreadablePayloadException("unknown payload kind \"" + kind + "\" in a version 1 row");
                }
                return readV1(root);
            }
            return readV2(root);
        } catch (InvalidDeliveryException e) {
            throw new UnreadablePayloadException("payload is no longer valid: " + e.getMessage(), e);
        }
    }

    private static Payload readV1(JsonNode node) throws UnreadablePayloadException {
        String kind = text(node, "kind");
        switch (kind) {
            case "text":
                return new Payload.Text(text(node, "text"), parseMode(node));
            case "album":
                JsonNode items = node.get("items");
                if (items == null || !items.isArray()) {
                    throw new UnreadablePayloadException("album payload has no \"items\" array");
                }
                List<Payload.Media> media = new ArrayList<>();
                for (JsonNode item : items) {
                    media.add(readMedia(item));
                }
                return new Payload.Album(media);
            default:
                return readMedia(node);
        }
    }

    /** Version 2: version 1's kinds with their new fields, the new kinds, and the options of any kind. */
    private static Payload readV2(JsonNode node) throws UnreadablePayloadException {
        String kind = text(node, "kind");
        Payload payload = switch (kind) {
            case "text", "album" -> readV1(node);
            case "location" -> new Payload.Location(number(node, "latitude"), number(node, "longitude"),
                    node.hasNonNull("horizontalAccuracy") ? number(node, "horizontalAccuracy") : null, null);
            case "venue" -> new Payload.Venue(number(node, "latitude"), number(node, "longitude"), text(node, "title"),
                    text(node, "address"), null);
            case "contact" -> new Payload.Contact(text(node, "phoneNumber"), text(node, "firstName"),
                    node.hasNonNull("lastName") ? text(node, "lastName") : null, null);
            case "dice" -> Payload.dice(text(node, "emoji"));
            case "poll" -> {
                JsonNode answers = node.get("answers");
                if (answers == null || !answers.isArray()) {
                    throw new UnreadablePayloadException("poll payload has no \"answers\" array");
                }
                List<String> list = new ArrayList<>();
                for (JsonNode answer : answers) {
                    list.add(answer.asText());
                }
                yield new Payload.Poll(text(node, "question"), list, node.path("anonymous").asBoolean(true),
                        node.path("multipleAnswers").asBoolean(false), null);
            }
            case "copy" -> new Payload.Copy(integer(node, "fromChatId"), integer(node, "messageId"),
                    node.hasNonNull("caption") ? text(node, "caption") : null, parseMode(node),
                    node.path("showCaptionAboveMedia").asBoolean(false), null);
            case "forward" -> Payload.forward(integer(node, "fromChatId"), integer(node, "messageId"));
            case "invoice" -> {
                JsonNode prices = node.get("prices");
                if (prices == null || !prices.isArray()) {
                    throw new UnreadablePayloadException("invoice payload has no \"prices\" array");
                }
                List<Payload.Price> list = new ArrayList<>();
                for (JsonNode price : prices) {
                    list.add(new Payload.Price(text(price, "label"), (int) integer(price, "amount")));
                }
                yield new Payload.Invoice(text(node, "title"), text(node, "description"), text(node, "invoicePayload"),
                        text(node, "currency"), list, optionalText(node, "providerToken"),
                        optionalText(node, "startParameter"), optionalText(node, "photoUrl"), null);
            }
            case "bot_api_call" -> {
                JsonNode parameters = node.get("parameters");
                if (parameters == null || !parameters.isObject()) {
                    throw new UnreadablePayloadException("Bot API call payload has no \"parameters\" object");
                }
                yield new Payload.BotApiCall(text(node, "method"), parameters.toString(), (int) integer(node, "messageCount"));
            }
            default -> readMedia(node);
        };
        JsonNode options = node.get("options");
        return options == null || options.isNull() ? payload : payload.withOptions(SendOptionsCodec.read(options));
    }

    private static double number(JsonNode node, String field) throws UnreadablePayloadException {
        JsonNode value = node.get(field);
        if (value == null || !value.isNumber()) {
            throw new UnreadablePayloadException("payload field \"" + field + "\" is missing or not a number");
        }
        return value.asDouble();
    }

    private static long integer(JsonNode node, String field) throws UnreadablePayloadException {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToLong() || !value.isIntegralNumber()) {
            throw new UnreadablePayloadException("payload field \"" + field + "\" is missing or not an integer");
        }
        return value.asLong();
    }

    private static String optionalText(JsonNode node, String field) throws UnreadablePayloadException {
        return node.hasNonNull(field) ? text(node, field) : null;
    }

    private static Payload.Media readMedia(JsonNode node) throws UnreadablePayloadException {
        String kind = text(node, "kind");
        Payload.MediaKind mediaKind;
        try {
            mediaKind = Payload.MediaKind.valueOf(kind.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UnreadablePayloadException("unknown payload kind \"" + kind + "\"");
        }
        JsonNode caption = node.get("caption");
        // version 1 rows have neither flag, so they read as false, as version 1 sent them
        return new Payload.Media(mediaKind, readSource(node.get("source")),
                caption == null || caption.isNull() ? null : caption.asText(), parseMode(node),
                node.path("hasSpoiler").asBoolean(false), node.path("showCaptionAboveMedia").asBoolean(false), null);
    }

    private static MediaSource readSource(JsonNode source) throws UnreadablePayloadException {
        if (source == null || !source.isObject()) {
            throw new UnreadablePayloadException("media payload has no \"source\" object");
        }
        String type = text(source, "type");
        switch (type) {
            case "file_id":
                return MediaSource.fileId(text(source, "id"));
            case "url":
                return MediaSource.url(text(source, "url"));
            case "bytes":
                try {
                    return MediaSource.bytes(text(source, "fileName"), Base64.getDecoder().decode(text(source, "base64")));
                } catch (IllegalArgumentException e) {
                    if (e instanceof InvalidDeliveryException invalid) {
                        throw invalid;
                    }
                    throw new UnreadablePayloadException("media bytes are not valid base64");
                }
            case "file":
                try {
                    return new MediaSource.File(Path.of(text(source, "path")), text(source, "fileName"));
                } catch (InvalidPathException e) {
                    throw new UnreadablePayloadException("media file path is invalid: " + e.getMessage());
                }
            default:
                throw new UnreadablePayloadException("unknown media source type \"" + type + "\"");
        }
    }

    private static ParseMode parseMode(JsonNode node) throws UnreadablePayloadException {
        String name = text(node, "parseMode");
        try {
            return ParseMode.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new UnreadablePayloadException("unknown parse mode \"" + name + "\"");
        }
    }

    static String text(JsonNode node, String field) throws UnreadablePayloadException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new UnreadablePayloadException("payload field \"" + field + "\" is missing or not a string");
        }
        return value.asText();
    }
}
