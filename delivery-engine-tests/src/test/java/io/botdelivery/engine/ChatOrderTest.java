package io.botdelivery.engine;

import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.Payload;
import io.botdelivery.core.ChatOrder;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.EngineConfig;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.Reservation;
import io.botdelivery.limiter.local.LocalRateLimiter;
import io.botdelivery.store.memory.InMemoryRetryStore;
import io.botdelivery.testkit.ManualScheduler;
import io.botdelivery.testkit.MutableClock;
import io.botdelivery.testkit.ScriptedSender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link EngineConfig#chatOrder()}: whether a chat's paid broadcasts wait for its standard deliveries. */
@DisplayName("Per-chat order across the budget lanes")
class ChatOrderTest {
    static final long USER = 1001;

    final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");
    final ManualScheduler scheduler = new ManualScheduler(clock);
    final InMemoryRetryStore store = new InMemoryRetryStore();
    final ScriptedSender sender = new ScriptedSender(clock);
    final Instant start = clock.instant();
    final List<DeliveryEngine> engines = new ArrayList<>();

    DeliveryEngine engine(ChatOrder order, RateLimiter limiter) {
        DeliveryEngine e = DeliveryEngine.builder().store(store).limiter(limiter).sender(sender).clock(clock)
                .scheduler(scheduler).config(EngineConfig.defaults().withWorkerId("order-" + order).withChatOrder(order))
                .build().start();
        engines.add(e);
        scheduler.runDue();
        return e;
    }

    /**
     * Answered sends to chats of their own, so the engine's cold start (one delivery between reservation and outcome
     * until the first answer, one more per answer) allows several of the chat's deliveries at once.
     */
    DeliveryEngine warm(DeliveryEngine engine, int answers) {
        for (int i = 0; i < answers; i++) {
            engine.submit(standard(9_900 + i, "warm-up"));
            scheduler.runDue();
        }
        return engine;
    }

    @AfterEach
    void close() {
        engines.forEach(DeliveryEngine::close);
    }

    static DeliveryRequest standard(long chat, String text) {
        return DeliveryRequest.builder(chat, Payload.text(text)).build();
    }

    static DeliveryRequest paid(long chat, String text) {
        return DeliveryRequest.builder(chat, Payload.text(text)).allowPaidBroadcast(true).build();
    }

    List<String> textsSentTo(long chatId) {
        return sender.callsTo(chatId).stream().map(c -> ((Payload.Text) c.request().payload()).text()).toList();
    }

    List<String> sentBy(Duration elapsed) {
        return sender.callsTo(USER).stream().filter(c -> !c.at().isAfter(start.plus(elapsed)))
                .map(c -> ((Payload.Text) c.request().payload()).text()).toList();
    }

    /**
     * Three standard deliveries to a chat, the first waiting 10 s for its slot (a saturated standard lane), then two paid
     * broadcasts to the same chat.
     */
    void standardBacklogThenPaid(DeliveryEngine engine) {
        engine.submit(standard(USER, "s1"));
        engine.submit(standard(USER, "s2"));
        engine.submit(standard(USER, "s3"));
        engine.submit(paid(USER, "p1"));
        engine.submit(paid(USER, "p2"));
        scheduler.runDue();
    }

    @Test
    @DisplayName("the default keeps submission order per chat: a paid broadcast waits for the chat's standard backlog")
    void defaultIsSubmissionOrder() {
        assertThat(EngineConfig.defaults().chatOrder()).isEqualTo(ChatOrder.SUBMISSION);
        TestLimiter limiter = new TestLimiter().script(Reservation.granted(Duration.ofSeconds(10)));
        standardBacklogThenPaid(engine(ChatOrder.SUBMISSION, limiter));

        assertThat(sentBy(Duration.ofSeconds(9))).as("everything waits behind s1's slot").isEmpty();
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(textsSentTo(USER)).containsExactly("s1", "s2", "s3", "p1", "p2");
    }

