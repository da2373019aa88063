package io.botdelivery.sender.telegram;

import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.IdempotencyKey;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.EngineConfig;
import io.botdelivery.core.spi.LimitScope;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.core.spi.RateLimiter;
import io.botdelivery.core.spi.RetryAfterScopePolicy;
import io.botdelivery.core.spi.RateRequest;
import io.botdelivery.core.spi.Reservation;
import io.botdelivery.limiter.local.LocalRateLimiter;
import io.botdelivery.simulator.AcceptedMessage;
import io.botdelivery.simulator.Fault;
import io.botdelivery.simulator.SimulatorConfig;
import io.botdelivery.simulator.TelegramSimulator;
import io.botdelivery.store.memory.InMemoryRetryStore;
import io.botdelivery.testkit.ManualScheduler;
import io.botdelivery.testkit.limiter.ForwardingRateLimiter;
import io.botdelivery.testkit.MutableClock;
import io.botdelivery.testkit.RecordingNotifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.methods.GetMe;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.send.SendPhoto;
import org.telegram.telegrambots.meta.api.objects.InputFile;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardRow;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@link DeliveringTelegramClient} around a plain TelegramBots client, against the simulator, with the real engine,
 * limiter and {@link TelegramSender}. Virtual time: the engine's scheduler runs on the test thread, which moves the clock
 * shared by limiter and simulator while the callers block in {@code execute} on their own threads.
 */
@DisplayName("DeliveringTelegramClient: a plain TelegramBots client's sends through the engine")
class DeliveringTelegramClientTest {
    private final MutableClock clock = MutableClock.at("2026-07-01T12:00:00Z");
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private TelegramSimulator telegram;
    private TelegramSender sender;
    private DeliveryEngine engine;
    private LocalRateLimiter limiter;
    private OkHttpTelegramClient plain;

    @BeforeEach
    void start() {
        telegram = TelegramSimulator.start(SimulatorConfig.builder().clock(clock).build());
        sender = new TelegramSender(TelegramSenderConfig.defaults(telegram.token()).withApiUrl(telegram.baseUrl()));
        limiter = new LocalRateLimiter(RateBudgets.telegramDefaults(), clock);
        engine = DeliveryEngine.builder().store(new InMemoryRetryStore()).limiter(limiter)
                .sender(sender).notifier(new RecordingNotifier()).clock(clock).scheduler(scheduler).random(new Random(7))
                .config(EngineConfig.defaults().withWorkerId("decorator")).build();
        plain = new OkHttpTelegramClient(telegram.token(),
                new TelegramUrl("http", telegram.host(), telegram.port(), false));
    }

    @AfterEach
    void stop() throws Exception {
        engine.close();
        sender.close();
        telegram.close();
    }

    /** One call as its thread saw it: when it started and returned (a global ticket), and what it returned. */
    private record Call(long chatId, String text, long startTicket, long endTicket, Message returned) {
    }

    @Test
    @DisplayName("200 execute(SendMessage) from 8 threads at 20 chats: no 429, each chat in call order, each returns its Message")
    void twoHundredCallsFromEightThreads() throws Exception {
        engine.start();
        DeliveringTelegramClient client = DeliveringTelegramClient.wrap(plain, engine, sender, limiter);
        AtomicLong tickets = new AtomicLong();
        ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            running.add(threads.submit(() -> {
                for (int i = 0; i < 25; i++) {
                    // each chat gets 10 calls, from several threads, some of them at once
                    long chatId = 1_000 + (thread * 25 + i) % 20;
                    String text = "t" + thread + "-" + i;
                    long start = tickets.incrementAndGet();
                    try {
                        Message m = client.execute(SendMessage.builder().chatId(chatId).text(text).build());
                        calls.add(new Call(chatId, text, start, tickets.incrementAndGet(), m));
                    } catch (Exception | AssertionError e) {
                        errors.add(e);
                        return;
                    }
                }
            }));
        }
        advanceWhile(() -> running.stream().anyMatch(f -> !f.isDone()));
        threads.shutdown();
        assertThat(errors).isEmpty();
        assertThat(calls).hasSize(200);

