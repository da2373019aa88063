package io.botdelivery.limiter.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisNoScriptException;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limiter's Lua script ({@code limiter.lua}), called by its SHA-1 with {@code EVALSHA}. The SHA is computed here, so
 * nothing talks to Redis before the first decision; a {@code NOSCRIPT} answer (a new or restarted server, or
 * {@code SCRIPT FLUSH}) loads the script and repeats the call once, transparently.
 */
final class LimiterScript {
    private static final Logger log = LoggerFactory.getLogger(LimiterScript.class);
    private static final String RESOURCE = "limiter.lua";

    private final RScript script;
    private final String source;
    private final String sha;
    private final Runnable onReload;
    /** The load in flight after a NOSCRIPT, shared by every call that hit it at the same time. */
    private final AtomicReference<CompletableFuture<String>> loading = new AtomicReference<>();
    /** Loads completed so far: a call answered NOSCRIPT after a load that began later than it needs no load of its own. */
    private final AtomicLong loadsDone = new AtomicLong();

    /**
     * When Redis last answered a call, by {@link System#nanoTime()}. A plain write per answer, on the hot path: two
     * answers completing together may leave the earlier time by a few µs, which no timeout check can tell apart.
     */
    private volatile long lastAnswerNanos = System.nanoTime();

    LimiterScript(RedissonClient client, Runnable onReload) {
        this.script = client.getScript(StringCodec.INSTANCE);
        this.source = loadSource();
        this.sha = sha1(source);
        this.onReload = onReload;
    }

    String sha() {
        return sha;
    }

    /** Runs the script; the reply is {@code [flag, micros, scope, now]} (see {@code limiter.lua}). */
    CompletionStage<List<Long>> call(List<Object> keys, Object... args) {
        long loadsBefore = loadsDone.get();
        CompletionStage<List<Long>> first = script.evalShaAsync(RScript.Mode.READ_WRITE, sha, RScript.ReturnType.LIST,
                keys, args);
        return first.exceptionallyCompose(error -> {
            if (!(Failures.unwrap(error) instanceof RedisNoScriptException)) {
                return CompletableFuture.failedFuture(error);
            }
            return load(loadsBefore).thenCompose(loaded -> script.<List<Long>>evalShaAsync(RScript.Mode.READ_WRITE, sha,
                    RScript.ReturnType.LIST, keys, args));
        }).whenComplete((reply, error) -> {
            if (error == null) {
                lastAnswerNanos = System.nanoTime();
            }
        });
    }

    /**
     * Whether Redis answered a call of this script after {@code sentNanos} ({@link System#nanoTime()}): then Redis
     * was reachable and answering while a call sent at that time waited.
     */
    boolean answeredSince(long sentNanos) {
        return lastAnswerNanos - sentNanos > 0;
    }

    /**
     * Loads the script ahead of the first call; on a client that connects on first use this also opens its connection
     * pool. The first burst of decisions then neither waits for connections nor meets NOSCRIPT. A failure (Redis down)
     * is left to the first call, which loads the script itself.
     */
    CompletionStage<String> preload() {
        return script.scriptLoadAsync(source);
    }

    /**
     * The load to wait for: the one in flight, or the last one if it succeeded after the caller's call was sent (its
     * NOSCRIPT answer was only slower than that load; loading again would be one load per late answer), else a new one.
     */
    private CompletableFuture<String> load(long loadsBefore) {
        while (true) {
            CompletableFuture<String> current = loading.get();
            if (current != null && (!current.isDone()
                    || (loadsDone.get() > loadsBefore && !current.isCompletedExceptionally()))) {
                return current;
            }
            CompletableFuture<String> mine = new CompletableFuture<>();
            if (loading.compareAndSet(current, mine)) {
                script.scriptLoadAsync(source).whenComplete((loaded, error) -> {
                    if (error != null) {
                        mine.completeExceptionally(error);
                        return;
                    }
                    loadsDone.incrementAndGet();
                    onReload.run();
                    log.info("Redis did not know the rate limiter script (a new or restarted server, or its scripts"
                            + " were flushed); loaded it as {}", loaded);
                    mine.complete(loaded);
                });
                return mine;
            }
        }
    }

    private static String loadSource() {
        try (InputStream in = LimiterScript.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the limiter-redis jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + RESOURCE, e);
        }
    }

    private static String sha1(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }
}
