package io.botdelivery.sender.telegram;

import io.botdelivery.api.DeliveryId;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Telegram's answers to the Bot API calls this process sent, by delivery, until a caller takes them: how
 * {@link DeliveringTelegramClient#execute} returns the very {@code Message} Telegram answered.
 *
 * <p>Why here and not in the engine's outcome: a delivery's snapshot is what the store keeps, and a full Message for
 * every delivery would bloat every row and every store, while only a caller waiting in this process can use it. The
 * sender cannot know which deliveries have a waiting caller (the engine may send before {@code submit} returns the
 * id), so it keeps every answer and forgets the oldest beyond {@code capacity}: a waiting caller takes its answer
 * within moments of the outcome, long before a thousand later calls push it out. An answer nobody takes costs only its
 * place until then.
 *
 * <p>Thread-safe: one lock around a small insertion-ordered map.
 */
final class SentAnswers {
    static final int DEFAULT_CAPACITY = 1024;

    private final int capacity;
    private final Map<DeliveryId, String> answers;

    SentAnswers(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.capacity = capacity;
        this.answers = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<DeliveryId, String> eldest) {
                return size() > SentAnswers.this.capacity;
            }
        };
    }

    /** Keeps Telegram's answer text to {@code id}'s call; a later answer to the same delivery replaces it. */
    synchronized void offer(DeliveryId id, String answer) {
        answers.put(Objects.requireNonNull(id, "id"), Objects.requireNonNull(answer, "answer"));
    }

    /** Removes and returns the answer to {@code id}'s call, or empty if there was none here or it was pushed out. */
    synchronized Optional<String> take(DeliveryId id) {
        return Optional.ofNullable(answers.remove(id));
    }

    synchronized int size() {
        return answers.size();
    }
}
