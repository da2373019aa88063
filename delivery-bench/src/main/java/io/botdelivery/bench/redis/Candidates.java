package io.botdelivery.bench.redis;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.limiter.redis.RedisRateLimiter;
import io.botdelivery.limiter.redis.RedisRateLimiterConfig;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.redisson.Bucket4jRedisson;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.redisson.Redisson;
import org.redisson.api.RRateLimiter;
import org.redisson.api.RScript;
import org.redisson.api.RateType;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * The four contenders, each on its own Redisson client with the same settings, all on one hot key of one Redis. The
 * budgets are far above what the machine can ask (a million per second), so every one of them decides on its normal
 * path and the comparison is of the decision's cost, not of waiting.
 */
final class Candidates {
    static final long RATE = 1_000_000;

    private Candidates() {
    }

    static RedissonClient client(String address, int nettyThreads) {
        Config config = new Config();
        config.setNettyThreads(nettyThreads);
        config.useSingleServer().setAddress(address);
        return Redisson.create(config);
    }

    /** bot-delivery's limiter: the lane {@code {bot:bench}:global} is the hot key; chats rotate over a million ids. */
    static Candidate redisRateLimiter(RedissonClient client) {
        RateBudgets budgets = new RateBudgets(Budget.of((int) RATE, Duration.ofSeconds(1)), Budget.perSecond(1),
                Budget.of(20, Duration.ofMinutes(1)), Budget.perSecond(1000));
        RedisRateLimiterConfig config = RedisRateLimiterConfig.builder("bench").budgets(budgets).build();
        RedisRateLimiter limiter = RedisRateLimiter.withClient(client, config, Clock.systemUTC(),
                new SimpleMeterRegistry());
        AtomicLong chats = new AtomicLong();
        return new Candidate() {
            @Override
            public String name() {
                return "RedisRateLimiter (bot-delivery)";
            }

            private RateRequest next() {
                return RateRequest.of(1 + chats.getAndIncrement() % 1_000_000);
            }

            @Override
            public void decide() {
                limiter.reserve(next(), Duration.ZERO);
            }

            @Override
            public CompletionStage<?> decideAsync() {
                return limiter.reserveAsync(next(), Duration.ZERO);
            }
        };
    }

    /** Redisson's own rate limiter, one limit (a million per second, overall). */
    static Candidate redissonRateLimiter(RedissonClient client) {
        RRateLimiter limiter = client.getRateLimiter("bench:rrl");
        limiter.delete();
        limiter.trySetRate(RateType.OVERALL, RATE, Duration.ofSeconds(1));
        return new Candidate() {
            @Override
            public String name() {
                return "Redisson RRateLimiter";
            }

            @Override
            public void decide() {
                limiter.tryAcquire();
            }

            @Override
            public CompletionStage<?> decideAsync() {
                return limiter.tryAcquireAsync();
            }
        };
    }

    /** Bucket4j's Redisson proxy manager (compare-and-swap), one bucket of a million per second. */
    static Candidate bucket4j(RedissonClient client) {
        ProxyManager<String> proxyManager = Bucket4jRedisson
                .casBasedBuilder(((Redisson) client).getCommandExecutor())
                .build();
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(RATE).refillGreedy(RATE, Duration.ofSeconds(1)))
                .build();
        BucketProxy bucket = proxyManager.builder().build("bench:bucket4j", () -> configuration);
        AsyncBucketProxy asyncBucket = proxyManager.asAsync().builder().build("bench:bucket4j", configuration);
        return new Candidate() {
            @Override
            public String name() {
                return "Bucket4j-Redisson (CAS)";
            }

            @Override
            public void decide() {
                bucket.tryConsume(1);
            }

            @Override
            public CompletionStage<?> decideAsync() {
                return asyncBucket.tryConsume(1);
            }
        };
    }

    /**
     * The ceiling's script called the way {@code RedisRateLimiter} calls its own: 3 keys, 12 arguments, a 4-number reply.
     * Tells the cost of the call's shape from the cost of the decision itself.
     */
    static Candidate trivialScriptLimiterShaped(RedissonClient client) {
        RScript script = client.getScript(StringCodec.INSTANCE);
        String sha = script.scriptLoad("return {1, 0, 0, 1}");
        AtomicLong chats = new AtomicLong();
        return new Candidate() {
            @Override
            public String name() {
                return "ceiling, limiter-shaped call";
            }

            private List<Object> keys() {
                return List.of("{bot:bench}:global", "{bot:bench}:global:s", "{bot:bench}:chat:" + chats.incrementAndGet());
            }

            @Override
            public void decide() {
                script.evalSha(RScript.Mode.READ_WRITE, sha, RScript.ReturnType.LIST, keys(), ARGS);
            }

            @Override
            public CompletionStage<?> decideAsync() {
                return script.evalShaAsync(RScript.Mode.READ_WRITE, sha, RScript.ReturnType.LIST, keys(), ARGS);
            }
        };
    }

    private static final Object[] ARGS = {"r", "", "1", "1", "1", "1000000", "1000000", "1", "1", "0", "0", "0"};

    /** The ceiling: the cheapest possible script call, {@code return 1} by its SHA, on the same kind of key. */
    static Candidate trivialScript(RedissonClient client) {
        RScript script = client.getScript(StringCodec.INSTANCE);
        String sha = script.scriptLoad("return 1");
        List<Object> keys = List.of("{bot:bench}:ceiling");
        return new Candidate() {
            @Override
            public String name() {
                return "ceiling: evalSha 'return 1'";
            }

            @Override
            public void decide() {
                script.evalSha(RScript.Mode.READ_WRITE, sha, RScript.ReturnType.LONG, keys);
            }

            @Override
            public CompletionStage<?> decideAsync() {
                return script.evalShaAsync(RScript.Mode.READ_WRITE, sha, RScript.ReturnType.LONG, keys);
            }
        };
    }
}
