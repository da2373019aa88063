package io.botdelivery.bench.scenario;

import io.botdelivery.api.AmbiguousOutcomePolicy;
import io.botdelivery.api.Priority;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One delivery of a scenario's workload: who submits it when, to which chat, what, and what should become of it.
 *
 * @param seq           position in the workload (submission order)
 * @param offsetMillis  when to submit it, counted from the scenario's start
 * @param instance      the instance (0-based) that submits it: every chat belongs to one instance, so a chat's
 *                      deliveries are submitted in order
 * @param key           idempotency key; also the identity of its messages at the simulator (see {@link #contents()})
 * @param chatId        the recipient as submitted
 * @param kind          what is sent
 * @param items         album items (2 to 10) for {@link WorkKind#ALBUM}, else 1
 * @param paidBroadcast sent in the paid-broadcast lane
 * @param policy        what the engine does after an ambiguous outcome
 * @param priority      dispatch priority
 * @param expectation   what should become of it
 */
public record WorkItem(int seq, long offsetMillis, int instance, String key, long chatId, WorkKind kind, int items,
                       boolean paidBroadcast, AmbiguousOutcomePolicy policy, Priority priority, Expectation expectation) {

    public WorkItem {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(expectation, "expectation");
        if (key.isBlank() || key.contains(" ") || key.contains(",") || key.contains("#")) {
            throw new IllegalArgumentException("key must be one token without ',' or '#': " + key);
        }
        if (offsetMillis < 0 || instance < 0 || chatId == 0) {
            throw new IllegalArgumentException("offsetMillis and instance must not be negative, chatId not 0");
        }
        if (kind == WorkKind.ALBUM ? items < 2 || items > 10 : items != 1) {
            throw new IllegalArgumentException("an album has 2 to 10 items, anything else 1; was " + kind + " with " + items);
        }
    }

    /** How many messages Telegram counts for it. */
    public int weight() {
        return items;
    }

    /**
     * The identities its messages carry at the simulator, one per message: the key for a single message, and
     * {@code key#1 … key#n} for an album's items (every item carries its own caption).
     */
    public List<String> contents() {
        if (kind != WorkKind.ALBUM) {
            return List.of(key);
        }
        List<String> all = new ArrayList<>(items);
        for (int i = 1; i <= items; i++) {
            all.add(key + "#" + i);
        }
        return all;
    }

    /** The identity an arrived message's text or caption carries: its first word. */
    public static String identityOf(String content) {
        if (content == null) {
            return "";
        }
        int space = content.indexOf(' ');
        return space < 0 ? content : content.substring(0, space);
    }

    /** The key an identity belongs to ({@code key#3} → {@code key}). */
    public static String keyOf(String identity) {
        int hash = identity.indexOf('#');
        return hash < 0 ? identity : identity.substring(0, hash);
    }
}
