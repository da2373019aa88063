package io.botdelivery.bench.scenario;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Computes {@link TimingFindings} from the instances' GRANT, SEND and SUBMIT events and the simulator's arrivals. Pure. */
final class TimingAudit {
    private TimingAudit() {
    }

    static TimingFindings audit(List<LoggedEvent> events, List<Arrival> arrivals, Workload workload, int globalPermits) {
        List<LoggedEvent> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(LoggedEvent::atMicros));
        List<long[]> standardSlots = new ArrayList<>();
        Map<String, Long> lastSlotByOwnerAndChat = new HashMap<>();
        Map<String, long[]> lastStandardSlotByOwnerAndChat = new HashMap<>();
        Map<String, String> keyById = new HashMap<>();
        List<Long> lateness = new ArrayList<>();
        List<long[]> sends = new ArrayList<>(); // {time, index into sendIds}
        List<String> sendIds = new ArrayList<>();
        for (LoggedEvent e : sorted) {
            switch (e.type()) {
                case "GRANT" -> {
                    // the limiter read its clock just after the call started: start + delay is the slot it meant (a
                    // shared limiter decides on the server's clock, a round trip's first half later)
                    long slot = e.longField(4) + e.longField(3);
                    String ownerAndChat = e.owner() + " " + e.field(0);
                    if (e.longField(2) == 0) {
                        long[] standardSlot = {slot, e.longField(1)};
                        standardSlots.add(standardSlot);
                        lastStandardSlotByOwnerAndChat.put(ownerAndChat, standardSlot);
                    }
                    lastSlotByOwnerAndChat.put(ownerAndChat, slot);
                }
                case "UNGRANT" -> {
                    // a missed slot given back: it counts in no window, and no send's lateness is measured from it
                    String ownerAndChat = e.owner() + " " + e.field(0);
                    lastSlotByOwnerAndChat.remove(ownerAndChat);
                    long[] standardSlot = lastStandardSlotByOwnerAndChat.remove(ownerAndChat);
                    if (standardSlot != null) {
                        standardSlot[1] = 0;
                    }
                }
                case "SEND" -> {
                    Long slot = lastSlotByOwnerAndChat.remove(e.owner() + " " + e.field(2));
                    lastStandardSlotByOwnerAndChat.remove(e.owner() + " " + e.field(2));
                    if (slot != null) {
                        lateness.add(Math.max(0, e.atMicros() - slot) / 1_000);
                    }
                    sends.add(new long[]{e.atMicros(), sendIds.size()});
                    sendIds.add(e.field(0));
                }
                case "SUBMIT" -> keyById.put(e.field(1), e.field(0));
                default -> {
                }
            }
        }
        // arrivals per key, in time order, to find the first one after each send
        Map<String, TreeMap<Long, Boolean>> arrivalsByKey = new HashMap<>();
        for (Arrival a : arrivals) {
            arrivalsByKey.computeIfAbsent(WorkItem.keyOf(a.identity()), k -> new TreeMap<>()).put(EventLog.micros(a.at()), true);
        }
        List<Long> wire = new ArrayList<>();
        for (long[] s : sends) {
            String key = keyById.get(sendIds.get((int) s[1]));
            TreeMap<Long, Boolean> times = key == null ? null : arrivalsByKey.get(key);
            Long arrived = times == null ? null : times.ceilingKey(s[0]);
            if (arrived != null && arrived - s[0] < 60_000_000) {
                wire.add((arrived - s[0]) / 1_000);
            }
        }
        return new TimingFindings(WindowStats.maxWeightInWindow(standardSlots, 1_000_000, globalPermits), globalPermits,
                Percentiles.of(lateness), Percentiles.of(wire));
    }
}
