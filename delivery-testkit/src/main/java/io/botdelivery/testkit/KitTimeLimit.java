package io.botdelivery.testkit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives every test of a contract kit a time limit, enforced from a separate thread: a test whose adapter hangs fails
 * with a message naming the limit, even when the adapter is stuck in a call that ignores interrupts (a socket read
 * without a timeout, a lock). JUnit's own {@code @Timeout} interrupts the test's thread and waits for it, so such an
 * adapter would stall the build instead of failing it.
 *
 * <p>The limit is {@link #seconds()} unless the JUnit configuration parameter (or system property)
 * {@value KitTimeLimitExtension#PARAMETER} says otherwise, in seconds (e.g. {@code -Dbotdelivery.kit.time-limit=120}
 * on a slow CI machine). It applies to test methods, not to set-up: starting a database may take longer.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(KitTimeLimitExtension.class)
public @interface KitTimeLimit {

    /** The time limit of each test, in seconds. */
    long seconds();
}
