package io.botdelivery.limiter.redis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The limiter's meters, all tagged {@code bot=<botId>}:
 * <ul>
 *   <li>{@code delivery.limiter.redis.decisions{source=redis|local, outcome=granted|denied}} and
 *       {@code {source=none, outcome=unavailable}}: decisions made, by whom;</li>
 *   <li>{@code delivery.limiter.redis.mode{mode=redis|local|unavailable}}: 1 for the mode in force, 0 for the others;</li>
 *   <li>{@code delivery.limiter.redis.mode.switches{to=…}}: how often it switched;</li>
 *   <li>{@code delivery.limiter.redis.script.loads}: how often the script had to be loaded (after a Redis restart);</li>
 *   <li>{@code delivery.limiter.redis.late_answers{then=asked_again|kept}}: grants whose slot had passed by more than
 *       20 ms when their answer arrived, given back and asked for again, or (the second time) kept and sent late:
 *       many mean a slow or overloaded path to Redis;</li>
 *   <li>{@code delivery.limiter.redis.overloaded_calls{then=asked_again|failed}}: decisions that ran out of time while
 *       Redis answered other calls (no outage: this client or the server was too busy), asked again once, or failed
 *       alone the second time.</li>
 * </ul>
 * Counters are created once, so a decision costs one lock-free add.
 */
final class LimiterMetrics {
    static final String DECISIONS = "delivery.limiter.redis.decisions";
    static final String MODE = "delivery.limiter.redis.mode";
    static final String SWITCHES = "delivery.limiter.redis.mode.switches";
    static final String SCRIPT_LOADS = "delivery.limiter.redis.script.loads";
    static final String LATE_ANSWERS = "delivery.limiter.redis.late_answers";
    static final String OVERLOADED_CALLS = "delivery.limiter.redis.overloaded_calls";

    private final Counter redisGranted;
    private final Counter redisDenied;
    private final Counter localGranted;
    private final Counter localDenied;
    private final Counter unavailable;
    private final Counter scriptLoads;
    private final Counter lateAskedAgain;
    private final Counter lateKept;
    private final Counter overloadedAskedAgain;
    private final Counter overloadedFailed;
    private final Map<RedisRateLimiter.Mode, Counter> switches = new EnumMap<>(RedisRateLimiter.Mode.class);

    LimiterMetrics(MeterRegistry registry, String botId, Supplier<RedisRateLimiter.Mode> mode) {
        Tags bot = Tags.of("bot", botId);
        redisGranted = registry.counter(DECISIONS, bot.and("source", "redis", "outcome", "granted"));
        redisDenied = registry.counter(DECISIONS, bot.and("source", "redis", "outcome", "denied"));
        localGranted = registry.counter(DECISIONS, bot.and("source", "local", "outcome", "granted"));
        localDenied = registry.counter(DECISIONS, bot.and("source", "local", "outcome", "denied"));
        unavailable = registry.counter(DECISIONS, bot.and("source", "none", "outcome", "unavailable"));
        scriptLoads = registry.counter(SCRIPT_LOADS, bot);
        lateAskedAgain = registry.counter(LATE_ANSWERS, bot.and("then", "asked_again"));
        lateKept = registry.counter(LATE_ANSWERS, bot.and("then", "kept"));
        overloadedAskedAgain = registry.counter(OVERLOADED_CALLS, bot.and("then", "asked_again"));
        overloadedFailed = registry.counter(OVERLOADED_CALLS, bot.and("then", "failed"));
        for (RedisRateLimiter.Mode each : RedisRateLimiter.Mode.values()) {
            String name = each.tagValue();
            switches.put(each, registry.counter(SWITCHES, bot.and("to", name)));
            Gauge.builder(MODE, mode, current -> current.get() == each ? 1 : 0)
                    .tags(bot.and("mode", name))
                    .description("1 while the limiter decides in this mode")
                    // the supplier is a method reference nothing else holds: a weak reference would read NaN
                    .strongReference(true)
                    .register(registry);
        }
    }

    void lateAnswer() {
        lateAskedAgain.increment();
    }

    void lateAnswerKept() {
        lateKept.increment();
    }

    void overloaded(boolean askedAgain) {
        (askedAgain ? overloadedAskedAgain : overloadedFailed).increment();
    }

    void decided(Decision decision) {
        boolean redis = decision.source() == Decision.Source.REDIS;
        if (decision.granted()) {
            (redis ? redisGranted : localGranted).increment();
        } else {
            (redis ? redisDenied : localDenied).increment();
        }
    }

    void unavailable() {
        unavailable.increment();
    }

    void switched(RedisRateLimiter.Mode to) {
        switches.get(to).increment();
    }

    void scriptLoaded() {
        scriptLoads.increment();
    }
}
