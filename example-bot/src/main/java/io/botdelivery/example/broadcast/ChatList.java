package io.botdelivery.example.broadcast;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The recipients of a broadcast, read from a file of one chat id per line. Blank lines and lines starting with
 * {@code #} are ignored; any other line that is not a chat id (a non-zero whole number) is reported with its line
 * number and skipped, and so is a repeated id, so one bad line never stops a broadcast.
 *
 * @param chatIds  the valid, distinct chat ids in file order
 * @param badLines the lines skipped, in file order
 */
public record ChatList(List<Long> chatIds, List<BadLine> badLines) {

    /** A skipped line: its 1-based number, its text, and why. */
    public record BadLine(int lineNumber, String text, String reason) {
        public BadLine {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String toString() {
            return "line " + lineNumber + ": '" + text + "' " + reason;
        }
    }

    public ChatList {
        chatIds = List.copyOf(chatIds);
        badLines = List.copyOf(badLines);
    }

    public static ChatList read(Path file) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            List<Long> ids = new ArrayList<>();
            List<BadLine> bad = new ArrayList<>();
            Map<Long, Integer> firstSeen = new HashMap<>();
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                String text = line.strip();
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                long id;
                try {
                    id = Long.parseLong(text);
                } catch (NumberFormatException e) {
                    bad.add(new BadLine(number, text, "is not a chat id (expected a whole number such as 123456789 or -1001234567890)"));
                    continue;
                }
                if (id == 0) {
                    bad.add(new BadLine(number, text, "is not a chat id (0 is no chat)"));
                    continue;
                }
                Integer earlier = firstSeen.putIfAbsent(id, number);
                if (earlier != null) {
                    bad.add(new BadLine(number, text, "repeats line " + earlier + " (sent once)"));
                    continue;
                }
                ids.add(id);
            }
            return new ChatList(ids, bad);
        }
    }
}
