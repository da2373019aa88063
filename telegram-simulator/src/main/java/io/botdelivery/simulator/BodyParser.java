package io.botdelivery.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a Bot API call's parameters from a query string and a body in any of the encodings Telegram accepts: JSON,
 * {@code application/x-www-form-urlencoded} and {@code multipart/form-data} (file parts become uploads, referenced
 * from other parameters as {@code attach://<part name>}).
 */
final class BodyParser {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BodyParser() {
    }

    /**
     * @throws BotApiError 400 if the body cannot be read in its declared encoding
     */
    static CallParams parse(Map<String, String> query, String contentType, byte[] body) {
        Map<String, String> values = new HashMap<>(query);
        Map<String, CallParams.Upload> uploads = new HashMap<>();
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (body.length == 0) {
            return new CallParams(values, uploads);
        }
        if (type.startsWith("application/json")) {
            readJson(body, values);
        } else if (type.startsWith("application/x-www-form-urlencoded")) {
            readForm(new String(body, StandardCharsets.UTF_8), values);
        } else if (type.startsWith("multipart/form-data")) {
            readMultipart(body, boundary(contentType), values, uploads);
        } else {
            throw BotApiError.badRequest("unsupported content type " + contentType);
        }
        return new CallParams(values, uploads);
    }

    static void readForm(String form, Map<String, String> values) {
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            values.put(name, value);
        }
    }

    private static void readJson(byte[] body, Map<String, String> values) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw BotApiError.badRequest("can't parse JSON object");
        }
        if (root == null || !root.isObject()) {
            throw BotApiError.badRequest("JSON object expected");
        }
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            JsonNode v = field.getValue();
            if (!v.isNull()) {
                values.put(field.getKey(), v.isTextual() ? v.asText() : v.toString());
            }
        }
    }

    private static String boundary(String contentType) {
        for (String part : contentType.split(";")) {
            String p = part.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String b = p.substring("boundary=".length());
                return b.startsWith("\"") && b.endsWith("\"") ? b.substring(1, b.length() - 1) : b;
            }
        }
        throw BotApiError.badRequest("multipart body without boundary");
    }

    private static void readMultipart(byte[] body, String boundary, Map<String, String> values,
                                      Map<String, CallParams.Upload> uploads) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int pos = indexOf(body, delimiter, 0);
        if (pos < 0) {
            throw BotApiError.badRequest("multipart body without parts");
        }
        while (true) {
            int afterDelimiter = pos + delimiter.length;
            if (afterDelimiter + 1 < body.length && body[afterDelimiter] == '-' && body[afterDelimiter + 1] == '-') {
                return; // closing delimiter
            }
            int headersStart = skipLineBreak(body, afterDelimiter);
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
            if (headersEnd < 0) {
                throw BotApiError.badRequest("malformed multipart part");
            }
            String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
            int contentStart = headersEnd + 4;
            int next = indexOf(body, delimiter, contentStart);
            if (next < 0) {
                throw BotApiError.badRequest("multipart body is not closed");
            }
            int contentEnd = next - 2; // the CRLF before the delimiter belongs to it
            if (contentEnd < contentStart || body[contentEnd] != '\r' || body[contentEnd + 1] != '\n') {
                throw BotApiError.badRequest("malformed multipart part");
            }
            byte[] content = Arrays.copyOfRange(body, contentStart, contentEnd);
            String name = dispositionValue(headers, "name");
            String fileName = dispositionValue(headers, "filename");
            if (name == null) {
                throw BotApiError.badRequest("multipart part without a name");
            }
            if (fileName != null) {
                uploads.put(name, new CallParams.Upload(fileName, content));
            } else {
                values.put(name, new String(content, StandardCharsets.UTF_8));
            }
            pos = next;
        }
    }

    private static int skipLineBreak(byte[] body, int at) {
        return at + 1 < body.length && body[at] == '\r' && body[at + 1] == '\n' ? at + 2 : at;
    }

    /** A parameter of the Content-Disposition header, e.g. {@code name} or {@code filename}. */
    private static String dispositionValue(String headers, String parameter) {
        for (String line : headers.split("\r\n")) {
            if (!line.toLowerCase(Locale.ROOT).startsWith("content-disposition:")) {
                continue;
            }
            for (String piece : line.substring(line.indexOf(':') + 1).split(";")) {
                String p = piece.trim();
                int eq = p.indexOf('=');
                if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase(parameter)) {
                    String v = p.substring(eq + 1).trim();
                    return v.startsWith("\"") && v.endsWith("\"") && v.length() >= 2 ? v.substring(1, v.length() - 1) : v;
                }
            }
        }
        return null;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
