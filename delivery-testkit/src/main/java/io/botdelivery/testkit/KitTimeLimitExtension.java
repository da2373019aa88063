package io.botdelivery.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs each test method of a {@link KitTimeLimit} kit on its own daemon thread and fails the test when it has not
 * ended within the limit. The stuck thread is interrupted and left behind (a daemon, so it cannot keep the JVM
 * alive); the kit's next test runs on a fresh thread.
 */
public final class KitTimeLimitExtension implements InvocationInterceptor {

    /** The configuration parameter (or system property) that overrides every kit's limit, in seconds. */
    public static final String PARAMETER = "botdelivery.kit.time-limit";

    private static final AtomicInteger THREADS = new AtomicInteger();

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                    ExtensionContext extensionContext) throws Throwable {
        runWithin(limit(extensionContext), invocation, extensionContext.getDisplayName());
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation,
                                            ReflectiveInvocationContext<Method> invocationContext,
                                            ExtensionContext extensionContext) throws Throwable {
        runWithin(limit(extensionContext), invocation, extensionContext.getDisplayName());
    }

    static Duration limit(ExtensionContext context) {
        String configured = context.getConfigurationParameter(PARAMETER).orElse(null);
        if (configured != null) {
            try {
                long seconds = Long.parseLong(configured.trim());
                if (seconds > 0) {
                    return Duration.ofSeconds(seconds);
                }
            } catch (NumberFormatException ignored) {
                // fall through to the error below
            }
            throw new IllegalArgumentException(PARAMETER + " must be a positive number of seconds, was '" + configured + "'");
        }
        for (Class<?> c = context.getRequiredTestClass(); c != null; c = c.getEnclosingClass()) {
            KitTimeLimit declared = c.getAnnotation(KitTimeLimit.class);
            if (declared != null) {
                return Duration.ofSeconds(declared.seconds());
            }
        }
        throw new IllegalStateException(KitTimeLimitExtension.class.getSimpleName() + " used without @KitTimeLimit on "
                + context.getRequiredTestClass().getName());
    }

    private static void runWithin(Duration limit, Invocation<Void> invocation, String test) throws Throwable {
        ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kit-test-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            Future<Void> run = runner.submit(() -> {
                try {
                    return invocation.proceed();
                } catch (Exception | Error e) {
                    throw e;
                } catch (Throwable t) {
                    throw new ExecutionException(t);
                }
            });
            try {
                run.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                run.cancel(true);
                throw new AssertionError("\"" + test + "\" did not end within the kit's time limit of " + limit.toSeconds()
                        + " s: the adapter hangs, or is far too slow (raise the limit with -D" + PARAMETER + "=<seconds>)");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                throw cause instanceof ExecutionException nested && nested.getCause() != null ? nested.getCause() : cause;
            }
        } finally {
            runner.shutdownNow();
        }
    }
}
