#!/usr/bin/env python3
"""A model, not a measurement: how much of a 30/s lane a saturated stream with the scenario workload's album mix can use
under different lane rules. Every rule keeps every 1 s window at <= 30 messages; they differ in how smooth the sends are.

  gcra (burst 1)          what limiter-local and limiter-redis do: singles evenly spaced, an album of k waits until the
                          lane could have sent k singles, and the lane's next send waits for all k
  window log + gcra burst B  an exact sliding-window count (a log of the last second's grants) decides; a GCRA with
                          burst B only smooths the sends (B=1 is the same as plain gcra)
  window log only         exact count, no smoothing: bursts of up to 30 at once, which arrival jitter then punishes
  window log + smoothing window B  what both limiters do now: the exact count decides; a second sliding window (at most
                          B messages per B emission intervals, an album needing room for min(k, B)) only smooths the
                          sends, and takes a slot in a gap before a future grant with the same check

Workload: 10 % albums of 2-4 items among otherwise single messages (as WorkloadSpec.mixed's private chats), chats ignored.
Run: python3 delivery-bench/scripts/album-rule-model.py
"""
import collections
import random

N, W = 30, 1.0
T = W / N
random.seed(20261128)
weights = [1 if random.random() > 0.1 else random.randint(2, 4) for _ in range(50000)]
total = sum(weights)


def window_log(burst):
    """Greedy in-order grants: the earliest time that conforms to a GCRA with this burst and keeps the 1 s count."""
    log, inside, t, tat = collections.deque(), 0, 0.0, 0.0
    for k in weights:
        if burst is not None:
            t = max(t, tat - (burst - k) * T)
        while True:
            while log and log[0][0] <= t - W + 1e-12:
                inside -= log.popleft()[1]
            if inside + k <= N:
                break
            t = log[0][0] + W + 1e-9
        log.append((t, k))
        inside += k
        tat = max(tat, t) + k * T
    return total / t / N


print("| lane rule | share of the budget used |")
print("|---|---|")
print(f"| gcra, burst 1 (both limiters before exact windows) | {window_log(1):.3f} |")
for b in (2, 4, 10):
    print(f"| window log + gcra burst {b} | {window_log(b):.3f} |")
print(f"| window log only (bursts of 30) | {window_log(None):.3f} |")


def smoothing_window(burst):
    """Greedy in-order grants: the earliest time both sliding windows (budget N per W, smoothing B per B*T) allow."""
    stamps, t = [], 0.0
    for k in weights:
        room, sroom = N - min(k, N), burst - min(k, burst)
        while True:
            lo = t
            if len(stamps) > room:
                lo = max(lo, stamps[-1 - room] + W)
            if len(stamps) > sroom:
                lo = max(lo, stamps[-1 - sroom] + burst * T)
            if lo == t:
                break
            t = lo
        stamps.extend([t] * k)
    return total / t / N


print(f"| window log + smoothing window, burst 1 (both limiters now) | {smoothing_window(1):.3f} |")
