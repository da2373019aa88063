package io.botdelivery.spring.boot;

import io.botdelivery.core.DeliveryEngine;
import org.springframework.context.SmartLifecycle;

import java.util.Objects;

/**
 * Starts the engine when the context has started and closes it when the context stops, before any bean it uses is
 * destroyed: {@link DeliveryEngine#close()} waits for sends on the wire and hands held deliveries back to the store,
 * which needs the store (and its DataSource) still open.
 *
 * <p>The phase is below the web server's (Spring Boot stops the server and its graceful shutdown first), so a request
 * still being served can submit; the engine stops after no more can arrive. Submitting before {@link #start()} is
 * fine: the engine stores and dispatches; start only begins polling the store.
 */
public final class DeliveryEngineLifecycle implements SmartLifecycle {
    /** Below {@code WebServerStartStopLifecycle} (DEFAULT_PHASE - 2048): stops after the web server. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final DeliveryEngine engine;
    private volatile boolean running;
    private volatile boolean closed;

    public DeliveryEngineLifecycle(DeliveryEngine engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    @Override
    public void start() {
        if (closed) {
            // a closed engine cannot start again; a context restarted after stop() needs a new one
            throw new IllegalStateException("the delivery engine was closed when the context stopped; refresh the context to get a new one");
        }
        engine.start();
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        closed = true;
        engine.close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
