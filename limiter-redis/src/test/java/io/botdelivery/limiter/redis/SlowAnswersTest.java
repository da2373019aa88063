package io.botdelivery.limiter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.botdelivery.core.spi.RateLimiterUnavailableException;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import io.botdelivery.testkit.redis.RedisServerExtension;
import io.botdelivery.testkit.redis.RedisUrl;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Answers that reach the instance long after Redis decided (a stalled host, a slow link): the script counts the slot
 * from its decision, so the grant's delay must count from then too, and a slot that passed before its answer came must
 * not be sent that late. Answers are held back by a TCP proxy between the limiter and Redis.
 */
@DisplayName("RedisRateLimiter, answers that come back late")
class SlowAnswersTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.embeddedOrFromEnv();

    private static final Duration HORIZON = Duration.ofSeconds(3);
    private static final long STALL_MICROS = 300_000;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private StallingProxy proxy;
    private RedisRateLimiter limiter;

    @BeforeEach
    void start() throws IOException {
        RedisUrl redis = REDIS.url();
        proxy = new StallingProxy(redis.host(), redis.port());
        limiter = throughProxy("slow-", Duration.ofSeconds(2), registry);
        // quick answers first: the limiter learns how long a quick answer takes (on the paid lane, 1 ms apart, so
        // that the standard lane's next slot is now)
        for (int chat = 1000; chat < 1010; chat++) {
            assertThat(limiter.reserve(new RateRequest(chat, 1, true), HORIZON)).isInstanceOf(Reservation.Granted.class);
        }
    }

    @AfterEach
    void stop() throws IOException {
        limiter.close();
        proxy.close();
    }

    @Test
    @DisplayName("a grant's delay counts from the decision: an answer 300 ms late leaves 300 ms less to wait")
    void delayCountsFromTheDecision() {
        limiter.reserve(RateRequest.of(7), HORIZON);
        proxy.stallNextAnswers(1, STALL_MICROS);
        long askedAt = Micros.now(Clock.systemUTC());
        Decision second = limiter.decide(RateRequest.of(7), HORIZON).join();
        long answeredAt = Micros.now(Clock.systemUTC());

        long delay = Micros.of(((Reservation.Granted) second.reservation()).delay());
        assertThat(second.slotMicros() - answeredAt).as("the delay leads to the slot Redis counted, from the answer")
                .isBetween(delay - 20_000, delay + 20_000);
        assertThat(second.slotMicros() - askedAt - delay).as("the stall is not waited a second time")
                .isGreaterThan(STALL_MICROS - 20_000);
        assertThat(delay).as("a private chat's second message: about a window after the first, less the stall")
                .isBetween(500_000L, 850_000L);
        assertThat(lateAnswers("asked_again") + lateAnswers("kept")).isZero();
    }

    @Test
    @DisplayName("a slot that passed before its answer came is given back and asked for again, not sent late")
    void passedSlotIsAskedForAgain() {
        proxy.stallNextAnswers(1, STALL_MICROS);
        Decision decision = limiter.decide(RateRequest.of(8), HORIZON).join();
        long answeredAt = Micros.now(Clock.systemUTC());

        assertThat(lateAnswers("asked_again")).isEqualTo(1);
        assertThat(decision.granted()).isTrue();
        assertThat(decision.slotMicros()).as("the slot of the grant kept is not in the past")
                .isGreaterThan(answeredAt - RedisRateLimiter.LATE_SLOT_TOLERANCE_MICROS);
        assertThat(decision.slotMicros() - answeredAt).as("nor further ahead than the lead")
                .isLessThanOrEqualTo(AnswerAges.MAX_LEAD_MICROS);
        // the passed grant no longer counts: chat 8 (1 message a second) had a slot 300 ms ago and has another now
        assertThat(lateAnswers("kept")).isZero();
    }

    @Test
    @DisplayName("answers late every time: the second grant is kept (counted), and the lead grows so later slots are placed ahead")
    void lastingStallRaisesTheLead() {
        proxy.stallNextAnswers(Integer.MAX_VALUE, 60_000);
        for (int chat = 20; chat < 40; chat++) {
            assertThat(limiter.reserve(RateRequest.of(chat), HORIZON)).isInstanceOf(Reservation.Granted.class);
        }
        assertThat(lateAnswers("asked_again")).as("only until the lead covered the stall").isLessThan(10);
        Decision later = limiter.decide(RateRequest.of(50), HORIZON).join();
        long answeredAt = Micros.now(Clock.systemUTC());
        assertThat(later.slotMicros()).as("placed ahead by the lead: not more than the tolerance late")
                .isGreaterThan(answeredAt - RedisRateLimiter.LATE_SLOT_TOLERANCE_MICROS);
    }

    @Test
    @DisplayName("a call that runs out of time while Redis answers others is asked again, not taken for an outage")
    void timeoutWhileOthersAnswerIsNoOutage() throws Exception {
        SimpleMeterRegistry busyRegistry = new SimpleMeterRegistry();
        try (RedisRateLimiter busy = throughProxy("busy-", Duration.ofMillis(200), busyRegistry)) {
            busy.warmedUp().join();
            assertThat(busy.reserve(RateRequest.of(60), HORIZON)).isInstanceOf(Reservation.Granted.class);
            // the next answer is held back past the response timeout; the calls after it, on other connections, are not
            proxy.stallNextAnswers(1, 500_000);
            CompletableFuture<Reservation> held = busy.reserveAsync(RateRequest.of(61), HORIZON);
            // its answer is the one held back: the calls after it find the proxy forwarding again
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.stallsLeft() == 0);
            for (int chat = 62; chat < 66; chat++) {
                assertThat(busy.reserve(RateRequest.of(chat), HORIZON)).isInstanceOf(Reservation.Granted.class);
            }

            assertThat(held.get(5, TimeUnit.SECONDS)).isInstanceOf(Reservation.Granted.class);
            assertThat(busyRegistry.get(LimiterMetrics.OVERLOADED_CALLS).tag("then", "asked_again").counter().count())
                    .isEqualTo(1);
            assertThat(busyRegistry.get(LimiterMetrics.SWITCHES).tag("to", "unavailable").counter().count())
                    .as("switches to the outage mode").isZero();
            assertThat(busy.mode()).isEqualTo(RedisRateLimiter.Mode.REDIS);
        }
    }

    @Test
    @DisplayName("a call that runs out of time while nothing answers is an outage, as before")
    void timeoutWhileNothingAnswersIsAnOutage() {
        SimpleMeterRegistry silentRegistry = new SimpleMeterRegistry();
        try (RedisRateLimiter silent = throughProxy("silent-", Duration.ofMillis(200), silentRegistry)) {
            silent.warmedUp().join();
            assertThat(silent.reserve(RateRequest.of(70), HORIZON)).isInstanceOf(Reservation.Granted.class);
            proxy.stallNextAnswers(Integer.MAX_VALUE, 500_000);

            assertThatThrownBy(() -> silent.reserve(RateRequest.of(71), HORIZON))
                    .isInstanceOf(RateLimiterUnavailableException.class);
            assertThat(silent.mode()).isEqualTo(RedisRateLimiter.Mode.UNAVAILABLE);
            assertThat(silentRegistry.get(LimiterMetrics.OVERLOADED_CALLS).tag("then", "asked_again").counter().count())
                    .isZero();
        }
    }

    /** A limiter of its own (a new bot id) that reaches Redis through the proxy. */
    private RedisRateLimiter throughProxy(String botPrefix, Duration responseTimeout, SimpleMeterRegistry meters) {
        RedisUrl redis = REDIS.url();
        RedisRateLimiterConfig.Builder config = RedisRateLimiterConfig.builder(botPrefix + System.nanoTime())
                .address("redis://127.0.0.1:" + proxy.port()).responseTimeout(responseTimeout);
        redis.password().ifPresent(config::password);
        return RedisRateLimiter.create(config.database(redis.database()).build(), Clock.systemUTC(), meters);
    }

    private double lateAnswers(String then) {
        return registry.get(LimiterMetrics.LATE_ANSWERS).tag("then", then).counter().count();
    }

    /** Forwards bytes both ways; holds back the next answers (Redis to the limiter) for a while when told to. */
    private static final class StallingProxy implements AutoCloseable {
        private final ServerSocket server;
        private final String host;
        private final int port;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final AtomicInteger stallsLeft = new AtomicInteger();
        private volatile long stallMicros;

        StallingProxy(String host, int port) throws IOException {
            this.host = host;
            this.port = port;
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            daemon(this::accept);
        }

        int port() {
            return server.getLocalPort();
        }

        /** How many of the next answers are still to be held back. */
        int stallsLeft() {
            return stallsLeft.get();
        }

        void stallNextAnswers(int count, long micros) {
            stallMicros = micros;
            stallsLeft.set(count);
        }

        private void accept() {
            try {
                while (true) {
                    Socket client = server.accept();
                    Socket upstream = new Socket(host, port);
                    client.setTcpNoDelay(true);
                    upstream.setTcpNoDelay(true);
                    sockets.add(client);
                    sockets.add(upstream);
                    daemon(() -> pump(client, upstream, false));
                    daemon(() -> pump(upstream, client, true));
                }
            } catch (IOException closed) {
                // the proxy is closed
            }
        }

        private void pump(Socket from, Socket to, boolean answers) {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (answers && stallsLeft.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                        Thread.sleep(stallMicros / 1000);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException closed) {
                // one side closed
            }
        }

        private static void daemon(Runnable task) {
            Thread thread = new Thread(task, "stalling-proxy");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }
}