        assertThat(telegram.record().rateLimited()).isEmpty();
        assertThat(telegram.record().windowOvershoots()).isEmpty();
        Map<Long, List<Call>> byChat = calls.stream().collect(Collectors.groupingBy(Call::chatId));
        assertThat(byChat).hasSize(20);
        for (Map.Entry<Long, List<Call>> chat : byChat.entrySet()) {
            List<AcceptedMessage> arrived = telegram.record().acceptedIn(chat.getKey());
            List<String> order = arrived.stream().map(AcceptedMessage::text).toList();
            assertThat(order).hasSize(10).containsExactlyInAnyOrderElementsOf(
                    chat.getValue().stream().map(Call::text).toList());
            for (Call a : chat.getValue()) {
                // the Message Telegram answered, not a reconstruction: id, chat, text and date as the simulator gave them
                AcceptedMessage accepted = arrived.get(order.indexOf(a.text()));
                assertThat(a.returned().getMessageId().longValue()).isEqualTo(accepted.messageId());
                assertThat(a.returned().getChatId()).isEqualTo(chat.getKey());
                assertThat(a.returned().getText()).isEqualTo(a.text());
                assertThat(a.returned().getDate()).isNotNull();
                for (Call b : chat.getValue()) {
                    if (a.endTicket() < b.startTicket()) {
                        // a returned before b was called: a was called first, so it must have arrived first
                        assertThat(order.indexOf(a.text())).as("%s before %s in chat %d", a.text(), b.text(), a.chatId())
                                .isLessThan(order.indexOf(b.text()));
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("executeAsync from one thread: each chat's messages arrive exactly in call order, with an inline keyboard")
    void asyncCallsKeepCallOrder() throws Exception {
        engine.start();
        DeliveringTelegramClient client = DeliveringTelegramClient.wrap(plain, engine, sender, limiter);
        List<CompletableFuture<Message>> futures = new ArrayList<>();
        InlineKeyboardMarkup buy = new InlineKeyboardMarkup(List.of(new InlineKeyboardRow(
                InlineKeyboardButton.builder().text("Buy").callbackData("buy:7").build())));
        for (int i = 0; i < 30; i++) {
            futures.add(client.executeAsync(SendMessage.builder().chatId(2_000L + i % 3).text("m" + i)
                    .replyMarkup(buy).build()));
        }
        advanceWhile(() -> futures.stream().anyMatch(f -> !f.isDone()));

        for (int chat = 0; chat < 3; chat++) {
            List<String> expected = new ArrayList<>();
            for (int i = chat; i < 30; i += 3) {
                expected.add("m" + i);
            }
            List<AcceptedMessage> arrived = telegram.record().acceptedIn(2_000 + chat);
            assertThat(arrived).extracting(AcceptedMessage::text).containsExactlyElementsOf(expected);
            assertThat(arrived).allSatisfy(m -> assertThat(m.jsonParameter("reply_markup")
                    .at("/inline_keyboard/0/0/callback_data").asText()).isEqualTo("buy:7"));
        }
        for (int i = 0; i < 30; i++) {
            Message m = futures.get(i).join();
            assertThat(m.getText()).isEqualTo("m" + i);
            assertThat(m.getChatId()).isEqualTo(2_000L + i % 3);
        }
        assertThat(telegram.record().rateLimited()).isEmpty();
    }

    @Test
    @DisplayName("withIdempotencyKeys: the same calls made again under the same prefix send nothing twice and answer with what was sent")
    void keyedViewsSendOnce() throws Exception {
        engine.start();
        DeliveringTelegramClient client = DeliveringTelegramClient.wrap(plain, engine, sender, limiter);
        for (int handling = 0; handling < 2; handling++) {
            // one update handled twice: a fresh view per handling, the same calls in the same order
            DeliveringTelegramClient replies = client.withIdempotencyKeys("update:77");
            CompletableFuture<Message> first = replies.executeAsync(SendMessage.builder().chatId(6_000L).text("one").build());
            CompletableFuture<Message> second = replies.executeAsync(SendMessage.builder().chatId(6_000L).text("two").build());
            advanceWhile(() -> !first.isDone() || !second.isDone());
            assertThat(first.join().getChatId()).isEqualTo(6_000L);
            assertThat(second.join().getMessageId().longValue()).isEqualTo(telegram.record().acceptedIn(6_000).get(1).messageId());
        }
        // another update's view counts its own keys
        CompletableFuture<Message> other = client.withIdempotencyKeys("update:78")
                .executeAsync(SendMessage.builder().chatId(6_000L).text("three").build());
        advanceWhile(() -> !other.isDone());

        assertThat(telegram.record().acceptedIn(6_000)).extracting(AcceptedMessage::text).containsExactly("one", "two", "three");
        assertThat(engine.findByIdempotencyKey(IdempotencyKey.of("update:77:2")).orElseThrow().status())
                .isEqualTo(DeliveryStatus.DELIVERED);
        assertThatThrownBy(() -> client.withIdempotencyKeys(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.withIdempotencyKeys("x".repeat(DeliveringTelegramClient.MAX_KEY_PREFIX_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("getMe passes through to the plain client: no delivery, no message")
    void nonMessagesPassThrough() throws Exception {
        engine.start();
        DeliveringTelegramClient client = DeliveringTelegramClient.wrap(plain, engine, sender, limiter);
        User me = client.execute(new GetMe());
        assertThat(me.getIsBot()).isTrue();
        assertThat(me.getId()).isEqualTo(telegram.config().botId());
        assertThat(engine.summary().total()).isZero();
        assertThat(telegram.record().accepted()).isEmpty();
    }

    @Test
    @DisplayName("a new upload goes to the plain client with its chat's slot taken from the shared limiter")
    void uploadTakesItsSlot() throws Exception {
        engine.start();
        DeliveringTelegramClient client = DeliveringTelegramClient.wrap(plain, engine, sender, limiter);
        Message photo = client.execute(SendPhoto.builder().chatId(5_000L)
                .photo(new InputFile(new java.io.ByteArrayInputStream(new byte[] {1, 2, 3}), "p.jpg")).build());

        assertThat(photo.hasPhoto()).isTrue();
        assertThat(telegram.record().acceptedIn(5_000)).singleElement()
                .satisfies(m -> assertThat(m.origin()).isEqualTo(AcceptedMessage.Origin.UPLOAD));
        // not a delivery, but the chat's slot is spent: the next send to the chat waits its interval
        assertThat(engine.summary().total()).isZero();
        Reservation next = limiter.reserve(RateRequest.of(5_000), Duration.ofSeconds(5));
        assertThat(((Reservation.Granted) next).delay()).isPositive();
    }

    @Test
    @DisplayName("a new upload whose slot is ahead reads the bot-wide pause again before it, and waits out a 429 pause taken meanwhile")
    void uploadWaitsOutAPauseTakenWhileItWaited() throws Exception {
        engine.start();
        limiter.reserve(RateRequest.of(5_001), Duration.ZERO); // the chat just sent: the upload's slot is ahead
        List<Duration> delays = new CopyOnWriteArrayList<>();
        RateLimiter watched = new ForwardingRateLimiter(limiter) {
            @Override
            public Reservation reserve(RateRequest request, Duration horizon) {
                Reservation r = super.reserve(request, horizon);
                delays.add(((Reservation.Granted) r).delay());
                return r;
            }
        };
        DeliveringTelegramClient client = DeliveringTelegramClient.wrap(plain, engine, sender, watched);
        long start = System.nanoTime();
        CompletableFuture<Message> upload = client.executeAsync(SendPhoto.builder().chatId(5_001L)
                .photo(new InputFile(new java.io.ByteArrayInputStream(new byte[] {1, 2, 3}), "p.jpg")).build());
        // while it waits for its slot, the engine (or another instance) meets a bot-wide 429 (the clock stands still,
        // so the pause stays 500 ms whenever it is read)
        await().atMost(Duration.ofSeconds(5)).until(() -> !delays.isEmpty());
        limiter.penalize(LimitScope.global(), Duration.ofMillis(500));

        upload.get(30, TimeUnit.SECONDS);
        // it left no earlier than its slot plus the pause read before it (the old rule read the pause only at the grant)
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(delays.get(0).plusMillis(500));
        assertThat(telegram.record().acceptedIn(5_001)).hasSize(1);
    }

    @Test
    @DisplayName("a new upload answered 429 pauses the scope the engine's policy names, for retry_after plus a second")
    void upload429PausesAsTheEngineWould() {
        engine.start();
        telegram.faults().nextFor(5_002, Fault.error(429, "Too Many Requests: retry after 3").withParameter("retry_after", 3));
        DeliveringTelegramClient client = DeliveringTelegramClient.wrap(plain, engine, sender, limiter);
        assertThatThrownBy(() -> client.execute(SendPhoto.builder().chatId(5_002L)
                .photo(new InputFile(new java.io.ByteArrayInputStream(new byte[] {1, 2, 3}), "p.jpg")).build()))
                .isInstanceOf(TelegramApiRequestException.class);
        // a private chat's 429 is the bot's (PRIVATE_CHAT_IS_GLOBAL, the engine's default): every chat waits
        assertThat(limiter.globalPause()).isEqualTo(Duration.ofSeconds(4));
        DeliveringTelegramClient asReported = client.withRetryAfterScope(RetryAfterScopePolicy.AS_REPORTED);
        telegram.faults().nextFor(5_003, Fault.error(429, "Too Many Requests: retry after 3").withParameter("retry_after", 3));
        clock.advance(Duration.ofSeconds(5));
        assertThatThrownBy(() -> asReported.execute(SendPhoto.builder().chatId(5_003L)
                .photo(new InputFile(new java.io.ByteArrayInputStream(new byte[] {1, 2, 3}), "p.jpg")).build()))
                .isInstanceOf(TelegramApiRequestException.class);
        assertThat(limiter.globalPause()).isZero();
    }

    @Test
    @DisplayName("a send not delivered within the cap is cancelled and reported, and never sent")
    void notWithinTheCap() {
        // the engine is not started: the delivery is stored, nobody sends it
        DeliveringTelegramClient client = DeliveringTelegramClient.wrap(plain, engine, sender, limiter)
                .withMaxWait(Duration.ofMillis(200));
        assertThatThrownBy(() -> client.execute(SendMessage.builder().chatId(3_000L).text("late").build()))
                .isInstanceOfSatisfying(UndeliveredException.class, e -> {
                    assertThat(e.mayStillArrive()).isFalse();
                    assertThat(e.delivery()).isEmpty();
                    assertThat(engine.find(e.deliveryId()).orElseThrow().status()).isEqualTo(DeliveryStatus.CANCELLED);
                });
        engine.start();
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(telegram.record().accepted()).isEmpty();
    }

    @Test
    @DisplayName("a send Telegram refuses for good fails the call with the delivery and Telegram's reason")
    void refusedForGood() throws Exception {
        telegram.chats().block(4_000);
        engine.start();
        DeliveringTelegramClient client = DeliveringTelegramClient.wrap(plain, engine, sender, limiter);
        CompletableFuture<Message> call = client.executeAsync(SendMessage.builder().chatId(4_000L).text("hi").build());
        advanceWhile(() -> !call.isDone());
        assertThat(call).failsWithin(Duration.ZERO).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause().isInstanceOfSatisfying(UndeliveredException.class, e -> {
                    assertThat(e.mayStillArrive()).isFalse();
                    assertThat(e.delivery().orElseThrow().lastErrorClass()).isEqualTo(FailureClass.PERMANENT_RECIPIENT);
                    assertThat(e.getMessage()).contains("blocked");
                });
    }

    /**
     * Moves virtual time in small steps while {@code busy} holds, pausing a millisecond of real time between steps so
     * the callers' threads get to submit. Bounded in real time, since the callers run in real time.
     */
    private void advanceWhile(BooleanSupplier busy) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (busy.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("callers still waiting after 120 s of real time");
            }
            scheduler.advance(Duration.ofMillis(50));
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
