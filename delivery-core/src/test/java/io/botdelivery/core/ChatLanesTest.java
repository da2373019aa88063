package io.botdelivery.core;

import io.botdelivery.api.Delivery;
import io.botdelivery.api.DeliveryId;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.Payload;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Chat lanes")
class ChatLanesTest {
    static final long CHAT = 1001;
    static final long MIGRATED = -1002;
    static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    final ReadyQueues ready = new ReadyQueues();
    long seq;

    HeldDelivery standard(String text) {
        return held(DeliveryRequest.builder(CHAT, Payload.text(text)).build());
    }

    HeldDelivery paid(String text) {
        return held(DeliveryRequest.builder(CHAT, Payload.text(text)).allowPaidBroadcast(true).build());
    }

    HeldDelivery held(DeliveryRequest request) {
        return new HeldDelivery(Delivery.accepted(DeliveryId.random(), request, NOW), ++seq);
    }

    /** The texts of what is ready now, in the order the dispatcher would take them; empties the ready queues. */
    List<String> drainReady() {
        List<String> texts = new ArrayList<>();
        for (HeldDelivery h = ready.poll(NOW); h != null; h = ready.poll(NOW)) {
            texts.add(((Payload.Text) h.delivery().request().payload()).text());
        }
        return texts;
    }

    @Nested
    @DisplayName("in submission order (the default)")
    class Submission {
        final ChatLanes lanes = new ChatLanes(ready, ChatOrder.SUBMISSION);

        @Test
        @DisplayName("a chat's paid broadcast waits for the standard deliveries submitted before it")
        void paidWaitsBehindStandard() {
            HeldDelivery s1 = standard("s1");
            HeldDelivery s2 = standard("s2");
            HeldDelivery p1 = paid("p1");
            lanes.join(s1, 20);
            lanes.join(s2, 20);
            lanes.join(p1, 20);

            assertThat(drainReady()).containsExactly("s1");
            lanes.leave(s1);
            assertThat(drainReady()).containsExactly("s2");
            lanes.leave(s2);
            assertThat(drainReady()).containsExactly("p1");
        }

        @Test
        @DisplayName("maxQueuedPerChat counts both budget lanes together")
        void oneBoundForTheChat() {
            lanes.join(standard("s1"), 1);
            assertThat(lanes.join(standard("s2"), 1)).isTrue();
            assertThat(lanes.join(paid("p1"), 1)).as("the chat's one queue is full").isFalse();
        }
    }

    @Nested
    @DisplayName("paid first")
    class PerBudgetLane {
        final ChatLanes lanes = new ChatLanes(ready, ChatOrder.PAID_FIRST);

        @Test
        @DisplayName("a chat's paid broadcast overtakes its queued standard deliveries (not the one already active); each "
                + "lane keeps its own order")
        void paidOvertakes() {
            HeldDelivery s1 = standard("s1");
            HeldDelivery s2 = standard("s2");
            HeldDelivery s3 = standard("s3");
            HeldDelivery p1 = paid("p1");
            HeldDelivery p2 = paid("p2");
            for (HeldDelivery h : List.of(s1, s2, s3, p1, p2)) {
                lanes.join(h, 20);
            }

            assertThat(drainReady()).as("one active per budget lane of the chat").containsExactly("s1", "p1");
            assertThat(lanes.activeDeliveries()).containsExactlyInAnyOrder(s1, p1);
            lanes.leave(p1);
            assertThat(drainReady()).as("the paid lane goes on while s1 is still on the wire").containsExactly("p2");
            lanes.leave(s1);
            assertThat(drainReady()).as("s2 waits while the chat has a paid broadcast active").isEmpty();
            lanes.leave(p2);
            assertThat(drainReady()).containsExactly("s2");
            lanes.leave(s2);
            assertThat(drainReady()).containsExactly("s3");
        }

        @Test
        @DisplayName("maxQueuedPerChat applies to each of the chat's two queues")
        void oneBoundPerQueue() {
            lanes.join(standard("s1"), 1);
            assertThat(lanes.join(standard("s2"), 1)).isTrue();
            assertThat(lanes.join(standard("s3"), 1)).as("the standard queue is full").isFalse();
            assertThat(lanes.join(paid("p1"), 1)).as("the paid queue is another queue").isTrue();
        }

