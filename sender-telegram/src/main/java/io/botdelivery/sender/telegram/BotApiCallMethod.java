package io.botdelivery.sender.telegram;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.botdelivery.api.Payload;
import org.telegram.telegrambots.meta.api.methods.botapimethods.BotApiMethod;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Payload.BotApiCall} as a TelegramBots method: TelegramBots' client posts it as JSON like any other method,
 * so the call goes through the same HTTP client, interceptors and error classification as the typed payloads.
 */
final class BotApiCallMethod extends BotApiMethod<BotApiCallMethod.SentIds> {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The message ids in Telegram's answer (a Message, an array of them, a MessageId, or none for {@code true}), and the
     * answer's text as Telegram sent it, from which the original TelegramBots method reads its typed result.
     */
    record SentIds(List<Long> ids, String answer) implements Serializable {
    }

    private final String method;
    private final transient Map<String, JsonNode> parameters;

    /** The call's parameters with {@code chat_id} set to {@code chatId}, the delivery's chat after any migration. */
    BotApiCallMethod(long chatId, Payload.BotApiCall call) {
        this.method = call.method();
        ObjectNode params;
        try {
            JsonNode parsed = JSON.readTree(call.parametersJson());
            if (parsed == null || !parsed.isObject()) {
                throw new IllegalArgumentException("the parameters of a " + call.method() + " call are not a JSON object");
            }
            params = (ObjectNode) parsed;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the parameters of a " + call.method() + " call are not JSON: "
                    + e.getOriginalMessage(), e);
        }
        params.put("chat_id", chatId);
        Map<String, JsonNode> copy = new LinkedHashMap<>();
        params.fields().forEachRemaining(e -> copy.put(e.getKey(), e.getValue()));
        this.parameters = copy;
    }

    @Override
    public String getMethod() {
        return method;
    }

    /** Serialized by TelegramBots' Jackson as the body's top-level fields, next to its {@code method}. */
    @JsonAnyGetter
    Map<String, JsonNode> parameters() {
        return parameters;
    }

    @Override
    public SentIds deserializeResponse(String answer) throws TelegramApiRequestException {
        try {
            JsonNode result = JSON.readTree(answer).path("result");
            List<Long> ids = new ArrayList<>();
            if (result.isArray()) {
                result.forEach(m -> ids.add(m.path("message_id").asLong()));
            } else if (result.has("message_id")) {
                ids.add(result.get("message_id").asLong());
            }
            return new SentIds(List.copyOf(ids), answer);
        } catch (JsonProcessingException e) {
            throw new TelegramApiRequestException("Unable to deserialize response", e);
        }
    }
}
