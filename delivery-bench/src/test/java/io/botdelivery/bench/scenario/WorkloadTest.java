package io.botdelivery.bench.scenario;

import io.botdelivery.api.AmbiguousOutcomePolicy;
import io.botdelivery.api.DeliveryRequest;
import io.botdelivery.api.Payload;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class WorkloadTest {
    private static final WorkloadSpec SPEC = WorkloadSpec.mixed(7, Duration.ofSeconds(200), 45, 10);
    private static final Workload WORKLOAD = WorkloadGenerator.generate(SPEC, 3, "t");

    @Nested
    @DisplayName("the generator")
    class Generator {
        @Test
        @DisplayName("offers each lane's rate in messages per second, albums counting their items")
        void offersTheRates() {
            double seconds = SPEC.offerFor().toSeconds();
            assertThat(WORKLOAD.offeredWeight(false) / seconds).isCloseTo(45, within(3.0));
            assertThat(WORKLOAD.offeredWeight(true) / seconds).isCloseTo(10, within(1.0));
        }

        @Test
        @DisplayName("the newsletter workload is text to private chats only, in the standard lane, with GIVE_UP")
        void broadcastIsTextOnly() {
            WorkloadSpec spec = WorkloadSpec.broadcast(7, Duration.ofSeconds(60), 45);
            Workload newsletter = WorkloadGenerator.generate(spec, 3, "b");

            assertThat(newsletter.offeredWeight(false) / 60.0).isCloseTo(45, within(3.0));
            assertThat(newsletter.offeredWeight(true)).isZero();
            assertThat(newsletter.items()).allSatisfy(item -> {
                assertThat(item.kind()).isEqualTo(WorkKind.TEXT);
                assertThat(item.chatId()).isPositive();
                assertThat(item.paidBroadcast()).isFalse();
                assertThat(item.policy()).isEqualTo(AmbiguousOutcomePolicy.GIVE_UP);
            });
            assertThat(newsletter.items().stream().map(WorkItem::chatId).distinct().count()).isGreaterThan(1000);
        }

        @Test
        @DisplayName("gives the same workload for the same seed")
        void isDeterministic() {
            assertThat(WorkloadGenerator.generate(SPEC, 3, "t").items()).isEqualTo(WORKLOAD.items());
        }

        @Test
        @DisplayName("puts items in submission order with unique keys and every chat with one instance")
        void ordersAndAssigns() {
            List<WorkItem> items = WORKLOAD.items();
            for (int i = 1; i < items.size(); i++) {
                assertThat(items.get(i).offsetMillis()).isGreaterThanOrEqualTo(items.get(i - 1).offsetMillis());
                assertThat(items.get(i).seq()).isEqualTo(i);
            }
            assertThat(items.stream().map(WorkItem::key).collect(Collectors.toSet())).hasSize(items.size());
            Map<Long, Set<Integer>> instancesPerChat = items.stream().collect(Collectors.groupingBy(WorkItem::chatId,
                    Collectors.mapping(WorkItem::instance, Collectors.toSet())));
            assertThat(instancesPerChat.values()).allSatisfy(s -> assertThat(s).hasSize(1));
            assertThat(items.stream().map(WorkItem::instance).collect(Collectors.toSet())).containsExactlyInAnyOrder(0, 1, 2);
        }

        @Test
        @DisplayName("mixes every kind, groups, the paid lane, both policies, blocked users and migrated groups")
        void mixesEverything() {
            List<WorkItem> items = WORKLOAD.items();
            assertThat(items.stream().map(WorkItem::kind).collect(Collectors.toSet())).containsExactlyInAnyOrder(WorkKind.values());
            assertThat(items).anyMatch(i -> i.chatId() < 0).anyMatch(WorkItem::paidBroadcast)
                    .anyMatch(i -> i.policy() == AmbiguousOutcomePolicy.GIVE_UP)
                    .anyMatch(i -> i.policy() == AmbiguousOutcomePolicy.RETRY);
            assertThat(items).filteredOn(i -> i.expectation() == Expectation.FAIL_BLOCKED)
                    .isNotEmpty().allMatch(i -> WORKLOAD.chats().blocked().contains(i.chatId()));
            assertThat(items).filteredOn(i -> i.expectation() == Expectation.DELIVER_AFTER_MIGRATION)
                    .isNotEmpty().allMatch(i -> WORKLOAD.chats().migrations().containsKey(i.chatId()));
            assertThat(items).filteredOn(WorkItem::paidBroadcast).allMatch(i -> i.policy() == AmbiguousOutcomePolicy.GIVE_UP);
        }
    }

    @Nested
    @DisplayName("a work item")
    class Items {
        @Test
        @DisplayName("names one identity per message, which its request's texts and captions start with")
        void identitiesMatchThePayload() {
            Payloads payloads = new Payloads();
            for (WorkItem item : WORKLOAD.items().subList(0, 400)) {
                DeliveryRequest request = payloads.request(item);
                List<String> captions = texts(request.payload());
                assertThat(captions.stream().map(WorkItem::identityOf).toList()).isEqualTo(item.contents());
                assertThat(request.idempotencyKey().value()).isEqualTo(item.key());
                assertThat(request.payload().messageCount()).isEqualTo(item.weight());
                assertThat(request.allowPaidBroadcast()).isEqualTo(item.paidBroadcast());
            }
        }

        @Test
        @DisplayName("maps an album item's identity back to its key")
        void keyOfIdentity() {
            assertThat(WorkItem.keyOf("t-000012#3")).isEqualTo("t-000012");
            assertThat(WorkItem.keyOf("t-000012")).isEqualTo("t-000012");
            assertThat(WorkItem.identityOf("t-000012#3 Item 3 of your pack")).isEqualTo("t-000012#3");
        }

        private List<String> texts(Payload p) {
            if (p instanceof Payload.Text t) {
                return List.of(t.text());
            }
            if (p instanceof Payload.Media m) {
                return List.of(m.caption());
            }
            return ((Payload.Album) p).items().stream().map(Payload.Media::caption).toList();
        }
    }

    @Test
    @DisplayName("the workload file gives back exactly what was written")
    void fileRoundTrip(@TempDir Path dir) {
        Path file = dir.resolve("workload.csv");
        WorkloadFile.write(file, WORKLOAD.items());
        assertThat(WorkloadFile.read(file)).isEqualTo(WORKLOAD.items());
        assertThat(new HashSet<>(WORKLOAD.share(1))).allMatch(i -> i.instance() == 1);
    }
}
