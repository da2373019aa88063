package io.botdelivery.store.postgres;

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
 * The stored form of a {@link Payload}: JSON with a format version, written and read by hand so the API records stay
 * free of serialization annotations and the stored format changes only on purpose.
 *
 * <pre>
 * {"v": 1, "kind": "text",  "text": "…", "parseMode": "HTML"}
 * {"v": 1, "kind": "photo", "source": {"type": "file_id", "id": "…"}, "caption": "…", "parseMode": "PLAIN"}
 * {"v": 1, "kind": "album", "items": [{"kind": "photo", "source": …, "caption": …, "parseMode": …}, …]}
 * sources: {"type": "file_id", "id"} | {"type": "url", "url"} | {"type": "bytes", "fileName", "base64"}
 *        | {"type": "file", "path", "fileName"}
 * </pre>
 *
 * A newer version must keep reading every older {@code v}; a row with a {@code v} this version does not know is
 * reported unreadable, never guessed at.
 */
final class PayloadJson {
    /** The format version this code writes. */
    static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private PayloadJson() {
    }

    static String write(Payload payload) {
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
        } else {
            throw new IllegalArgumentException("unknown payload type " + payload.getClass().getName());
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
    }

    /** Reads a stored payload, or says precisely why it cannot. */
    static Payload read(String json) throws UnreadableDeliveryException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UnreadableDeliveryException("payload is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new UnreadableDeliveryException("payload is not a JSON object");
        }
        JsonNode version = root.get("v");
        if (version == null || !version.canConvertToInt()) {
            throw new UnreadableDeliveryException("payload has no format version (\"v\")");
        }
        if (version.asInt() != VERSION) {
            throw new UnreadableDeliveryException("payload format version " + version.asInt() + " is unknown to this "
                    + "version of store-postgres (it reads version " + VERSION + "); it was written by a newer version "
                    + "or corrupted");
        }
        try {
            return readV1(root);
        } catch (InvalidDeliveryException e) {
            throw new UnreadableDeliveryException("payload is no longer valid: " + e.getMessage(), e);
        }
    }

    private static Payload readV1(JsonNode node) throws UnreadableDeliveryException {
        String kind = text(node, "kind");
        switch (kind) {
            case "text":
                return new Payload.Text(text(node, "text"), parseMode(node));
            case "album":
                JsonNode items = node.get("items");
                if (items == null || !items.isArray()) {
                    throw new UnreadableDeliveryException("album payload has no \"items\" array");
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

    private static Payload.Media readMedia(JsonNode node) throws UnreadableDeliveryException {
        String kind = text(node, "kind");
        Payload.MediaKind mediaKind;
        try {
            mediaKind = Payload.MediaKind.valueOf(kind.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UnreadableDeliveryException("unknown payload kind \"" + kind + "\"");
        }
        JsonNode caption = node.get("caption");
        return new Payload.Media(mediaKind, readSource(node.get("source")),
                caption == null || caption.isNull() ? null : caption.asText(), parseMode(node));
    }

    private static MediaSource readSource(JsonNode source) throws UnreadableDeliveryException {
        if (source == null || !source.isObject()) {
            throw new UnreadableDeliveryException("media payload has no \"source\" object");
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
                    throw new UnreadableDeliveryException("media bytes are not valid base64");
                }
            case "file":
                try {
                    return new MediaSource.File(Path.of(text(source, "path")), text(source, "fileName"));
                } catch (InvalidPathException e) {
                    throw new UnreadableDeliveryException("media file path is invalid: " + e.getMessage());
                }
            default:
                throw new UnreadableDeliveryException("unknown media source type \"" + type + "\"");
        }
    }

    private static ParseMode parseMode(JsonNode node) throws UnreadableDeliveryException {
        String name = text(node, "parseMode");
        try {
            return ParseMode.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new UnreadableDeliveryException("unknown parse mode \"" + name + "\"");
        }
    }

    private static String text(JsonNode node, String field) throws UnreadableDeliveryException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new UnreadableDeliveryException("payload field \"" + field + "\" is missing or not a string");
        }
        return value.asText();
    }
}
