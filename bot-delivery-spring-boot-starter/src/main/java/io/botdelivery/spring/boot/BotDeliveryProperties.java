package io.botdelivery.spring.boot;

import io.botdelivery.api.Redaction;
import io.botdelivery.core.ChatOrder;
import io.botdelivery.core.EngineConfig;
import io.botdelivery.core.spi.RetryAfterScopePolicy;
import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.RateBudgets;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code bot-delivery.*} in {@code application.yml}. Everything but the token has a default; an engine setting left
 * unset keeps {@link EngineConfig#defaults()}, a budget left unset keeps {@link RateBudgets#telegramDefaults()}, so
 * there is one source of those defaults, not two. {@link #toString()} never shows the token or a Redis password.
 *
 * @param token        the bot token from @BotFather; required by the Telegram sender and notifier
 * @param apiUrl       the Bot API server: Telegram's, a self-hosted one or a simulator (scheme, host and port only)
 * @param adminChatIds who is alerted about failed deliveries; none: failures are only logged
 * @param limiter      {@code local} (one instance) or {@code redis} (a budget shared by every replica; needs
 *                     {@code io.botdelivery:limiter-redis})
 * @param store        {@code memory} (lost on restart) or {@code postgres} (durable; needs
 *                     {@code io.botdelivery:store-postgres} and the application's {@code DataSource})
 * @param redis        the Redis of {@code limiter=redis}
 * @param postgres     the store's place in the application's PostgreSQL for {@code store=postgres}
 * @param budgets      Telegram's limits and the arrival margins the limiter adds to them
 * @param engine       the engine's settings
 * @param notifier     admin alerts
 */
@ConfigurationProperties("bot-delivery")
public record BotDeliveryProperties(
        String token,
        @DefaultValue("https://api.telegram.org") URI apiUrl,
        @DefaultValue List<Long> adminChatIds,
        @DefaultValue("local") LimiterChoice limiter,
        @DefaultValue("memory") StoreChoice store,
        @DefaultValue Redis redis,
        @DefaultValue Postgres postgres,
        @DefaultValue Budgets budgets,
        @DefaultValue Engine engine,
        @DefaultValue Notifier notifier) {

    public BotDeliveryProperties {
        adminChatIds = List.copyOf(adminChatIds);
    }

    /** Which rate limiter decides. */
    public enum LimiterChoice { LOCAL, REDIS }

    /** Where deliveries wait. */
    public enum StoreChoice { MEMORY, POSTGRES }

    /** What the Redis limiter does while Redis is unreachable (its {@code OutagePolicy}). */
    public enum RedisOutage {
        /** send nothing until Redis answers: never faster than the shared budget */
        FAIL_CLOSED,
        /** send at 1/{@code instances} of the budget alone */
        LOCAL_SHARE
    }

    /**
     * @param url          {@code redis://[user:password@]host:port[/db]}, or {@code rediss://} for TLS
     * @param outagePolicy {@code fail-closed} or {@code local-share}
     * @param instances    how many replicas share the budget (for {@code local-share})
     */
    public record Redis(
            @DefaultValue("redis://127.0.0.1:6379") URI url,
            @DefaultValue("fail-closed") RedisOutage outagePolicy,
            @DefaultValue("1") int instances) {

        /** The URL with its password masked, for messages. */
        String safeUrl() {
            return Redaction.maskUrls(url.toString());
        }

        @Override
        public String toString() {
            return "Redis[url=" + safeUrl() + ", outagePolicy=" + outagePolicy + ", instances=" + instances + "]";
        }
    }

    /** @param schema the schema holding the store's tables (created by its migrations on the application's DataSource) */
    public record Postgres(@DefaultValue("bot_delivery") String schema) {
    }

    /**
     * Unset limits are Telegram's ({@link RateBudgets#telegramDefaults()}). Telegram counts arrivals, and a send
     * arrives a little after its slot; the margins lengthen the windows so that this jitter does not draw 429s (the
     * defaults are the example bot's: 4.8 % of the throughput on the lanes, a little latency per chat).
     *
     * @param globalPerSecond        every standard send of the bot
     * @param privateChatPerSecond   each private chat
     * @param groupPerMinute         each group, supergroup or channel
     * @param paidBroadcastPerSecond the paid-broadcast lane
     * @param arrivalMargin          added to the lanes' windows
     * @param chatArrivalMargin      added to each chat's window
     */
    public record Budgets(
            Integer globalPerSecond,
            Integer privateChatPerSecond,
            Integer groupPerMinute,
            Integer paidBroadcastPerSecond,
            @DefaultValue("50ms") Duration arrivalMargin,
            @DefaultValue("250ms") Duration chatArrivalMargin) {

        public RateBudgets toRateBudgets() {
            RateBudgets b = RateBudgets.telegramDefaults();
            if (globalPerSecond != null) {
                b = b.withGlobal(Budget.perSecond(globalPerSecond));
            }
            if (privateChatPerSecond != null) {
                b = b.withPrivateChat(Budget.perSecond(privateChatPerSecond));
            }
            if (groupPerMinute != null) {
                b = b.withGroupChat(Budget.of(groupPerMinute, Duration.ofMinutes(1)));
            }
            if (paidBroadcastPerSecond != null) {
                b = b.withPaidBroadcast(Budget.perSecond(paidBroadcastPerSecond));
            }
            return b.withArrivalMargins(arrivalMargin, chatArrivalMargin);
        }
    }

    /**
     * The engine's settings ({@link EngineConfig} documents each); unset ones keep {@link EngineConfig#defaults()}.
     * {@code workerId} unset is generated per start ({@code host-pid-random}).
     */
    public record Engine(
            String workerId,
            Integer maxAttempts,
            Duration maxInlineWait,
            Duration reserveHorizon,
            Duration leaseLength,
            Integer maxConcurrentSends,
            Integer maxBuffered,
            Integer maxQueuedPerChat,
            Duration pollInterval,
            Integer claimBatch,
            Duration retryAfterMargin,
            Duration fatalPause,
            Duration shutdownGrace,
            Boolean weightAlbumsByItems,
            Integer maxRedirects,
            Duration lateSendTolerance,
            RetryAfterScopePolicy retryAfterScope,
            Duration finishedRetention,
            ChatOrder chatOrder) {

        public EngineConfig toEngineConfig() {
            EngineConfig defaults = EngineConfig.defaults();
            EngineConfig.Builder b = defaults.toBuilder();
            set(workerId, b::workerId);
            set(maxAttempts, n -> b.retryPolicy(defaults.retryPolicy().withMaxAttempts(n)));
            set(maxInlineWait, b::maxInlineWait);
            set(reserveHorizon, b::reserveHorizon);
            set(leaseLength, b::leaseLength);
            set(maxConcurrentSends, b::maxConcurrentSends);
            set(maxBuffered, b::maxBuffered);
            set(maxQueuedPerChat, b::maxQueuedPerChat);
            set(pollInterval, b::pollInterval);
            set(claimBatch, b::claimBatch);
            set(retryAfterMargin, b::retryAfterMargin);
            set(fatalPause, b::fatalPause);
            set(shutdownGrace, b::shutdownGrace);
            set(weightAlbumsByItems, b::weightAlbumsByItems);
            set(maxRedirects, b::maxRedirects);
            set(lateSendTolerance, b::lateSendTolerance);
            set(retryAfterScope, b::retryAfterScope);
            set(finishedRetention, b::finishedRetention);
            set(chatOrder, b::chatOrder);
            return b.build();
        }

        private static <T> void set(T value, Consumer<T> setter) {
            if (value != null) {
                setter.accept(value);
            }
        }
    }

    /**
     * @param maxWait how long one alert may wait for a rate-limit slot before the engine retries it later; at most
     *                {@code Notifier.MAX_BLOCKING} (5 s), because a notifier call may not hold the engine's alert thread longer
     */
    public record Notifier(@DefaultValue("4s") Duration maxWait) {
    }

    @Override
    public String toString() {
        return "BotDeliveryProperties[token=" + (token == null || token.isBlank() ? "none" : "***") + ", apiUrl=" + apiUrl
                + ", adminChatIds=" + adminChatIds + ", limiter=" + limiter + ", store=" + store
                + ", redis=" + redis
                + ", postgres=" + postgres + ", budgets=" + budgets + ", engine=" + engine + ", notifier=" + notifier + "]";
    }
}
