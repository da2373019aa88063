package io.botdelivery.example.shop;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryService;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.InvalidDeliveryException;
import io.botdelivery.api.QueueSummary;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The admin commands: {@code /queue}, {@code /failed}, {@code /redeliver <id>}, {@code /cancel <id>}. Each returns the
 * reply text; a user who is not a configured admin gets a refusal and nothing runs. The bot answers them only in a
 * private chat (a group gets {@link #PRIVATE_ONLY}, whoever asked), so an admin's command typed in a group does not
 * post chat ids and error texts there.
 */
final class AdminCommands {
    static final Set<String> COMMANDS = Set.of("/queue", "/failed", "/redeliver", "/cancel");
    static final String REFUSAL = "Sorry, this command is for the shop's admins only.";
    static final String PRIVATE_ONLY = "Admin commands work only in a private chat with the bot.";
    private static final int FAILED_SHOWN = 10;
    private static final int ORDER_PARTS_SCANNED = 100;

    private final DeliveryService deliveries;
    private final Set<Long> admins;
    private final Clock clock;

    AdminCommands(DeliveryService deliveries, Set<Long> admins, Clock clock) {
        this.deliveries = Objects.requireNonNull(deliveries, "deliveries");
        this.admins = Set.copyOf(admins);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    static boolean isAdminCommand(String command) {
        return COMMANDS.contains(command);
    }

    /** Runs {@code command} (e.g. {@code /cancel}) with its argument (may be empty) for {@code userId}. */
    String handle(long userId, String command, String argument) {
        if (!admins.contains(userId)) {
            return REFUSAL;
        }
        return switch (command) {
            case "/queue" -> queue();
            case "/failed" -> failed();
            case "/redeliver" -> withId(command, argument, this::redeliver);
            case "/cancel" -> withId(command, argument, this::cancel);
            default -> throw new IllegalArgumentException("not an admin command: " + command);
        };
    }

    private String queue() {
        QueueSummary s = deliveries.summary();
        StringBuilder sb = new StringBuilder("Queue\n");
        for (DeliveryStatus status : DeliveryStatus.values()) {
            sb.append(status.name().toLowerCase(Locale.ROOT).replace('_', ' ')).append(": ").append(s.count(status)).append('\n');
        }
        sb.append(s.oldestPending()
                .map(t -> "oldest waiting: " + human(Duration.between(t, clock.instant())) + " ago")
                .orElse("nothing waiting"));
        return sb.toString();
    }

    private String failed() {
        List<Delivery> failed = deliveries.recentFailures(FAILED_SHOWN);
        if (failed.isEmpty()) {
            return "No failed deliveries.";
        }
        StringBuilder sb = new StringBuilder("Latest failed deliveries (newest first):\n");
        for (Delivery d : failed) {
            sb.append("\n").append(d.id()).append("\n  chat ").append(d.chatId())
                    .append(", ").append(d.request().payload().kind())
                    .append(d.request().businessReference() == null ? "" : ", " + d.request().businessReference())
                    .append("\n  ").append(d.lastErrorClass()).append(": ").append(d.lastError())
                    .append("\n  /redeliver ").append(d.id()).append('\n');
        }
        return sb.toString();
    }

    /** Redelivers the delivery and the other FAILED parts of its order (same ordering key), oldest first. */
    private String redeliver(DeliveryId id) {
        Optional<String> order = deliveries.find(id).map(d -> d.request().orderingKey());
        if (deliveries.redeliver(id)) {
            int more = 0;
            if (order.isPresent()) {
                List<Delivery> parts = new java.util.ArrayList<>(deliveries.recentFailures(ORDER_PARTS_SCANNED).stream()
                        .filter(d -> order.get().equals(d.request().orderingKey()))
                        .toList());
                parts.sort(java.util.Comparator.comparing(Delivery::createdAt));
                for (Delivery part : parts) {
                    more += deliveries.redeliver(part.id()) ? 1 : 0;
                }
            }
            return "Delivery " + id + " is queued again" + (more == 0 ? "." : ", with " + more + " more part(s) of the same order.");
        }
        return "Delivery " + id + " was not redelivered: " + describe(id) + " (only a FAILED delivery can be redelivered).";
    }

    private String cancel(DeliveryId id) {
        if (deliveries.cancel(id)) {
            return "Delivery " + id + " is cancelled.";
        }
        return "Delivery " + id + " was not cancelled: " + describe(id) + " (only a delivery not yet sent can be cancelled).";
    }

    private String describe(DeliveryId id) {
        return deliveries.find(id).map(d -> "it is " + d.status()).orElse("no such delivery");
    }

    private static String withId(String command, String argument, java.util.function.Function<DeliveryId, String> action) {
        Optional<DeliveryId> id = parse(argument);
        return id.map(action).orElse("Usage: " + command + " <delivery id>, e.g. " + command
                + " 3f2b8c9e-1d4a-4c1e-9b7a-2f6d0e8a5c31 (see /failed)");
    }

    private static Optional<DeliveryId> parse(String argument) {
        if (argument == null || argument.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(DeliveryId.parse(argument.trim()));
        } catch (InvalidDeliveryException e) {
            return Optional.empty();
        }
    }

    static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return s / 60 + " min";
        }
        return s / 3600 + " h";
    }
}
