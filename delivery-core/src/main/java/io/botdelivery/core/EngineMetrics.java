package io.botdelivery.core;

import io.botdelivery.api.FailureClass;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/** The engine's meters, all prefixed {@code delivery.}. */
final class EngineMetrics {
    private final MeterRegistry registry;
    final Counter submitted;
    final Counter delivered;
    final Counter rateLimited;
    final Counter redirects;
    final Counter lateSlots;
    final Counter pausedSlots;
    final Counter limiterUnavailable;
    private final Map<FailureClass, Counter> failed = new EnumMap<>(FailureClass.class);
    private final Map<FailureClass, Counter> retries = new EnumMap<>(FailureClass.class);
    final Timer limiterWait;
    /** Slot lateness of a send whose preparation ended before its slot (it then waited on a timer for it). */
    final Timer slotLatenessPreparedEarly;
    /** Slot lateness of a send whose preparation ended at or after its slot. */
    final Timer slotLatenessPreparedLate;
    final Timer latency;

    EngineMetrics(MeterRegistry registry) {
        this.registry = registry;
        submitted = Counter.builder("delivery.submitted").description("deliveries accepted").register(registry);
        delivered = Counter.builder("delivery.delivered").description("deliveries Telegram accepted in full").register(registry);
        rateLimited = Counter.builder("delivery.rate_limited").description("429 answers received from Telegram").register(registry);
        redirects = Counter.builder("delivery.redirects").description("chat migrations followed").register(registry);
        lateSlots = Counter.builder("delivery.late_slots").description("reserved slots missed by more than lateSendTolerance and reserved again").register(registry);
        pausedSlots = Counter.builder("delivery.paused_slots").description("reserved slots given up because a 429 paused the bot meanwhile").register(registry);
        limiterUnavailable = Counter.builder("delivery.limiter.unavailable").description("reservations the rate limiter could not decide (the lane waited and asked again)").register(registry);
        for (FailureClass c : FailureClass.values()) {
            failed.put(c, Counter.builder("delivery.failed").tag("class", c.name()).description("deliveries ended FAILED").register(registry));
            retries.put(c, Counter.builder("delivery.retries").tag("class", c.name()).description("attempts that will be retried").register(registry));
        }
        limiterWait = Timer.builder("delivery.limiter.wait").description("delay granted by the rate limiter").register(registry);
        slotLatenessPreparedEarly = slotLateness(registry, "before-slot");
        slotLatenessPreparedLate = slotLateness(registry, "after-slot");
        latency = Timer.builder("delivery.latency").description("accepted to delivered").publishPercentiles(0.5, 0.99).register(registry);
    }

    /** The slot lateness of sends whose preparation (pause read, GIVE_UP mark) ended {@code prepared} their slot. */
    private static Timer slotLateness(MeterRegistry registry, String prepared) {
        return Timer.builder("delivery.slot.lateness").tag("prepared", prepared)
                .description("how long after its reserved slot a send was ready to leave (beyond lateSendTolerance it reserves again)")
                .publishPercentiles(0.5, 0.9, 0.99).register(registry);
    }

    void gauge(String name, String description, Supplier<Number> value) {
        io.micrometer.core.instrument.Gauge.builder(name, value).description(description).register(registry);
    }

    void failed(FailureClass c) {
        failed.get(c).increment();
    }

    void retry(FailureClass c) {
        retries.get(c).increment();
    }

    void waited(Duration d) {
        limiterWait.record(d);
    }
}
