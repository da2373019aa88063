package io.botdelivery.core.spi;

/**
 * The store cannot reach its storage (connection lost, database down). The operation did not happen, or its outcome is
 * unknown; the engine keeps what it holds in memory and retries with backoff.
 */
public class RetryStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RetryStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
