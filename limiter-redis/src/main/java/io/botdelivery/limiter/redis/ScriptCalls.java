package io.botdelivery.limiter.redis;

import io.botdelivery.core.ratelimit.WindowRule;
import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateRequest;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The limiter script's calls as {@link RedisRateLimiter} makes them: which keys each touches, and how a request's lane,
 * kind of chat and budgets become the script's arguments (see the header of {@code limiter.lua}). What the limiter
 * decides with the answers stays in {@link RedisRateLimiter}.
 */
final class ScriptCalls {
    /**
     * Under {@link TimeSource#INJECTED_CLOCK} keys live this much longer: Redis expires them on its own clock, which
     * need not follow the injected one (a test clock stands still while real time passes).
     */
    private static final String INJECTED_CLOCK_EXTRA_TTL_MILLIS = Long.toString(Duration.ofMinutes(10).toMillis());

    /** A budget's window rule ({@link WindowRule}, in microseconds), as the script's arguments. */
    private record ScriptRate(String window, String permits, String burst, String interval, String retention) {
        static ScriptRate of(Budget budget) {
            WindowRule rule = LocalWindows.rule(budget);
            return new ScriptRate(Long.toString(rule.window()), Integer.toString(rule.permits()),
                    Integer.toString(rule.burst()), Long.toString(rule.interval()), Long.toString(rule.retention()));
        }

        /** The script's ARGV[4..11] (lane W, P, B, I, chat W, P, B, I): one array for each lane and kind of chat. */
        static String[] pair(ScriptRate lane, ScriptRate chat) {
            return new String[] {lane.window, lane.permits, lane.burst, lane.interval,
                    chat.window, chat.permits, chat.burst, chat.interval};
        }
    }

    private final LimiterScript script;
    private final RedisKeys keys;
    private final TimeSource timeSource;
    private final Clock clock;
    private final ScriptRate privateChatRate;
    private final ScriptRate groupChatRate;
    /** The script's rate argument, by [paid broadcast ? 1 : 0][group chat ? 1 : 0]. */
    private final String[][][] rateArguments = new String[2][2][];
    private final String extraTtl;

    ScriptCalls(LimiterScript script, RedisKeys keys, RateBudgets budgets, TimeSource timeSource, Clock clock) {
        this.script = script;
        this.keys = keys;
        this.timeSource = timeSource;
        this.clock = clock;
        this.privateChatRate = ScriptRate.of(budgets.privateChat());
        this.groupChatRate = ScriptRate.of(budgets.groupChat());
        ScriptRate[] lanes = {ScriptRate.of(budgets.global()), ScriptRate.of(budgets.paidBroadcast())};
        for (int lane = 0; lane < 2; lane++) {
            rateArguments[lane][0] = ScriptRate.pair(lanes[lane], privateChatRate);
            rateArguments[lane][1] = ScriptRate.pair(lanes[lane], groupChatRate);
        }
        this.extraTtl = timeSource == TimeSource.INJECTED_CLOCK ? INJECTED_CLOCK_EXTRA_TTL_MILLIS : "0";
    }

    /** {@code 'r'}: a slot within {@code horizonMicros}, no earlier than {@code notBeforeMicros} after the decision. */
    CompletableFuture<List<Long>> reserve(RateRequest request, long horizonMicros, long notBeforeMicros) {
        String[] rates = rates(request);
        // the script records one stamp per message: an absurd weight is counted up to the rule's maximum, as in Java
        return script.call(keys(request), "r", now(), Integer.toString(WindowRule.countedWeight(request.weight())),
                        rates[0], rates[1], rates[2], rates[3], rates[4], rates[5], rates[6], rates[7],
                        Long.toString(horizonMicros), Long.toString(notBeforeMicros), extraTtl)
                .toCompletableFuture();
    }

    /** {@code 'x'}: takes a grant's stamps (its slot {@code stamp}, as the script recorded it) out of its lane and chat. */
    CompletableFuture<List<Long>> release(RateRequest request, long stamp) {
        String[] rates = rates(request);
        return script.call(keys(request), "x", now(), Long.toString(stamp),
                Integer.toString(WindowRule.countedWeight(request.weight())), rates[0], rates[1], rates[4], rates[5])
                .toCompletableFuture();
    }

    /** {@code 'g'} (both lanes) or {@code 'c'} (one chat): a 429 pause of {@code micros}. */
    CompletableFuture<List<Long>> pause(LimitScope scope, long micros) {
        if (scope.isGlobal()) {
            return script.call(List.of(keys.lane(false), keys.lane(true)), "g", now(), Long.toString(micros), extraTtl)
                    .toCompletableFuture();
        }
        ScriptRate chat = scope.chatId() < 0 ? groupChatRate : privateChatRate;
        return script.call(List.of(keys.chat(scope.chatId())), "c", now(), Long.toString(micros), chat.retention(),
                extraTtl).toCompletableFuture();
    }

    /** {@code 'p'}: how many µs the bot-wide pause still holds (0 if none). */
    CompletableFuture<Long> pauseLeft() {
        return script.call(List.of(keys.lane(false)), "p", now()).toCompletableFuture().thenApply(reply -> reply.get(1));
    }

    /** {@code 't'}: the time; an answer proves Redis is there and knows the script. */
    CompletableFuture<List<Long>> time() {
        return script.call(List.of(keys.lane(false)), "t", now()).toCompletableFuture();
    }

    /** The keys a reservation or a release touches: the request's lane, the lane's stamps, the chat. */
    private List<Object> keys(RateRequest request) {
        return List.of(keys.lane(request.paidBroadcast()), keys.laneGrants(request.paidBroadcast()),
                keys.chat(request.chatId()));
    }

    /** The script's rate arguments for the request's lane and chat: lane W, P, B, I, then the chat's. */
    private String[] rates(RateRequest request) {
        return rateArguments[request.paidBroadcast() ? 1 : 0][request.isGroupChat() ? 1 : 0];
    }

    private String now() {
        return timeSource == TimeSource.REDIS_SERVER ? "" : Long.toString(Micros.now(clock));
    }
}
