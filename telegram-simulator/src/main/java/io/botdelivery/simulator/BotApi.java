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
                boolean set = updates.setWebhook(params.get("url"), params.get("secret_token"), params.get("allowed_updates"),
                        params.flag("drop_pending_updates"));
                yield Shapes.ok(bool(true), set ? "Webhook was set" : "Webhook was deleted");
            }
            case "deletewebhook" -> {
                boolean wasSet = updates.deleteWebhook(params.flag("drop_pending_updates"));
                yield Shapes.ok(bool(true), wasSet ? "Webhook was deleted" : "Webhook is already deleted");
            }
            case "getwebhookinfo" -> Shapes.ok(updates.webhookInfo());
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
