package io.botdelivery.sender.telegram;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.Payload;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The admin messages: plain text (no markup that Telegram could refuse), short, and saying what to do next. */
final class AlertText {
    private static final int MAX_ERROR = 1500;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private AlertText() {
    }

    static String failed(Delivery d) {
        StringBuilder text = new StringBuilder("⚠️ Delivery FAILED\n");
        text.append("Delivery: ").append(d.id()).append('\n');
        text.append("Chat: ").append(d.chatId());
        if (d.chatId() != d.request().chatId()) {
            text.append(" (migrated from ").append(d.request().chatId()).append(')');
        }
        text.append('\n');
        if (d.request().businessReference() != null) {
            text.append("Reference: ").append(d.request().businessReference()).append('\n');
        }
        text.append("Payload: ").append(describe(d.request().payload(), d.deliveredItems())).append('\n');
        text.append("Attempts: ").append(d.attempts()).append('\n');
        text.append("Submitted: ").append(TIME.format(d.createdAt())).append('\n');
        FailureClass failureClass = d.lastErrorClass();
        text.append("Error");
        if (failureClass != null) {
            text.append(" (").append(failureClass).append(')');
        }
        text.append(": ").append(truncate(d.lastError() == null ? "none recorded" : d.lastError())).append('\n');
        text.append("Next: ").append(nextStep(failureClass)).append('\n');
        text.append("To send it again once fixed: redeliver ").append(d.id());
        return text.toString();
    }

    static String halted(String reason) {
        return "⛔ Sending HALTED\nReason: " + truncate(reason) + "\nNothing is lost: deliveries stay queued. Fix the "
                + "bot token or API URL in the configuration and restart; sending resumes where it stopped.";
    }

    private static String describe(Payload payload, int deliveredItems) {
        if (payload instanceof Payload.Album album) {
            String items = "album (" + album.items().size() + " items";
            return items + (deliveredItems > 0 ? ", " + deliveredItems + " delivered)" : ")");
        }
        return payload.kind();
    }

    private static String nextStep(FailureClass failureClass) {
        if (failureClass == null) {
            return "look at the error above.";
        }
        return switch (failureClass) {
            case PERMANENT_RECIPIENT -> "the recipient cannot receive messages (blocked the bot, deleted the account, "
                    + "or the chat is gone). Reach them another way; redeliver once they can receive again.";
            case PERMANENT_PAYLOAD -> "Telegram refuses this content (too long, bad markup, bad or too large file). "
                    + "Fix the content and submit a corrected delivery.";
            case AMBIGUOUS -> "the connection broke after sending: the message may have arrived. Ask the recipient "
                    + "before redelivering, or they may get it twice.";
            case ATTEMPTS_EXHAUSTED, TRANSIENT, RATE_LIMITED -> "Telegram or the network kept failing. Check "
                    + "connectivity and Telegram's status, then redeliver.";
            case FATAL_CONFIG -> "the bot token or API URL is wrong. Fix the configuration, restart, then redeliver.";
            case UNREADABLE -> "the stored delivery could not be read (corrupted, or written by a newer version). "
                    + "Inspect it in the store and submit it again.";
        };
    }

    private static String truncate(String s) {
        return s.length() <= MAX_ERROR ? s : s.substring(0, MAX_ERROR) + "…";
    }
}
