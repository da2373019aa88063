/**
 * The ports of the delivery engine: {@link io.botdelivery.core.spi.RateLimiter},
 * {@link io.botdelivery.core.spi.Sender}, {@link io.botdelivery.core.spi.RetryStore} and
 * {@link io.botdelivery.core.spi.Notifier}. An adapter implements one port, extends its contract kit from
 * {@code delivery-testkit}, and ships one Guice module. Adapters depend only on this package and {@code delivery-api}.
 */
package io.botdelivery.core.spi;
