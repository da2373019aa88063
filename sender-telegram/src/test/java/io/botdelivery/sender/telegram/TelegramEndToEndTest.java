package io.botdelivery.sender.telegram;

import io.botdelivery.api.AmbiguousOutcomePolicy;
import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.DeliveryStatus;
import io.botdelivery.api.FailureClass;
import io.botdelivery.api.MediaSource;
import io.botdelivery.api.Payload;
import io.botdelivery.core.DeliveryEngine;
import io.botdelivery.core.EngineConfig;
import io.botdelivery.core.TaskScheduler;
import io.botdelivery.core.ThreadPoolTaskScheduler;
import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.RateBudgets;
import io.botdelivery.limiter.local.LocalRateLimiter;
import io.botdelivery.store.memory.InMemoryRetryStore;
import io.botdelivery.testkit.ManualScheduler;
import io.botdelivery.testkit.MutableClock;
import io.botdelivery.testkit.RecordingNotifier;
import io.botdelivery.simulator.AcceptedMessage;
import io.botdelivery.simulator.Fault;
import io.botdelivery.simulator.FaultRates;
import io.botdelivery.simulator.SimulatorConfig;
import io.botdelivery.simulator.SimulatorRecord;
import io.botdelivery.simulator.TelegramSimulator;
import io.botdelivery.simulator.WindowScope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole path: {@link DeliveryEngine} + {@link LocalRateLimiter} + {@link InMemoryRetryStore} + {@link TelegramSender}
 * against the {@link TelegramSimulator} with Telegram's real budgets and 2 % of every fault kind, over real HTTP.
 */
