package io.botdelivery.simulator;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.RateBudgets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The simulator's sliding-window limits")
class SimulatedLimitsTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final long T0 = 1_800_000_000L * S;

    private final SimulatedLimits limits = new SimulatedLimits(SimulatorConfig.defaults());

    private boolean send(long chatId, int weight, long at) {
        return send(limits, chatId, false, weight, at);
    }

    private static boolean send(SimulatedLimits limits, long chatId, boolean paid, int weight, long at) {
        SimulatedLimits.Verdict verdict = limits.check(chatId, paid, weight, at);
        if (verdict.allowed()) {
            limits.record(chatId, paid, weight, at);
        }
        return verdict.allowed();
    }

    @Nested
    @DisplayName("a private chat (1 per second)")
    class PrivateChat {
        @Test
        @DisplayName("refuses a second message within the window and blames the chat with retry_after 1")
        void secondWithinWindow() {
            assertThat(send(42, 1, T0)).isTrue();
            SimulatedLimits.Verdict verdict = limits.check(42, false, 1, T0 + 500 * MS);
            assertThat(verdict.allowed()).isFalse();
            assertThat(verdict.scope()).isEqualTo(WindowScope.chat(42));
            assertThat(verdict.retryAfterSeconds()).isEqualTo(1);
        }

        @Test
        @DisplayName("accepts the next message a full window later")
        void fullWindowLater() {
            assertThat(send(42, 1, T0)).isTrue();
            assertThat(send(42, 1, T0 + S)).isTrue();
            assertThat(send(42, 1, T0 + 2 * S)).isTrue();
        }

        @Test
        @DisplayName("tolerates arrivals up to the jitter tolerance (20 ms) early, but not more")
        void jitterTolerance() {
            assertThat(send(42, 1, T0)).isTrue();
            assertThat(send(42, 1, T0 + 981 * MS)).isTrue();
            assertThat(limits.check(42, false, 1, T0 + 981 * MS + 979 * MS).allowed()).isFalse();
        }

        @Test
        @DisplayName("lets an album heavier than the budget through when the chat is idle, then nothing for a window")
        void oversizedAlbum() {
            assertThat(send(42, 3, T0)).isTrue();
            assertThat(limits.check(42, false, 1, T0 + 900 * MS).allowed()).isFalse();
            assertThat(send(42, 1, T0 + 2 * S + 900 * MS)).isTrue();
        }

        @Test
        @DisplayName("does not slow other chats")
        void otherChatsUnaffected() {
            assertThat(send(42, 1, T0)).isTrue();
            assertThat(send(43, 1, T0)).isTrue();
            assertThat(send(44, 1, T0 + MS)).isTrue();
        }
    }

    @Nested
    @DisplayName("a group (20 per minute)")
    class Group {
        @Test
        @DisplayName("accepts 20 messages in a minute and refuses the 21st until the oldest leaves the window")
        void twentyPerMinute() {
            for (int i = 0; i < 20; i++) {
                assertThat(send(-100, 1, T0 + i * S)).as("message %d", i + 1).isTrue();
            }
            SimulatedLimits.Verdict verdict = limits.check(-100, false, 1, T0 + 20 * S);
            assertThat(verdict.allowed()).isFalse();
            assertThat(verdict.retryAfterSeconds()).isEqualTo(40); // the first leaves at 59.98 s
        }

        @Test
        @DisplayName("counts an album as its item count")
        void albumWeight() {
            assertThat(send(-100, 10, T0)).isTrue();
            assertThat(send(-100, 10, T0 + S)).isTrue();
            assertThat(limits.check(-100, false, 1, T0 + 2 * S).allowed()).isFalse();
        }
    }

    @Nested
    @DisplayName("the bot-wide budget (30 per second)")
    class Global {
        @Test
        @DisplayName("refuses the 31st message in a second across chats and blames the global scope")
        void thirtyPerSecond() {
            for (int chat = 1; chat <= 30; chat++) {
                assertThat(send(chat, 1, T0 + chat * MS)).isTrue();
            }
            SimulatedLimits.Verdict verdict = limits.check(31, false, 1, T0 + 31 * MS);
            assertThat(verdict.allowed()).isFalse();
            assertThat(verdict.scope()).isEqualTo(WindowScope.global());
        }

        @Test
        @DisplayName("keeps the paid-broadcast lane apart: it neither uses nor is limited by the 30 per second")
        void paidLane() {
            for (int chat = 1; chat <= 30; chat++) {
                assertThat(send(limits, chat, false, 1, T0)).isTrue();
            }
            for (int chat = 100; chat < 1100; chat++) {
                assertThat(send(limits, chat, true, 1, T0 + MS)).isTrue();
            }
            assertThat(limits.check(5000, true, 1, T0 + 2 * MS).scope()).isEqualTo(WindowScope.paidBroadcast());
            assertThat(limits.check(5001, false, 1, T0 + 2 * MS).scope()).isEqualTo(WindowScope.global());
        }
    }

    @Nested
    @DisplayName("a 429")
    class Bans {
        @Test
        @DisplayName("escalates retry_after for a caller who comes back before it ended")
        void escalates() {
            assertThat(send(42, 1, T0)).isTrue();
            assertThat(limits.check(42, false, 1, T0 + 100 * MS).retryAfterSeconds()).isEqualTo(1);
            assertThat(limits.check(42, false, 1, T0 + 600 * MS).retryAfterSeconds()).isEqualTo(2);
            assertThat(limits.check(42, false, 1, T0 + 1_000 * MS).retryAfterSeconds()).isEqualTo(4);
        }

        @Test
        @DisplayName("ends when the caller waits the whole retry_after")
        void endsAfterWaiting() {
            assertThat(send(42, 1, T0)).isTrue();
            long retryAfter = limits.check(42, false, 1, T0 + 100 * MS).retryAfterSeconds();
            assertThat(send(42, 1, T0 + 100 * MS + retryAfter * S)).isTrue();
        }

        @Test
        @DisplayName("pauses the whole scope, even for a send that would fit")
        void pausesScope() {
            assertThat(send(-100, 15, T0)).isTrue();
            assertThat(limits.check(-100, false, 10, T0 + S).allowed()).isFalse();
            assertThat(limits.check(-100, false, 1, T0 + 2 * S).allowed()).isFalse();
        }

        @Test
        @DisplayName("never exceeds the configured maximum")
        void capped() {
            SimulatedLimits capped = new SimulatedLimits(SimulatorConfig.builder()
                    .retryAfterEscalation(10).maxRetryAfter(Duration.ofSeconds(5)).build());
            assertThat(send(capped, 42, false, 1, T0)).isTrue();
            long last = 0;
            for (int i = 1; i <= 5; i++) {
                last = capped.check(42, false, 1, T0 + i * 10 * MS).retryAfterSeconds();
            }
            assertThat(last).isEqualTo(5);
        }
    }

    @Test
    @DisplayName("in observe mode accepts everything")
    void observeMode() {
        SimulatedLimits observing = new SimulatedLimits(SimulatorConfig.builder()
                .limitMode(SimulatorConfig.LimitMode.OBSERVE).build());
        for (int i = 0; i < 50; i++) {
            assertThat(send(observing, 42, false, 1, T0 + i * MS)).isTrue();
        }
    }

    @Test
    @DisplayName("uses the budgets it is given (tests scale them down)")
    void scaledBudgets() {
        SimulatedLimits scaled = new SimulatedLimits(SimulatorConfig.builder()
                .budgets(RateBudgets.telegramDefaults().withPrivateChat(Budget.of(2, Duration.ofMillis(100))))
                .arrivalJitterTolerance(Duration.ofMillis(5)).build());
        assertThat(send(scaled, 42, false, 1, T0)).isTrue();
        assertThat(send(scaled, 42, false, 1, T0 + 10 * MS)).isTrue();
        assertThat(scaled.check(42, false, 1, T0 + 20 * MS).allowed()).isFalse();
        assertThat(send(scaled, 42, false, 1, T0 + 1_100 * MS)).isTrue();
    }

    @Test
    @DisplayName("forgets chats that were idle for a whole window")
    void forgetsIdleChats() {
        for (int i = 0; i < 4096; i++) {
            send(1000 + i, 1, T0 + (long) i * 100 * MS);
        }
        assertThat(limits.trackedScopes()).isLessThan(100);
    }
}
