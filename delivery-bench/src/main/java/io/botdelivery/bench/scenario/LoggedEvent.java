package io.botdelivery.bench.scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One line of an {@link EventLog}, with the instance incarnation that wrote it.
 *
 * @param slot        the instance
 * @param incarnation its start count
 * @param type        SUBMIT, CLAIM, RENEW, RELEASE, GRANT, UNGRANT, SEND, OUTCOME or NOTIFIED
 * @param atMicros    when it was written (epoch microseconds)
 * @param fields      the rest of the line
 */
public record LoggedEvent(int slot, int incarnation, String type, long atMicros, List<String> fields) {
    private static final Pattern FILE_NAME = Pattern.compile("events-(\\d+)-(\\d+)\\.log");

    public LoggedEvent {
        Objects.requireNonNull(type, "type");
        fields = List.copyOf(fields);
    }

    /** The incarnation as a name: {@code slot.incarnation}. */
    public String owner() {
        return slot + "." + incarnation;
    }

    public String field(int i) {
        return fields.get(i);
    }

    public long longField(int i) {
        return Long.parseLong(fields.get(i));
    }

    /** Parses a line; null for a line cut short by a kill or otherwise unreadable. */
    public static LoggedEvent parse(int slot, int incarnation, String line) {
        String[] parts = line.split(" ");
        if (parts.length < 3) {
            return null;
        }
        int expected = switch (parts[0]) {
            case "RELEASE" -> 6;
            case "GRANT" -> 7;
            case "SUBMIT", "CLAIM", "RENEW", "SEND" -> 5;
            case "OUTCOME" -> 4;
            case "NOTIFIED", "UNGRANT" -> 3;
            default -> -1;
        };
        if (parts.length != expected) {
            return null;
        }
        try {
            long at = Long.parseLong(parts[1]);
            return new LoggedEvent(slot, incarnation, parts[0], at, List.of(parts).subList(2, parts.length));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Every event of every incarnation's log in {@code runDirectory}. */
    public static List<LoggedEvent> readAll(Path runDirectory) {
        List<LoggedEvent> all = new ArrayList<>();
        try (var files = Files.list(runDirectory)) {
            for (Path file : files.sorted().toList()) {
                Matcher m = FILE_NAME.matcher(file.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                int slot = Integer.parseInt(m.group(1));
                int incarnation = Integer.parseInt(m.group(2));
                for (String line : Files.readAllLines(file)) {
                    LoggedEvent e = parse(slot, incarnation, line);
                    if (e != null) {
                        all.add(e);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the event logs in " + runDirectory, e);
        }
        return all;
    }
}
