package io.botdelivery.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Raw Bot API calls to a simulator with the JDK's HTTP client, in each encoding Telegram accepts. */
final class BotApiCalls {
    static final ObjectMapper JSON = new ObjectMapper();

    /** An answer: HTTP status, and the body as JSON (null when it is not JSON). */
    record Answer(int status, JsonNode json, String raw) {
        boolean ok() {
            return json != null && json.path("ok").asBoolean(false);
        }

        JsonNode result() {
            return json.get("result");
        }

        String description() {
            return json.path("description").asText();
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final String token;

    BotApiCalls(TelegramSimulator simulator) {
        this(simulator, simulator.token());
    }

    BotApiCalls(TelegramSimulator simulator, String token) {
        this.base = simulator.baseUrl();
        this.token = token;
    }

    Answer json(String method, Map<String, ?> params) {
        try {
            return send(request(method).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(params))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Answer form(String method, Map<String, String> params) {
        StringBuilder body = new StringBuilder();
        params.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&")
                .append(java.net.URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return send(request(method).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    Answer get(String methodAndQuery) {
        return send(HttpRequest.newBuilder(base.resolve("/bot" + token + "/" + methodAndQuery)).GET());
    }

    /** A multipart call; {@code files} maps part names to file names and contents, as TelegramBots sends them. */
    Answer multipart(String method, Map<String, String> fields, Map<String, Map.Entry<String, byte[]>> files) {
        String boundary = "b0undary-" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        files.forEach((part, file) -> {
            write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part + "\"; filename=\""
                    + file.getKey() + "\"\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                    + file.getValue().length + "\r\n\r\n");
            body.writeBytes(file.getValue());
            write(body, "\r\n");
        });
        fields.forEach((name, value) -> write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\""
                + name + "\"\r\n\r\n" + value + "\r\n"));
        write(body, "--" + boundary + "--\r\n");
        return send(request(method).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    Answer text(long chatId, String text) {
        return json("sendMessage", Map.of("chat_id", chatId, "text", text));
    }

    static Map<String, Object> params(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private HttpRequest.Builder request(String method) {
        return HttpRequest.newBuilder(base.resolve("/bot" + token + "/" + method)).timeout(Duration.ofSeconds(30));
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = JSON.readTree(response.body());
            } catch (IOException notJson) {
                // an nginx page: keep the raw text only
            }
            return new Answer(response.statusCode(), json, response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
