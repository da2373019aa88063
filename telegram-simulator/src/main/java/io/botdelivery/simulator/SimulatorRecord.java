package io.botdelivery.simulator;

import io.botdelivery.core.spi.Budget;
import io.botdelivery.core.spi.RateBudgets;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Everything the simulator accepted, refused and injected, with the questions tests ask of it. Thread-safe; every
 * answer is a snapshot.
 */
public final class SimulatorRecord {

    /** Which expected messages arrived how often. */
    public record DeliveryReport(List<String> missing, Map<String, Long> duplicated, List<String> unexpected) {
        public DeliveryReport {
            missing = List.copyOf(missing);
            duplicated = Map.copyOf(duplicated);
            unexpected = List.copyOf(unexpected);
        }

        /** Every expected message arrived exactly once and nothing else arrived. */
        public boolean isExactlyOnce() {
            return missing.isEmpty() && duplicated.isEmpty() && unexpected.isEmpty();
        }
    }

    /**
     * A window in which accepted sends to one scope weighed more than its budget (only possible with
     * {@link SimulatorConfig.LimitMode#OBSERVE}, or if the simulator had a bug).
     */
    public record Overshoot(WindowScope scope, Instant from, Instant to, int weight, int permits) {
    }

    private final RateBudgets budgets;
    private final long toleranceNanos;
    private final List<AcceptedMessage> accepted = new ArrayList<>();
    private final List<RejectedCall> rejected = new ArrayList<>();
    private final List<InjectedFault> faults = new ArrayList<>();
    private int connections;

    SimulatorRecord(SimulatorConfig config) {
        this.budgets = config.budgets();
        this.toleranceNanos = config.arrivalJitterTolerance().toNanos();
    }

    synchronized void accepted(List<AcceptedMessage> messages) {
        accepted.addAll(messages);
    }

    synchronized void rejected(RejectedCall call) {
        rejected.add(call);
    }

    synchronized void injected(InjectedFault fault) {
        faults.add(fault);
    }

    synchronized void connectionOpened() {
        connections++;
    }

    /**
     * How many new connections brought Bot API calls since the start or {@link #clear()}: each one a client opened. With a round trip configured, a
     * connection's first call arrives a handshake (one more round trip) later than the calls on a warm one.
     */
    public synchronized int connections() {
        return connections;
    }

    /** Every accepted message, in acceptance order. */
    public synchronized List<AcceptedMessage> accepted() {
        return List.copyOf(accepted);
    }

    public List<AcceptedMessage> accepted(Predicate<AcceptedMessage> filter) {
        return accepted().stream().filter(filter).toList();
    }

    /** The messages accepted for one chat, in order. */
    public List<AcceptedMessage> acceptedIn(long chatId) {
        return accepted(m -> m.chatId() == chatId);
    }

    /** The {@link AcceptedMessage#content()} of one chat's messages, in the order they arrived. */
    public List<String> contentsIn(long chatId) {
        return acceptedIn(chatId).stream().map(AcceptedMessage::content).toList();
    }

    /** Every call answered with an error or dropped, in order. */
    public synchronized List<RejectedCall> rejected() {
        return List.copyOf(rejected);
    }

    /** The 429s the limits gave (injected 429s excluded). */
    public List<RejectedCall> rateLimited() {
        return rejected().stream().filter(RejectedCall::isRateLimit).toList();
    }

    /** Every fault injected, in order. */
    public synchronized List<InjectedFault> faults() {
        return List.copyOf(faults);
    }

    /** How many faults of this kind were injected. */
    public long faultCount(Class<? extends Fault> kind) {
        return faults().stream().filter(f -> kind.isInstance(f.fault())).count();
    }

    /** How many accepted messages share each identity, e.g. {@code countBy(AcceptedMessage::content)}. */
    public Map<String, Long> countBy(Function<AcceptedMessage, String> identity) {
        return accepted().stream().collect(Collectors.groupingBy(identity, LinkedHashMap::new, Collectors.counting()));
    }

    /** Compares what arrived with what was expected, by {@link AcceptedMessage#content()}. */
    public DeliveryReport check(Collection<String> expected) {
        return check(expected, AcceptedMessage::content);
    }

    /** Compares what arrived with what was expected: missing, more than once, not expected. */
    public DeliveryReport check(Collection<String> expected, Function<AcceptedMessage, String> identity) {
        Map<String, Long> counts = countBy(identity);
        Set<String> wanted = new LinkedHashSet<>(expected);
        List<String> missing = wanted.stream().filter(e -> !counts.containsKey(e)).toList();
        Map<String, Long> duplicated = new LinkedHashMap<>();
        counts.forEach((k, n) -> {
            if (n > 1 && wanted.contains(k)) {
                duplicated.put(k, n);
            }
        });
        List<String> unexpected = counts.keySet().stream().filter(k -> !wanted.contains(k)).toList();
        return new DeliveryReport(missing, duplicated, unexpected);
    }

