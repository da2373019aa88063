package io.botdelivery.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.Set;

/** Dispatches a Bot API method (lower-case name) to its handler and returns Telegram's whole answer. */
final class BotApi {
    static final Set<String> METHODS = Set.of("getme", "sendmessage", "sendphoto", "sendvideo", "sendanimation",
            "senddocument", "sendaudio", "sendsticker", "sendvoice", "sendvideonote", "sendlocation", "sendvenue",
            "sendcontact", "senddice", "sendpoll", "copymessage", "forwardmessage", "sendmediagroup", "sendchataction", "sendinvoice", "answerprecheckoutquery",
            "getupdates", "setwebhook", "deletewebhook", "getwebhookinfo", "getfile");

    private final Shapes shapes;
    private final SendMethods sends;
    private final SimulatedUpdates updates;
    private final SimulatedFiles files;

    BotApi(Shapes shapes, SendMethods sends, SimulatedUpdates updates, SimulatedFiles files) {
        this.shapes = shapes;
        this.sends = sends;
        this.updates = updates;
        this.files = files;
    }

    static boolean knows(String method) {
        return METHODS.contains(method);
    }

    /**
     * @throws BotApiError with Telegram's error answer
     */
    ObjectNode call(String method, CallParams params, Fault fault, boolean answerLost) throws InterruptedException {
        if (SendMethods.isSend(method)) {
            return Shapes.ok(sends.send(method, params, fault, answerLost));
        }
        return switch (method) {
            case "getme" -> Shapes.ok(shapes.bot());
            case "sendchataction" -> Shapes.ok(sends.chatAction(params));
            case "answerprecheckoutquery" -> {
                updates.answer(params.get("pre_checkout_query_id"), params.flag("ok"), params.get("error_message"));
                yield Shapes.ok(bool(true));
            }
            case "getupdates" -> Shapes.ok(updates.poll(longParam(params, "offset", 0),
                    (int) Math.max(1, Math.min(100, longParam(params, "limit", 100))),
                    Duration.ofSeconds(Math.max(0, Math.min(50, longParam(params, "timeout", 0))))));
            case "setwebhook" -> {
                updates.webhook(params.get("url"));
                yield Shapes.ok(bool(true), params.has("url") ? "Webhook was set" : "Webhook was deleted");
            }
            case "deletewebhook" -> {
                boolean wasSet = !updates.webhookUrl().isEmpty();
                updates.webhook("");
                yield Shapes.ok(bool(true), wasSet ? "Webhook was deleted" : "Webhook is already deleted");
            }
            case "getwebhookinfo" -> {
                ObjectNode info = Shapes.JSON.createObjectNode();
                info.put("url", updates.webhookUrl());
                info.put("has_custom_certificate", false);
                info.put("pending_update_count", updates.pendingCount());
                yield Shapes.ok(info);
            }
            case "getfile" -> Shapes.ok(Shapes.fileInfo(files.find(String.valueOf(params.get("file_id")))
                    .orElseThrow(() -> BotApiError.badRequest("invalid file_id"))));
            default -> throw new BotApiError(404, "Not Found", java.util.Map.of());
        };
    }

    private static JsonNode bool(boolean value) {
        return Shapes.JSON.getNodeFactory().booleanNode(value);
    }

    private static long longParam(CallParams params, String name, long fallback) {
        if (!params.has(name)) {
            return fallback;
        }
        try {
            return Long.parseLong(params.get(name).trim());
        } catch (NumberFormatException e) {
            throw BotApiError.badRequest("wrong parameter " + name);
        }
    }
}
