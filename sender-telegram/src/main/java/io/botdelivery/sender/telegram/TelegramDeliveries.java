package io.botdelivery.sender.telegram;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.InvalidDeliveryException;
import io.botdelivery.api.Payload;
import org.telegram.telegrambots.meta.api.methods.botapimethods.BotApiMethod;
import org.telegram.telegrambots.meta.api.methods.botapimethods.PartialBotApiMethod;
import org.telegram.telegrambots.meta.api.methods.send.SendMediaBotMethod;
import org.telegram.telegrambots.meta.api.objects.InputFile;
import org.telegram.telegrambots.meta.api.objects.media.InputMedia;

import java.lang.reflect.Field;
import java.util.Collection;

/**
 * Deliveries from TelegramBots methods: {@code engine.submit(TelegramDeliveries.of(chatId, sendMethod))} sends any
 * TelegramBots send method through the engine, including methods this project has no payload kind for. The method is
 * serialized with TelegramBots' own Jackson annotations (the exact Bot API JSON it would post) into a
 * {@link Payload.BotApiCall}: durable in every store, and sent by {@link TelegramSender}.
 *
 * <p>Weight and scope come from the parameters: an album counts its {@code media} items, and
 * {@code allow_paid_broadcast: true} puts the delivery in the paid lane. Files must be file ids or URLs: a new upload
 * ({@code new InputFile(file)} / a stream) is refused, since its bytes would not survive in a store; use
 * {@link Payload#photo} and the other kinds with {@code MediaSource.bytes} or {@code MediaSource.file} for uploads.
 */
public final class TelegramDeliveries {
    /** TelegramBots' serialization settings (it posts methods with a plain mapper and its annotations). */
    private static final ObjectMapper JSON = new ObjectMapper();

    private TelegramDeliveries() {
    }

    /** A delivery of {@code method} to {@code chatId} with the request defaults. */
    public static DeliveryRequest of(long chatId, PartialBotApiMethod<?> method) {
        return builder(chatId, method).build();
    }

    /** A request builder (priority, idempotency key, ordering key…) for {@code method} to {@code chatId}. */
    public static DeliveryRequest.Builder builder(long chatId, PartialBotApiMethod<?> method) {
        Payload.BotApiCall call = payload(method);
        boolean paid = parameters(call).path("allow_paid_broadcast").asBoolean(false);
        return DeliveryRequest.builder(chatId, call).allowPaidBroadcast(paid);
    }

    /** The payload alone: the method's name, its Bot API JSON and the messages it counts. */
    public static Payload.BotApiCall payload(PartialBotApiMethod<?> method) {
        refuseUploads(method);
        ObjectNode json = JSON.valueToTree(method);
        json.remove("method");
        if (!(method instanceof BotApiMethod<?>)) {
            json = botApiNames(json);
        }
        if (method instanceof SendMediaBotMethod<?>) {
            // getFile() and getFileField() are TelegramBots' multipart plumbing, not Bot API parameters: the file is
            // already under its own name (sticker, photo…); posted, they would reach Telegram as unknown fields
            json.remove("file");
            json.remove("file_field");
        }
        JsonNode media = json.get("media");
        int count = media != null && media.isArray() ? media.size() : 1;
        try {
            return new Payload.BotApiCall(method.getMethod(), JSON.writeValueAsString(json), count);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialize " + method.getMethod(), e);
        }
    }

    /**
     * TelegramBots posts its upload-capable methods (SendPhoto, SendMediaGroup…) as multipart forms named by constants,
     * and gives their top-level fields no Jackson names: Jackson writes {@code chatId}, {@code replyMarkup},
     * {@code medias}. Their nested objects (markup, InputMedia) are annotated. So the top-level names are turned into the
     * Bot API's: snake_case, and {@code medias} into {@code media}.
     */
    private static ObjectNode botApiNames(ObjectNode json) {
        ObjectNode renamed = JSON.createObjectNode();
        json.fields().forEachRemaining(e -> {
            String name = e.getKey().equals("medias") ? "media" : e.getKey().replaceAll("([a-z0-9])([A-Z])", "$1_$2")
                    .toLowerCase(java.util.Locale.ROOT);
            renamed.set(name, e.getValue());
        });
        return renamed;
    }

    private static JsonNode parameters(Payload.BotApiCall call) {
        try {
            return JSON.readTree(call.parametersJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("serialized parameters are not JSON", e);
        }
    }

    /**
     * Looks through the method's fields (and an album's {@code InputMedia}) for a new upload. Reflection, because
     * TelegramBots has no common accessor for the file of its many send methods.
     */
    private static void refuseUploads(Object method) {
        for (Class<?> c = method.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                Object value;
                try {
                    field.setAccessible(true);
                    value = field.get(method);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    continue;
                }
                if (value instanceof InputFile file && file.isNew()) {
                    throw upload(field.getName());
                }
                if (value instanceof Collection<?> items) {
                    for (Object item : items) {
                        if (item instanceof InputMedia m && m.isNewMedia()) {
                            throw upload(field.getName());
                        }
                    }
                }
            }
        }
    }

    private static InvalidDeliveryException upload(String field) {
        return new InvalidDeliveryException("payload." + field, "a new upload cannot be stored as a Bot API call; use "
                + "Payload.photo(MediaSource.bytes(…)) and the other kinds for uploads, or send a file_id or URL");
    }
}