    /**
     * Identities accepted more often than lost answers explain: a sender may resend after the simulator accepted a
     * message and dropped the connection, but every other duplicate is a bug. For content accepted n times,
     * at least n - 1 copies must have {@link AcceptedMessage#answerLost()}.
     */
    public List<String> unexplainedDuplicates(Function<AcceptedMessage, String> identity) {
        Map<String, List<AcceptedMessage>> byIdentity = accepted().stream()
                .collect(Collectors.groupingBy(m -> m.chatId() + "/" + identity.apply(m), LinkedHashMap::new, Collectors.toList()));
        List<String> unexplained = new ArrayList<>();
        byIdentity.forEach((key, copies) -> {
            long lost = copies.stream().filter(AcceptedMessage::answerLost).count();
            if (copies.size() - 1 > lost) {
                unexplained.add(key);
            }
        });
        return unexplained;
    }

    /** The largest number of messages accepted in {@code scope} within any half-open interval of length {@code window}. */
    public int maxInAnyWindow(WindowScope scope, Duration window) {
        return maxInAnyWindow(m -> inScope(m, scope), window);
    }

    /** The largest number of accepted messages matching {@code which} within any half-open interval of length {@code window}. */
    public int maxInAnyWindow(Predicate<AcceptedMessage> which, Duration window) {
        long length = window.toNanos();
        List<Long> times = accepted().stream().filter(which).map(m -> nanos(m.at())).sorted().toList();
        int max = 0;
        int start = 0;
        for (int end = 0; end < times.size(); end++) {
            while (times.get(end) - times.get(start) >= length) {
                start++;
            }
            max = Math.max(max, end - start + 1);
        }
        return max;
    }

    /**
     * Every window (shortened by the jitter tolerance, as the simulator enforces it) where a scope's accepted sends
     * weighed more than its budget while holding more than one send. Empty when the limits were enforced.
     */
    public List<Overshoot> windowOvershoots() {
        List<AcceptedMessage> all = accepted();
        Set<WindowScope> scopes = new LinkedHashSet<>();
        for (AcceptedMessage m : all) {
            scopes.add(WindowScope.lane(m.paidBroadcast()));
            scopes.add(WindowScope.chat(m.chatId()));
        }
        List<Overshoot> found = new ArrayList<>();
        for (WindowScope scope : scopes) {
            Budget budget = budgetOf(scope);
            long window = Math.max(1, budget.window().toNanos() - toleranceNanos);
            List<long[]> sends = sends(all, scope); // {at, weight}
            int start = 0;
            int weight = 0;
            for (int end = 0; end < sends.size(); end++) {
                weight += (int) sends.get(end)[1];
                while (sends.get(start)[0] <= sends.get(end)[0] - window) {
                    weight -= (int) sends.get(start)[1];
                    start++;
                }
                if (weight > budget.permits() && end > start) {
                    found.add(new Overshoot(scope, instant(sends.get(start)[0]), instant(sends.get(end)[0]), weight,
                            budget.permits()));
                }
            }
        }
        return found;
    }

    /** Forgets everything recorded so far (e.g. after a warm-up). */
    public synchronized void clear() {
        accepted.clear();
        rejected.clear();
        faults.clear();
        connections = 0;
    }

    private static List<long[]> sends(List<AcceptedMessage> all, WindowScope scope) {
        Map<Long, long[]> bySend = new LinkedHashMap<>();
        for (AcceptedMessage m : all) {
            if (inScope(m, scope)) {
                bySend.computeIfAbsent(m.sendId(), id -> new long[] {nanos(m.at()), 0})[1]++;
            }
        }
        List<long[]> sends = new ArrayList<>(bySend.values());
        sends.sort(Comparator.comparingLong(s -> s[0]));
        return sends;
    }

    private static boolean inScope(AcceptedMessage m, WindowScope scope) {
        return switch (scope.kind()) {
            case GLOBAL -> !m.paidBroadcast();
            case PAID_BROADCAST -> m.paidBroadcast();
            case CHAT -> m.chatId() == scope.chatId();
        };
    }

    private Budget budgetOf(WindowScope scope) {
        return switch (scope.kind()) {
            case GLOBAL -> budgets.global();
            case PAID_BROADCAST -> budgets.paidBroadcast();
            case CHAT -> budgets.chatBudget(scope.chatId());
        };
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }
}