    @Test
    @DisplayName("PAID_FIRST: a paid broadcast overtakes the chat's queued standard deliveries; each lane keeps its order")
    void paidOvertakesStandardBacklog() {
        TestLimiter limiter = new TestLimiter();
        DeliveryEngine engine = warm(engine(ChatOrder.PAID_FIRST, limiter), 4);
        limiter.script(Reservation.granted(Duration.ofSeconds(10)));
        standardBacklogThenPaid(engine);

        assertThat(sentBy(Duration.ZERO)).as("the paid lane does not wait for s1's slot").containsExactly("p1", "p2");
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(textsSentTo(USER)).containsExactly("p1", "p2", "s1", "s2", "s3");
    }

    @Test
    @DisplayName("PAID_FIRST: a paid broadcast sharing an ordering key with an earlier standard delivery still waits for it")
    void orderingKeySpansTheLanes() {
        TestLimiter limiter = new TestLimiter();
        DeliveryEngine engine = warm(engine(ChatOrder.PAID_FIRST, limiter), 4);
        limiter.script(Reservation.granted(Duration.ofSeconds(10)));
        engine.submit(DeliveryRequest.builder(USER, Payload.text("invoice")).orderingKey("order-7").build());
        engine.submit(DeliveryRequest.builder(USER, Payload.text("receipt")).orderingKey("order-7").allowPaidBroadcast(true)
                .build());
        engine.submit(paid(USER, "newsletter"));
        scheduler.runDue();

        assertThat(sentBy(Duration.ofSeconds(9))).as("the keyless paid broadcast overtakes; the keyed one waits")
                .containsExactly("newsletter");
        scheduler.advance(Duration.ofSeconds(15));
        assertThat(textsSentTo(USER)).containsExactly("newsletter", "invoice", "receipt");
    }

    @Test
    @DisplayName("PAID_FIRST on Telegram's budgets: a paid broadcast leaves at the chat's first free slot, not after "
            + "its 20-s standard backlog, and the chat still gets at most 1 msg/s across both lanes")
    void paidOvertakesOnTelegramBudgets() {
        for (ChatOrder order : ChatOrder.values()) {
            Instant from = clock.instant();
            DeliveryEngine engine = engine(order, new LocalRateLimiter(RateBudgets.telegramDefaults(), clock));
            long chat = USER + order.ordinal() * 100;
            for (int i = 1; i <= 20; i++) {
                engine.submit(standard(chat, "s" + i));
            }
            scheduler.advance(Duration.ofMillis(500));
            engine.submit(paid(chat, "p1"));
            engine.submit(paid(chat, "p2"));
            scheduler.advanceUntil(() -> sender.callsTo(chat).size() == 22, Duration.ofMillis(100), Duration.ofMinutes(1));

            List<ScriptedSender.Call> calls = sender.callsTo(chat);
            List<String> texts = calls.stream().map(c -> ((Payload.Text) c.request().payload()).text()).toList();
            assertThat(texts.stream().filter(t -> t.startsWith("s")).toList()).as(order + ": the standard lane in order")
                    .containsExactly("s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14",
                            "s15", "s16", "s17", "s18", "s19", "s20");
            assertThat(texts.stream().filter(t -> t.startsWith("p")).toList()).as(order + ": the paid lane in order")
                    .containsExactly("p1", "p2");
            for (int i = 1; i < calls.size(); i++) {
                assertThat(Duration.between(calls.get(i - 1).at(), calls.get(i).at())).as(order + ": the chat's 1 msg/s")
                        .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            }
            Duration p1After = Duration.between(from, calls.get(texts.indexOf("p1")).at());
            if (order == ChatOrder.SUBMISSION) {
                assertThat(texts.indexOf("p1")).as("behind the whole standard backlog").isEqualTo(20);
                assertThat(p1After).isGreaterThanOrEqualTo(Duration.ofSeconds(20));
            } else {
                // when p1 arrives (0.5 s) s1 was sent at 0 s and s2, already active, holds the chat's slot at 1 s; p1
                // takes the next one (2 s), p2 the one after, and only then does the standard lane go on
                assertThat(texts.subList(0, 5)).containsExactly("s1", "s2", "p1", "p2", "s3");
                assertThat(p1After).isLessThanOrEqualTo(Duration.ofMillis(2500));
            }
            assertThat(store.count(DeliveryStatus.DELIVERED)).isEqualTo(22L * (order.ordinal() + 1));
            engine.close();
        }
    }
}
