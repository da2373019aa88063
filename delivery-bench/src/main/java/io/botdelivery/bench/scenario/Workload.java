package io.botdelivery.bench.scenario;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A generated workload: its deliveries in submission order, and the chats they go to. */
public record Workload(WorkloadSpec spec, int instances, List<WorkItem> items, ChatSetup chats) {

    public Workload {
        items = List.copyOf(items);
    }

    /** The deliveries one instance submits, in order. */
    public List<WorkItem> share(int instance) {
        return items.stream().filter(i -> i.instance() == instance).toList();
    }

    public Map<String, WorkItem> byKey() {
        return items.stream().collect(Collectors.toMap(WorkItem::key, Function.identity()));
    }

    /** Messages offered in one lane over the whole workload (albums count their items). */
    public long offeredWeight(boolean paidLane) {
        return items.stream().filter(i -> i.paidBroadcast() == paidLane).mapToLong(WorkItem::weight).sum();
    }
}
