package io.botdelivery.limiter.redis;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.redisson.client.RedisException;
import org.redisson.client.RedisTimeoutException;

/** Tells an unreachable or unwell Redis (an outage) from a reply that says our request was wrong (a bug). */
final class Failures {
    private Failures() {
    }

    static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /**
     * True when the call ran out of time (Redisson's response timeout, or no pooled connection within it): Redis may be
     * unreachable, or only busy, or this client too loaded to send and read in time.
     */
    static boolean isTimeout(Throwable error) {
        Throwable cause = unwrap(error);
        return cause instanceof RedisTimeoutException || cause instanceof TimeoutException;
    }

    /**
     * True when Redis could not decide: no connection, a timeout, a server that is loading, read-only, out of memory,
     * busy or down (Redisson reports each with its own subclass of {@link RedisException}). False for an error reply
     * to the script itself (a plain {@code RedisException}, e.g. {@code ERR}) and for anything else: a bug, which no
     * fallback would fix.
     */
    static boolean isOutage(Throwable error) {
        // Redisson sometimes wraps a refused connection in a plain RedisException: look through the causes
        for (Throwable cause = unwrap(error); cause != null; cause = cause.getCause()) {
            if ((cause instanceof RedisException && cause.getClass() != RedisException.class)
                    || cause instanceof IOException
                    || cause instanceof TimeoutException) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
