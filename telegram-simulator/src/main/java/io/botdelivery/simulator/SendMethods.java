package io.botdelivery.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The methods that send messages: validate like Telegram, check the chat and the limits, then accept, all under one
 * lock so limits, message ids and the record agree.
 */
final class SendMethods {
    /** Send methods by lower-case name, with the parameter that carries their file. */
    static final Map<String, String> MEDIA_METHODS = Map.of(
            "sendphoto", "photo", "sendvideo", "video", "sendanimation", "animation", "senddocument", "document",
            "sendaudio", "audio", "sendsticker", "sticker", "sendvoice", "voice", "sendvideonote", "video_note");
    static final Set<String> ALL = Set.of("sendmessage", "sendphoto", "sendvideo", "sendanimation", "senddocument",
            "sendaudio", "sendsticker", "sendvoice", "sendvideonote", "sendmediagroup", "sendinvoice", "sendlocation",
            "sendvenue", "sendcontact", "senddice", "sendpoll", "copymessage", "forwardmessage");
    /** The methods whose message has no caption: Telegram ignores one, so the record keeps none. */
    private static final Set<String> NO_CAPTION = Set.of("sticker", "video_note");
    private static final Set<String> CHAT_ACTIONS = Set.of("typing", "upload_photo", "record_video", "upload_video",
            "record_voice", "upload_voice", "upload_document", "choose_sticker", "find_location", "record_video_note",
            "upload_video_note");

    /** Where one message's file comes from, checked but not yet stored. */
    private sealed interface Source {
        record None() implements Source {
        }

        record Upload(CallParams.Upload upload) implements Source {
        }

        record ById(SimulatedFiles.StoredFile file) implements Source {
        }

        record ByUrl(String url) implements Source {
        }
    }

    /** One message of a call, validated. */
    private record Item(String kind, String text, Source source, ObjectNode extra) {
    }

    private final Object lock = new Object();
    private final SimulatedChats chats;
    private final SimulatedFiles files;
    private final SimulatedLimits limits;
    private final SimulatorRecord record;
    private final Shapes shapes;
    private final Clock clock;
    private final AtomicLong sendIds = new AtomicLong();
    private final AtomicLong mediaGroupIds = new AtomicLong(13_598_246_153_498_000L);

    SendMethods(SimulatedChats chats, SimulatedFiles files, SimulatedLimits limits, SimulatorRecord record,
                Shapes shapes, Clock clock) {
        this.chats = chats;
        this.files = files;
        this.limits = limits;
        this.record = record;
        this.shapes = shapes;
        this.clock = clock;
    }

    static boolean isSend(String method) {
        return ALL.contains(method);
    }

