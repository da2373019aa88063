package io.botdelivery.bench.scenario;

import io.botdelivery.bench.chaos.ChaosEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads leases out of the instances' event logs ({@link LoggedEvent}). Pure.
 *
 * <p>A hold is certain from the end of the claim call (it had taken effect by then) until the start of the call that
 * released it, or until the lease ran out (start plus lease, renewals included). Two holds of one delivery by different
 * incarnations whose certain spans overlap mean the store handed it out twice. Because every time used is a bound
 * in the safe direction, an overlap found is a real one; a store that respects leases never shows one.
 */
final class LeaseAudit {
    private static final int EXAMPLES = 10;

    private LeaseAudit() {
    }

    /** One incarnation's hold on one delivery (epoch micros). */
    private static final class Hold {
        final String owner;
        final long from;
        long leaseUntil;
        long releasedAt = Long.MAX_VALUE;

        Hold(String owner, long from, long leaseUntil) {
            this.owner = owner;
            this.from = from;
            this.leaseUntil = leaseUntil;
        }

        long until() {
            return Math.min(leaseUntil, releasedAt);
        }
    }

    static LeaseFindings audit(List<LoggedEvent> events, List<ChaosEvent> chaos) {
        List<LoggedEvent> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(LoggedEvent::atMicros));
        Map<String, List<Hold>> holds = new HashMap<>();
        Map<String, Hold> open = new HashMap<>(); // owner + id → its latest hold
        for (LoggedEvent e : sorted) {
            switch (e.type()) {
                case "CLAIM" -> {
                    String id = e.field(0);
                    Hold h = new Hold(e.owner(), e.atMicros(), e.longField(1));
                    holds.computeIfAbsent(id, k -> new ArrayList<>()).add(h);
                    open.put(e.owner() + " " + id, h);
                }
                case "RENEW" -> {
                    Hold h = open.get(e.owner() + " " + e.field(0));
                    if (h != null && h.releasedAt == Long.MAX_VALUE) {
                        h.leaseUntil = Math.max(h.leaseUntil, e.longField(1));
                    }
                }
                case "RELEASE" -> {
                    Hold h = open.get(e.owner() + " " + e.field(0));
                    if (h != null && h.releasedAt == Long.MAX_VALUE) {
                        h.releasedAt = e.longField(3);
                    }
                }
                default -> {
                }
            }
        }
        int twice = 0;
        List<String> examples = new ArrayList<>();
        for (Map.Entry<String, List<Hold>> entry : holds.entrySet()) {
            String overlap = firstOverlap(entry.getValue());
            if (overlap != null) {
                twice++;
                if (examples.size() < EXAMPLES) {
                    examples.add(entry.getKey() + ": " + overlap);
                }
            }
        }
        List<LeaseFindings.KillFinding> kills = new ArrayList<>();
        for (ChaosEvent c : chaos) {
            if (c.kind() == ChaosEvent.Kind.KILL) {
                kills.add(kill(c, holds, sorted));
            }
        }
        return new LeaseFindings(twice, examples, kills);
    }

    private static String firstOverlap(List<Hold> holds) {
        for (int i = 0; i < holds.size(); i++) {
            for (int j = i + 1; j < holds.size(); j++) {
                Hold a = holds.get(i);
                Hold b = holds.get(j);
                if (!a.owner.equals(b.owner) && a.from < b.until() && b.from < a.until()) {
                    return a.owner + " held it until " + Instant.ofEpochSecond(0, a.until() * 1_000) + ", " + b.owner
                            + " claimed it at " + Instant.ofEpochSecond(0, b.from * 1_000);
                }
            }
        }
        return null;
    }

    private static LeaseFindings.KillFinding kill(ChaosEvent c, Map<String, List<Hold>> holds, List<LoggedEvent> sorted) {
        String owner = c.slot() + "." + c.incarnation();
        long at = EventLog.micros(c.at());
        int held = 0;
        int recovered = 0;
        long maxWait = 0;
        for (List<Hold> list : holds.values()) {
            Hold killed = list.stream().filter(h -> h.owner.equals(owner) && h.from <= at && h.until() > at)
                    .findFirst().orElse(null);
            if (killed == null) {
                continue;
            }
            held++;
            long next = list.stream().filter(h -> !h.owner.equals(owner) && h.from > at).mapToLong(h -> h.from).min()
                    .orElse(Long.MAX_VALUE);
            if (next != Long.MAX_VALUE) {
                recovered++;
                maxWait = Math.max(maxWait, next - at);
            }
        }
        // sends on the wire: the owner's last SEND of a delivery with no OUTCOME after it
        Map<String, Boolean> sending = new HashMap<>();
        for (LoggedEvent e : sorted) {
            if (!e.owner().equals(owner) || e.atMicros() > at) {
                continue;
            }
            if (e.type().equals("SEND")) {
                sending.put(e.field(0), true);
            } else if (e.type().equals("OUTCOME")) {
                sending.put(e.field(0), false);
            }
        }
        int inFlight = (int) sending.values().stream().filter(b -> b).count();
        return new LeaseFindings.KillFinding(c.at(), owner, held, inFlight, recovered, maxWait / 1_000);
    }
}
