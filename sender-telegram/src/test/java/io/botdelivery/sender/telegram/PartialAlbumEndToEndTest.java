package io.botdelivery.sender.telegram;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.MediaSource;
import io.botdelivery.api.Payload;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.EngineConfig;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.limiter.local.LocalRateLimiter;
import io.botdelivery.simulator.AcceptedMessage;
import io.botdelivery.simulator.Fault;
import io.botdelivery.simulator.SimulatorConfig;
import io.botdelivery.simulator.TelegramSimulator;
import io.botdelivery.store.memory.InMemoryRetryStore;
import io.botdelivery.testkit.ManualScheduler;
import io.botdelivery.testkit.MutableClock;
import io.botdelivery.testkit.RecordingNotifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An album that Telegram delivers in part and answers with a plain 429 (the answer does not say anything arrived):
 * engine, local limiter, memory store and {@link TelegramSender} against the simulator on virtual time.
 */
@DisplayName("A partial album answered with a plain 429, end to end")
class PartialAlbumEndToEndTest {
    private static final long BUYER = 1001;
    private static final long OTHER = 1002;

    private final MutableClock clock = MutableClock.at("2026-07-01T12:00:00Z");
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final InMemoryRetryStore store = new InMemoryRetryStore();
    private final RecordingNotifier notifier = new RecordingNotifier();
    private TelegramSimulator telegram;
    private TelegramSender sender;
    private DeliveryEngine engine;

    @BeforeEach
    void start() {
        RateBudgets budgets = RateBudgets.telegramDefaults();
        telegram = TelegramSimulator.start(SimulatorConfig.builder().clock(clock).budgets(budgets)
                .arrivalJitterTolerance(Duration.ZERO).build());
        sender = new TelegramSender(TelegramSenderConfig.defaults(telegram.token()).withApiUrl(telegram.baseUrl()));
        engine = DeliveryEngine.builder().store(store).limiter(new LocalRateLimiter(budgets, clock)).sender(sender)
                .notifier(notifier).clock(clock).scheduler(scheduler).random(new Random(7))
                .config(EngineConfig.defaults().withWorkerId("albums")).build().start();
    }

    @AfterEach
    void stop() {
        engine.close();
        sender.close();
        telegram.close();
    }

    private DeliveryId submitAlbum(long chatId) {
        Payload.Album album = new Payload.Album(List.of(
                Payload.photo(MediaSource.url("https://example.com/1.jpg"), chatId + "-item1"),
                Payload.photo(MediaSource.url("https://example.com/2.jpg"), chatId + "-item2"),
                Payload.photo(MediaSource.url("https://example.com/3.jpg"), chatId + "-item3")));
        return engine.submit(DeliveryRequest.builder(chatId, album).build()).id();
    }

    private void runUntilEnded(DeliveryId... ids) {
        scheduler.advanceUntil(() -> List.of(ids).stream().allMatch(id -> ended(engine.find(id).orElseThrow())),
                Duration.ofMillis(100), Duration.ofMinutes(5));
    }

    private static boolean ended(Delivery d) {
        return d.status() == DeliveryStatus.DELIVERED || d.status() == DeliveryStatus.FAILED;
    }

    private Map<String, Long> arrivalsPerItem(long chatId) {
        return telegram.record().acceptedIn(chatId).stream()
                .collect(Collectors.groupingBy(AcceptedMessage::text, Collectors.counting()));
    }

    /** sendMediaGroup calls of which Telegram accepted at least one item (each gets its own media group id). */
    private long albumCalls(long chatId) {
        return telegram.record().acceptedIn(chatId).stream().map(AcceptedMessage::mediaGroupId).distinct().count();
    }

    @Test
    @DisplayName("one partial 429: the album is resent whole once and delivered; the first items arrive twice, none more")
    void resentWholeOnce() {
        telegram.faults().nextFor(BUYER, Fault.partialAlbumRateLimited(3, 2));
        DeliveryId id = submitAlbum(BUYER);

        runUntilEnded(id);

        assertThat(engine.find(id).orElseThrow().status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(albumCalls(BUYER)).isEqualTo(2);
        assertThat(arrivalsPerItem(BUYER)).containsOnly(Map.entry("1001-item1", 2L), Map.entry("1001-item2", 2L),
                Map.entry("1001-item3", 1L));
        assertThat(telegram.record().rateLimited()).as("429s from the limits (a resend inside the ban)").isEmpty();
    }

    @Test
    @DisplayName("a second partial 429: not resent again, FAILED as AMBIGUOUS with one alert; sent twice, no item more than twice")
    void notResentAgain() {
        telegram.faults().nextFor(BUYER, Fault.partialAlbumRateLimited(3, 2), Fault.partialAlbumRateLimited(2, 2),
                Fault.partialAlbumRateLimited(3, 2));
        DeliveryId id = submitAlbum(BUYER);

        runUntilEnded(id);

        Delivery d = engine.find(id).orElseThrow();
        assertThat(d.status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(d.lastErrorClass()).isEqualTo(FailureClass.AMBIGUOUS);
        assertThat(d.lastError()).contains("album may have arrived in part").contains("not resent again");
        assertThat(telegram.faults().pending()).as("the third scripted fault was never reached").isEqualTo(1);
        assertThat(albumCalls(BUYER)).isEqualTo(2);
        assertThat(arrivalsPerItem(BUYER).values()).allMatch(n -> n <= 2);
        scheduler.advanceUntil(() -> notifier.alerts().size() == 1, Duration.ofMillis(100), Duration.ofMinutes(1));
        assertThat(notifier.alerts()).hasSize(1);
    }

    @Test
    @DisplayName("the album's 429 pauses only its private chat: another buyer's album is not held for the retry_after")
    void othersNotPaused() {
        telegram.faults().nextFor(BUYER, Fault.partialAlbumRateLimited(2, 20));
        DeliveryId faulted = submitAlbum(BUYER);
        scheduler.advanceUntil(() -> telegram.faults().pending() == 0, Duration.ofMillis(100), Duration.ofMinutes(1));
        var faultedAt = clock.instant();
        DeliveryId other = submitAlbum(OTHER);

        scheduler.advanceUntil(() -> engine.find(other).orElseThrow().status() == DeliveryStatus.DELIVERED,
                Duration.ofMillis(100), Duration.ofMinutes(1));

        assertThat(Duration.between(faultedAt, clock.instant())).isLessThan(Duration.ofSeconds(20));
        assertThat(engine.find(faulted).orElseThrow().status()).isNotEqualTo(DeliveryStatus.DELIVERED);
        runUntilEnded(faulted);
        assertThat(engine.find(faulted).orElseThrow().status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(telegram.record().rateLimited()).isEmpty();
    }
}