    /** The item count of a sendMediaGroup call (0 if unreadable), for drawing album faults. */
    static int albumSize(String method, CallParams params) {
        if (!method.equals("sendmediagroup") || !params.has("media")) {
            return 0;
        }
        try {
            JsonNode media = Shapes.JSON.readTree(params.get("media"));
            return media.isArray() ? media.size() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Handles one send call.
     *
     * @param fault       {@link Fault.PartialAlbum} to fail an album part-way, or anything else (ignored here)
     * @param answerLost  the connection will be dropped after acceptance (recorded on the messages)
     * @return the sent Message, or the array of an album's Messages
     * @throws BotApiError with Telegram's answer when the send is refused
     */
    JsonNode send(String method, CallParams params, Fault fault, boolean answerLost) {
        long chatId = params.chatId();
        boolean paid = params.flag("allow_paid_broadcast");
        SendRules.checkCommon(method, params);
        List<Item> items = switch (method) {
            case "sendmessage" -> List.of(textItem(params));
            case "sendmediagroup" -> albumItems(params);
            case "sendinvoice" -> List.of(invoiceItem(params));
            case "sendlocation", "sendvenue", "sendcontact", "senddice", "sendpoll" -> {
                ObjectNode content = SendRules.content(method, params);
                String kind = method.substring("send".length());
                yield List.of(new Item(kind, SendRules.textOf(kind, content), new Source.None(), content));
            }
            case "copymessage", "forwardmessage" -> List.of(sourcedItem(method, params));
            default -> List.of(mediaItem(method, params));
        };
        boolean album = method.equals("sendmediagroup");
        Fault.PartialAlbum partial = album && fault instanceof Fault.PartialAlbum p ? p : null;
        Fault.PartialAlbumRateLimited limited = album && fault instanceof Fault.PartialAlbumRateLimited l ? l : null;
        if (limited != null) {
            partial = new Fault.PartialAlbum(limited.failingItem(), "Too Many Requests: retry after "
                    + limited.retryAfterSeconds());
        }
        List<ObjectNode> sent = accept(chatId, paid, items, album, partial, answerLost, params.recordable());
        if (limited != null) {
            synchronized (lock) {
                Instant at = clock.instant();
                limits.ban(chatId, limited.retryAfterSeconds(), at.getEpochSecond() * 1_000_000_000L + at.getNano());
            }
            throw BotApiError.tooManyRequests(WindowScope.chat(chatId), limited.retryAfterSeconds());
        }
        if (partial != null) {
            int failing = Math.min(partial.failingItem(), items.size());
            throw BotApiError.badRequest("failed to send message #" + failing + " with the error message \""
                    + partial.innerError() + "\"");
        }
        if (method.equals("copymessage")) {
            // copyMessage answers a MessageId, not a Message
            ObjectNode id = Shapes.JSON.createObjectNode();
            id.put("message_id", sent.get(0).get("message_id").asLong());
            return id;
        }
        if (method.equals("sendmediagroup")) {
            ArrayNode array = Shapes.JSON.createArrayNode();
            sent.forEach(array::add);
            return array;
        }
        return sent.get(0);
    }

    /** sendChatAction: the chat must be reachable; nothing is recorded. */
    JsonNode chatAction(CallParams params) {
        long chatId = params.chatId();
        String action = params.get("action");
        if (action == null || !CHAT_ACTIONS.contains(action)) {
            throw BotApiError.badRequest("wrong parameter action in request");
        }
        chats.sendable(chatId);
        return Shapes.JSON.getNodeFactory().booleanNode(true);
    }

    private List<ObjectNode> accept(long chatId, boolean paid, List<Item> items, boolean album,
                                    Fault.PartialAlbum partial, boolean answerLost, Map<String, String> parameters) {
        synchronized (lock) {
            SimulatedChats.Chat chat = chats.sendable(chatId);
            Instant at = clock.instant();
            long now = at.getEpochSecond() * 1_000_000_000L + at.getNano();
            SimulatedLimits.Verdict verdict = limits.check(chatId, paid, items.size(), now);
            if (!verdict.allowed()) {
                throw BotApiError.tooManyRequests(verdict.scope(), verdict.retryAfterSeconds());
            }
            int delivered = partial == null ? items.size() : Math.min(partial.failingItem(), items.size()) - 1;
            limits.record(chatId, paid, delivered, now);
            long firstId = chat.nextMessageIds(delivered);
            long sendId = sendIds.incrementAndGet();
            String mediaGroupId = album ? String.valueOf(mediaGroupIds.incrementAndGet()) : null;
            List<ObjectNode> sent = new ArrayList<>();
            List<AcceptedMessage> accepted = new ArrayList<>();
            for (int i = 0; i < delivered; i++) {
                Item item = items.get(i);
                ObjectNode message = shapes.sentMessage(chat, firstId + i, at.getEpochSecond());
                String fileId = null;
                AcceptedMessage.Origin origin = AcceptedMessage.Origin.NONE;
                String fileName = null;
                switch (item.kind()) {
                    case "text" -> message.put("text", item.text());
                    case "invoice", "location", "venue", "contact", "dice", "poll" -> message.set(item.kind(), item.extra());
                    case "copy", "forward" -> {
                        if (item.text() != null) {
                            message.put("caption", item.text());
                        }
                    }
                    default -> {
                        SimulatedFiles.StoredFile file = store(item);
                        SimulatedFiles.StoredFile thumbnail = item.kind().equals("photo")
                                ? files.register("photo", Math.max(1, file.size() / 10), null) : null;
                        Shapes.attachFile(message, item.kind(), file, thumbnail);
                        if (item.text() != null && !item.text().isEmpty()) {
                            message.put("caption", item.text());
                        }
                        fileId = file.fileId();
                        origin = origin(item.source());
                        fileName = item.source() instanceof Source.Upload u ? u.upload().fileName() : null;
                    }
                }
                if (mediaGroupId != null) {
                    message.put("media_group_id", mediaGroupId);
                }
                sent.add(message);
                accepted.add(new AcceptedMessage(sendId, chatId, firstId + i, item.kind(), item.text(), fileId, origin,
                        fileName, mediaGroupId, album ? i + 1 : 0, paid, answerLost, at, parameters));
            }
            record.accepted(accepted);
            return sent;
        }
    }

    private SimulatedFiles.StoredFile store(Item item) {
        Source source = item.source();
        if (source instanceof Source.ById byId) {
            return byId.file();
        }
        if (source instanceof Source.ByUrl byUrl) {
            return files.byUrl(item.kind(), byUrl.url());
        }
        CallParams.Upload upload = ((Source.Upload) source).upload();
        return files.register(item.kind(), upload.content().length, upload.fileName());
    }

    private static AcceptedMessage.Origin origin(Source source) {
        if (source instanceof Source.Upload) {
            return AcceptedMessage.Origin.UPLOAD;
        }
        if (source instanceof Source.ById) {
            return AcceptedMessage.Origin.FILE_ID;
        }
        return source instanceof Source.ByUrl ? AcceptedMessage.Origin.URL : AcceptedMessage.Origin.NONE;
    }

    private static Item textItem(CallParams params) {
        String text = params.get("text");
        TextRules.checkText(text, params.get("parse_mode"));
        return new Item("text", text, new Source.None(), null);
    }

    private Item mediaItem(String method, CallParams params) {
        String field = MEDIA_METHODS.get(method);
        String caption = NO_CAPTION.contains(field) ? null : params.get("caption");
        TextRules.checkCaption(caption, params.get("parse_mode"));
        CallParams.Upload direct = params.uploadNamed(field);
        if (direct == null && field.equals("video_note") && params.get(field) != null
                && params.get(field).matches("(?i)https?://.*")) {
            // Telegram: "Sending video notes by a URL is currently unsupported"
            throw BotApiError.badRequest("wrong file identifier/HTTP URL specified");
        }
        Source source = direct != null ? new Source.Upload(checkUpload(direct)) : source(field, params.get(field), params);
        return new Item(field, emptyToNull(caption), source, null);
    }

    /** copyMessage / forwardMessage: the source must be a message the simulator sent to that chat. */
    private Item sourcedItem(String method, CallParams params) {
        String verb = method.equals("copymessage") ? "copy" : "forward";
        long from;
        long messageId;
        try {
            from = Long.parseLong(String.valueOf(params.get("from_chat_id")).trim());
            messageId = Long.parseLong(String.valueOf(params.get("message_id")).trim());
        } catch (NumberFormatException e) {
            throw BotApiError.badRequest("message to " + verb + " not found");
        }
        if (messageId <= 0 || messageId > chats.lastMessageIdIn(from)) {
            throw BotApiError.badRequest("message to " + verb + " not found");
        }
        String caption = verb.equals("copy") ? params.get("caption") : null;
        TextRules.checkCaption(caption, params.get("parse_mode"));
        return new Item(verb, emptyToNull(caption), new Source.None(), null);
    }

    private List<Item> albumItems(CallParams params) {
        JsonNode media;
        try {
            media = Shapes.JSON.readTree(params.has("media") ? params.get("media") : "null");
        } catch (IOException e) {
            throw BotApiError.badRequest("can't parse media JSON object");
        }
        if (media == null || !media.isArray()) {
            throw BotApiError.badRequest("can't parse media JSON object");
        }
        if (media.size() > 10) {
            throw BotApiError.badRequest("too much messages to send as an album");
        }
        if (media.size() < 2) {
            throw BotApiError.badRequest("there must be at least 2 messages in an album");
        }
        List<Item> items = new ArrayList<>();
        Set<String> kinds = new java.util.HashSet<>();
        for (JsonNode m : media) {
            String type = m.path("type").asText("");
            if (!Set.of("photo", "video", "document", "audio").contains(type)) {
                throw BotApiError.badRequest("can't parse InputMedia: unsupported media type \"" + type + "\"");
            }
            kinds.add(type);
            String caption = m.hasNonNull("caption") ? m.get("caption").asText() : null;
            TextRules.checkCaption(caption, m.hasNonNull("parse_mode") ? m.get("parse_mode").asText() : null);
            items.add(new Item(type, emptyToNull(caption), source(type, m.path("media").asText(null), params), null));
        }
        if (kinds.contains("document") && kinds.size() > 1) {
            throw BotApiError.badRequest("document can't be mixed with other media types");
        }
        if (kinds.contains("audio") && kinds.size() > 1) {
            throw BotApiError.badRequest("audio can't be mixed with other media types");
        }
        return items;
    }

    private static Item invoiceItem(CallParams params) {
        String title = required(params, "title", 1, 32);
        String description = required(params, "description", 1, 255);
        required(params, "payload", 1, 128);
        String currency = required(params, "currency", 3, 3);
        int total = 0;
        try {
            JsonNode prices = Shapes.JSON.readTree(params.has("prices") ? params.get("prices") : "[]");
            if (!prices.isArray() || prices.isEmpty()) {
                throw BotApiError.badRequest("prices must be non-empty");
            }
            for (JsonNode price : prices) {
                total += price.path("amount").asInt();
            }
        } catch (IOException e) {
            throw BotApiError.badRequest("can't parse prices JSON object");
        }
        if (total <= 0) {
            throw BotApiError.badRequest("CURRENCY_TOTAL_AMOUNT_INVALID");
        }
        ObjectNode invoice = Shapes.JSON.createObjectNode();
        invoice.put("title", title);
        invoice.put("description", description);
        invoice.put("start_parameter", params.has("start_parameter") ? params.get("start_parameter") : "");
        invoice.put("currency", currency.toUpperCase(Locale.ROOT));
        invoice.put("total_amount", total);
        return new Item("invoice", title, new Source.None(), invoice);
    }

    private static String required(CallParams params, String name, int min, int max) {
        String value = params.get(name);
        if (value == null || value.isEmpty()) {
            throw BotApiError.badRequest("parameter \"" + name + "\" is required");
        }
        if (value.length() < min || value.length() > max) {
            throw BotApiError.badRequest(name.toUpperCase(Locale.ROOT) + "_INVALID");
        }
        return value;
    }

    /** Resolves a file parameter: {@code attach://} upload, http(s) URL, or a file id Telegram must know. */
    private Source source(String kind, String reference, CallParams params) {
        if (reference == null || reference.isEmpty()) {
            throw BotApiError.badRequest("there is no " + kind + " in the request");
        }
        if (reference.startsWith("attach://")) {
            return new Source.Upload(checkUpload(params.attached(reference)));
        }
        if (reference.startsWith("http://") || reference.startsWith("https://")) {
            files.checkUrl(reference);
            return new Source.ByUrl(reference);
        }
        return new Source.ById(files.byId(reference));
    }

    private static CallParams.Upload checkUpload(CallParams.Upload upload) {
        if (upload.content().length == 0) {
            throw BotApiError.badRequest("file must be non-empty");
        }
        return upload;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
