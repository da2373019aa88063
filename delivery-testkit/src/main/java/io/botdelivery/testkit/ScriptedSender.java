package io.botdelivery.testkit;

import io.botdelivery.core.spi.SendOutcome;
import io.botdelivery.core.spi.SendRequest;
import io.botdelivery.core.spi.Sender;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A fake {@link Sender} for engine tests: answers each send with the next scripted outcome for that chat (or a default
 * rule), and records every call with the time it was made. Thread-safe.
 */
public final class ScriptedSender implements Sender {

    /** One recorded call. */
    public record Call(SendRequest request, Instant at) {
    }

    private final Clock clock;
    private final Map<Long, Deque<SendOutcome>> scripts = new HashMap<>();
    private final List<Call> calls = new ArrayList<>();
    private final AtomicLong messageIds = new AtomicLong(1000);
    private Function<SendRequest, SendOutcome> fallback = this::deliverAll;

    public ScriptedSender(Clock clock) {
        this.clock = clock;
    }

    /** The next sends to {@code chatId} answer these outcomes, in order; after them the default rule applies. */
    public synchronized ScriptedSender script(long chatId, SendOutcome... outcomes) {
        Deque<SendOutcome> q = scripts.computeIfAbsent(chatId, k -> new ArrayDeque<>());
        for (SendOutcome o : outcomes) {
            q.addLast(o);
        }
        return this;
    }

    /** Replaces the default rule (which delivers everything). */
    public synchronized ScriptedSender otherwise(Function<SendRequest, SendOutcome> rule) {
        this.fallback = rule;
        return this;
    }

    /** A Delivered outcome with fresh message ids, one per message of the request's payload. */
    public SendOutcome deliverAll(SendRequest request) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < request.payload().messageCount(); i++) {
            ids.add(messageIds.incrementAndGet());
        }
        return new SendOutcome.Delivered(ids);
    }

    @Override
    public SendOutcome send(SendRequest request) {
        SendOutcome scripted;
        Function<SendRequest, SendOutcome> rule;
        synchronized (this) {
            calls.add(new Call(request, clock.instant()));
            Deque<SendOutcome> q = scripts.get(request.chatId());
            scripted = q == null ? null : q.pollFirst();
            rule = fallback;
        }
        return scripted != null ? scripted : rule.apply(request);
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    public synchronized List<Call> callsTo(long chatId) {
        return calls.stream().filter(c -> c.request().chatId() == chatId).toList();
    }

    public synchronized int callCount() {
        return calls.size();
    }
}
