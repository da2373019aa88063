package io.botdelivery.core.spi;

/** The limiter cannot decide right now (shared storage unreachable, fail-closed policy). Nothing may be sent; try later. */
public class RateLimiterUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RateLimiterUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