@DisplayName("End to end: engine, local limiter, memory store and TelegramSender against the simulator")
class TelegramEndToEndTest {
    private static final Logger log = LoggerFactory.getLogger(TelegramEndToEndTest.class);
    private static final FaultRates TWO_PERCENT_OF_EACH = FaultRates.each(0.02, 20260701).withLatencyDelay(Duration.ofMillis(100));

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable r : resources) {
            r.close();
        }
    }

    /**
     * Virtual time: the engine's {@link ManualScheduler}, the limiter and the simulator share one {@link MutableClock},
     * so a send goes out exactly at its slot and minutes of Telegram's budget pass in seconds; the simulator checks its
     * windows with no arrival tolerance at all, and nothing depends on how busy the machine is.
     */
    @Test
    @DisplayName("delivers 2,000 messages to 300 chats (albums, groups, uploads, a migration) with 0 lost, 0 × 429, "
            + "0 window overshoot, and duplicates only where an accepted send lost its answer (none with GIVE_UP)")
    void twoThousandMessages() {
        MutableClock clock = MutableClock.at("2026-07-01T12:00:00Z");
        ManualScheduler scheduler = new ManualScheduler(clock);
        Scenario scenario = new Scenario(clock, scheduler, RateBudgets.telegramDefaults(), Duration.ZERO, 240, 60);
        scenario.submit(2000);
        Instant start = clock.instant();
        scheduler.advanceUntil(scenario::settled, Duration.ofMillis(100), Duration.ofHours(2));
        scenario.verify("virtual time", Duration.between(start, clock.instant()), true);
    }

    /**
     * Real time and real threads: the engine's thread pool sends concurrently through OkHttp's connection pool. Arrival
     * times then carry scheduling and network jitter, which on a machine shared with other builds reaches tens of
     * milliseconds, so the simulator tolerates 150 ms of it. The group budget is scaled to 20 per 10 s (the same
     * configuration in the limiter and the simulator), or a group receiving three albums would keep the test waiting
     * for most of a minute; the other budgets are Telegram's.
     */
    @Test
    @DisplayName("delivers 300 messages to 100 chats on real time and real threads with the same guarantees")
    void realTime() {
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler(18);
        resources.add(scheduler);
        RateBudgets budgets = RateBudgets.telegramDefaults().withGroupChat(Budget.of(20, Duration.ofSeconds(10)));
        Scenario scenario = new Scenario(Clock.systemUTC(), scheduler, budgets, Duration.ofMillis(150), 80, 20);
        Instant start = Instant.now();
        scenario.submit(300);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(scenario::settled);
        scenario.verify("real time", Duration.between(start, Instant.now()), false);
    }

    /** One run: the simulator, the engine around the real sender, what was submitted, and the checks. */
    private final class Scenario {
        private final TelegramSimulator telegram;
        private final InMemoryRetryStore store = new InMemoryRetryStore();
        private final RecordingNotifier notifier = new RecordingNotifier();
        private final DeliveryEngine engine;
        private final int privateChats;
        private final int groups;
        private final long migratingGroup;
        private final long itsSupergroup;
        private final byte[] receipt = "%PDF-1.7 the same receipt template for everyone".getBytes(StandardCharsets.UTF_8);
        /** What each delivery should put in front of its recipient: one content per message. */
        private final Map<DeliveryId, List<String>> expected = new LinkedHashMap<>();
        private final Map<DeliveryId, AmbiguousOutcomePolicy> policies = new LinkedHashMap<>();

        Scenario(Clock clock, TaskScheduler scheduler, RateBudgets budgets, Duration jitterTolerance, int privateChats,
                 int groups) {
            this.privateChats = privateChats;
            this.groups = groups;
            this.migratingGroup = -5_007;
            this.itsSupergroup = -1_000_000_005_007L;
            this.telegram = TelegramSimulator.start(SimulatorConfig.builder().clock(clock).budgets(budgets)
                    .arrivalJitterTolerance(jitterTolerance).faultRates(TWO_PERCENT_OF_EACH).build());
            TelegramSender sender = new TelegramSender(TelegramSenderConfig.defaults(telegram.token())
                    .withApiUrl(telegram.baseUrl()));
            this.engine = DeliveryEngine.builder().store(store)
                    // the limiter fills each window exactly, so a send that arrives late next to one on time would put
                    // 31 arrivals in a second: its windows are longer by the jitter the run may see, as in production
                    .limiter(new LocalRateLimiter(budgets.withArrivalMargin(jitterTolerance), clock))
                    .sender(sender).notifier(notifier).clock(clock).scheduler(scheduler).random(new Random(7))
                    .config(EngineConfig.defaults().withWorkerId("e2e")).build().start();
            // closed in reverse: engine first, then the sender, then the simulator
            resources.add(0, telegram);
            resources.add(0, sender);
            resources.add(0, engine);
            telegram.chats().migrate(migratingGroup, itsSupergroup);
        }

        void submit(int deliveries) {
            for (int i = 0; i < deliveries; i++) {
                submitOne(i);
            }
        }

        boolean settled() {
            long failed = store.count(DeliveryStatus.FAILED);
            return store.count(DeliveryStatus.DELIVERED) + failed == expected.size() && notifier.alerts().size() == failed;
        }

        /**
         * @param everyFaultKind require each fault kind to have been injected at least once (a large run makes that
         *                       certain; a small one only makes faults as a whole certain)
         */
        void verify(String run, Duration took, boolean everyFaultKind) {
            SimulatorRecord record = telegram.record();
            assertThat(record.rateLimited()).as("429s from Telegram's limits").isEmpty();
            assertThat(record.windowOvershoots()).as("windows over budget").isEmpty();
            assertThat(record.maxInAnyWindow(WindowScope.global(), Duration.ofSeconds(1))).isLessThanOrEqualTo(30);
            assertThat(record.faults()).as("faults injected").isNotEmpty();
            if (everyFaultKind) {
                for (Class<? extends Fault> kind : List.of(Fault.ServerError.class, Fault.DropBeforeAccept.class,
                        Fault.DropAfterAccept.class, Fault.Latency.class)) {
                    assertThat(record.faultCount(kind)).as("faults of kind %s injected", kind.getSimpleName()).isPositive();
                }
            }

            Map<String, List<AcceptedMessage>> arrived = new LinkedHashMap<>();
            for (AcceptedMessage m : record.accepted()) {
                arrived.computeIfAbsent(m.content(), c -> new ArrayList<>()).add(m);
            }
            List<String> allExpected = expected.values().stream().flatMap(List::stream).toList();
            assertThat(arrived.keySet()).as("nothing arrived that was not submitted").isSubsetOf(allExpected);
            int delivered = 0;
            int failedAmbiguous = 0;
            for (Map.Entry<DeliveryId, List<String>> e : expected.entrySet()) {
                Delivery d = engine.find(e.getKey()).orElseThrow();
                boolean giveUp = policies.get(d.id()) == AmbiguousOutcomePolicy.GIVE_UP;
                for (String content : e.getValue()) {
                    List<AcceptedMessage> copies = arrived.getOrDefault(content, List.of());
                    long lostAnswers = copies.stream().filter(AcceptedMessage::answerLost).count();
                    assertThat(copies.size() - 1L).as("duplicates of %s beyond lost answers", content)
                            .isLessThanOrEqualTo(lostAnswers);
                    if (giveUp) {
                        assertThat(copies).as("copies of %s with policy GIVE_UP", content).hasSizeLessThanOrEqualTo(1);
                    }
                    if (d.status() == DeliveryStatus.DELIVERED) {
                        assertThat(copies).as("%s of a DELIVERED delivery", content).isNotEmpty()
                                .allSatisfy(m -> assertThat(m.chatId()).isEqualTo(d.chatId()));
                    }
                }
                if (d.status() == DeliveryStatus.DELIVERED) {
                    delivered++;
                } else {
                    assertThat(d.status()).as("delivery %s", d.id()).isEqualTo(DeliveryStatus.FAILED);
                    assertThat(giveUp).as("only GIVE_UP deliveries may fail, and only as ambiguous: %s", d.lastError()).isTrue();
                    assertThat(d.lastErrorClass()).isEqualTo(FailureClass.AMBIGUOUS);
                    assertThat(notifier.alertsFor(d.id())).as("alerts for %s", d.id()).isEqualTo(1);
                    failedAmbiguous++;
                }
            }
            assertThat(delivered + failedAmbiguous).isEqualTo(expected.size());
            assertThat(notifier.alerts()).hasSize(failedAmbiguous);
            assertThat(record.acceptedIn(migratingGroup)).isEmpty();
            assertThat(record.acceptedIn(itsSupergroup)).isNotEmpty();
            assertThat(record.accepted(m -> m.origin() == AcceptedMessage.Origin.FILE_ID))
                    .as("receipts sent by cached file id").isNotEmpty();
            long duplicates = arrived.values().stream().mapToLong(copies -> copies.size() - 1L).sum();
            List<Instant> firstArrivals = arrived.values().stream().map(copies -> copies.get(0).at()).sorted().toList();
            Instant first = firstArrivals.get(0);
            log.info("end to end ({}): {} deliveries, {} messages accepted, in {} of the simulator's time: {} delivered, "
                            + "{} FAILED as ambiguous (GIVE_UP), {} duplicate message(s) after lost answers; faults: {}; "
                            + "50/90/99/100 % of the messages had arrived after {} / {} / {} / {}",
                    run, expected.size(), record.accepted().size(), took, delivered, failedAmbiguous, duplicates,
                    faultSummary(record), at(firstArrivals, first, 0.5), at(firstArrivals, first, 0.9),
                    at(firstArrivals, first, 0.99), at(firstArrivals, first, 1.0));
        }

        private void submitOne(int i) {
            long chat = chatOf(i);
            String tag = "m" + i;
            Payload payload;
            List<String> contents;
            if (i % 10 == 3) {
                int items = 2 + i % 3;
                List<Payload.Media> media = new ArrayList<>();
                contents = new ArrayList<>();
                for (int k = 1; k <= items; k++) {
                    String url = "https://cdn.example.com/" + tag + "-" + k;
                    media.add(k % 2 == 0 ? Payload.video(MediaSource.url(url + ".mp4"), tag + "/" + k)
                            : Payload.photo(MediaSource.url(url + ".jpg"), tag + "/" + k));
                    contents.add(tag + "/" + k);
                }
                payload = new Payload.Album(media);
            } else if (i % 25 == 7) {
                payload = Payload.document(MediaSource.bytes("receipt.pdf", receipt), tag);
                contents = List.of(tag);
            } else if (i % 10 == 5) {
                payload = Payload.photo(MediaSource.url("https://cdn.example.com/" + tag + ".jpg"), tag);
                contents = List.of(tag);
            } else {
                payload = Payload.text(tag);
                contents = List.of(tag);
            }
            AmbiguousOutcomePolicy policy = i % 7 == 0 ? AmbiguousOutcomePolicy.GIVE_UP : AmbiguousOutcomePolicy.RETRY;
            DeliveryId id = engine.submit(DeliveryRequest.builder(chat, payload).onAmbiguous(policy)
                    .businessReference(tag).build()).id();
            expected.put(id, contents);
            policies.put(id, policy);
        }

        /** Private chats first, then groups; the eighth group migrates to a supergroup. */
        private long chatOf(int i) {
            int n = i % (privateChats + groups);
            return n < privateChats ? 100_000 + n : -5_000 - (n - privateChats);
        }
    }

    private static Duration at(List<Instant> sorted, Instant first, double share) {
        return Duration.between(first, sorted.get((int) Math.ceil(share * sorted.size()) - 1));
    }

    private static Map<String, Long> faultSummary(SimulatorRecord record) {
        Map<String, Long> counts = new TreeMap<>();
        record.faults().forEach(f -> counts.merge(f.fault().getClass().getSimpleName(), 1L, Long::sum));
        return counts;
    }
}