        @Test
        @DisplayName("a chat's standard lane goes on once its paid lane has nothing it may start: empty, handed back, or "
                + "waiting for a retry")
        void standardGoesOnWhenPaidHasNothingToStart() {
            HeldDelivery p1 = paid("p1");
            HeldDelivery p2 = paid("p2");
            HeldDelivery s1 = standard("s1");
            HeldDelivery s2 = standard("s2");
            HeldDelivery s3 = standard("s3");
            for (HeldDelivery h : List.of(p1, s1, s2, s3)) {
                lanes.join(h, 20);
            }
            assertThat(drainReady()).containsExactly("p1");

            lanes.stepAside(p1);
            assertThat(drainReady()).as("p1 waits for a retry: it holds nothing back").containsExactly("s1");
            lanes.rejoinFirst(p1);
            assertThat(drainReady()).containsExactly("p1");
            lanes.leave(s1);
            assertThat(drainReady()).isEmpty();

            lanes.join(p2, 20);
            assertThat(lanes.clearForRelease(p1)).containsExactly(p2);
            assertThat(drainReady()).as("the paid lane was handed back").containsExactly("s2");
            lanes.leave(s2);
            assertThat(drainReady()).containsExactly("s3");
        }

        @Test
        @DisplayName("a hand-back takes along the queue of its own budget lane only")
        void releaseTakesItsLaneOnly() {
            HeldDelivery s1 = standard("s1");
            HeldDelivery s2 = standard("s2");
            HeldDelivery p1 = paid("p1");
            HeldDelivery p2 = paid("p2");
            for (HeldDelivery h : List.of(s1, s2, p1, p2)) {
                lanes.join(h, 20);
            }
            drainReady();

            assertThat(lanes.clearForRelease(s1)).containsExactly(s2);
            assertThat(lanes.activeDeliveries()).containsExactly(p1);
            lanes.leave(p1);
            assertThat(drainReady()).containsExactly("p2");
        }

        @Test
        @DisplayName("a quick retry steps aside in its own lane and comes back first in it")
        void retryStaysInItsLane() {
            HeldDelivery p1 = paid("p1");
            HeldDelivery p2 = paid("p2");
            HeldDelivery s1 = standard("s1");
            for (HeldDelivery h : List.of(p1, p2, s1)) {
                lanes.join(h, 20);
            }
            assertThat(drainReady()).containsExactly("p1");

            lanes.stepAside(p1);
            assertThat(drainReady()).containsExactly("p2");
            lanes.rejoinFirst(p1);
            assertThat(drainReady()).as("p2 is still active: p1 waits for it").isEmpty();
            lanes.leave(p2);
            assertThat(drainReady()).containsExactly("p1");
            lanes.leave(p1);
            assertThat(drainReady()).containsExactly("s1");
        }

        @Test
        @DisplayName("a migrated chat moves a paid broadcast to the paid lane of the new chat, first, and frees the old one")
        void migrationKeepsTheBudgetLane() {
            HeldDelivery p1 = paid("p1");
            HeldDelivery p2 = paid("p2");
            HeldDelivery s1 = standard("s1");
            for (HeldDelivery h : List.of(p1, p2, s1)) {
                lanes.join(h, 20);
            }
            drainReady();
            HeldDelivery elsewhere = held(DeliveryRequest.builder(MIGRATED, Payload.text("s-new")).build());
            lanes.join(elsewhere, 20);
            drainReady();

            Delivery d = p1.delivery();
            p1.delivery(new Delivery(d.id(), d.request(), MIGRATED, d.status(), d.attempts(), d.deliveredItems(),
                    d.messageIds(), d.lastError(), d.lastErrorClass(), d.createdAt(), d.updatedAt(), d.nextAttemptAt(),
                    null, null));
            lanes.moveFirst(p1);

            assertThat(drainReady()).as("p2 takes the old chat's paid lane; p1 is alone in the new chat's")
                    .containsExactlyInAnyOrder("p2", "p1");
            assertThat(lanes.activeDeliveries()).as("s1 still waits for its chat's paid lane")
                    .containsExactlyInAnyOrder(p1, p2, elsewhere);
        }
    }
}
