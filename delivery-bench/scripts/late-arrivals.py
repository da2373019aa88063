#!/usr/bin/env python3
"""Which sends of a scenario run arrived late, and what was next to them.

Reads one scenario's work directory (`<--work>/<scenario>`: workload.csv, events-*.log, accepted.csv, refusals.csv)
and prints
  - each send's way in (from the engine's SEND event to the simulator's arrival), per payload kind: p50, p90, p99, max;
  - the arrivals later than `--late-ms` (default 120: at a 100 ms round trip the way in is 50 ms, and a call on a new
    connection waits one more round trip for the TCP handshake), those in the first 15 s apart;
  - every 1 s window of the standard lane holding more than `--permits` (30) arrivals;
  - every 429 with the late arrivals of the 1.1 s before it, the standard lane's arrivals in the 1 s before it, and
    among them those that are no workload send (admin alerts, whose way in the events do not show).

Run: python3 delivery-bench/scripts/late-arrivals.py delivery-bench/target/scenario-runs/<label>/saturate
"""
import argparse
import collections
import csv
import datetime
import glob
import os


def micros(iso):
    main, frac = iso.rstrip('Z').split('.')
    t = datetime.datetime.strptime(main, '%Y-%m-%dT%H:%M:%S').replace(tzinfo=datetime.timezone.utc)
    return int(t.timestamp()) * 1_000_000 + int((frac + '000000')[:6])


def clock(us):
    return datetime.datetime.fromtimestamp(us / 1e6, datetime.timezone.utc).strftime('%H:%M:%S.%f')[:12]


def main():
    p = argparse.ArgumentParser()
    p.add_argument('run')
    p.add_argument('--late-ms', type=float, default=120)
    p.add_argument('--permits', type=int, default=30)
    a = p.parse_args()
    d = a.run

    kind = {r['key']: r['kind'] for r in csv.DictReader(open(os.path.join(d, 'workload.csv')))}
    key_of, sends = {}, collections.defaultdict(list)
    for f in glob.glob(os.path.join(d, 'events-*.log')):
        for line in open(f):
            e = line.split()
            if e[0] == 'SUBMIT':
                key_of[e[3]] = e[2]
            elif e[0] == 'SEND':
                sends[e[2]].append(int(e[1]))
    sends_by_key = {key_of[i]: v for i, v in sends.items() if i in key_of}

    arrivals, standard, unmatched = [], [], []
    for r in csv.DictReader(open(os.path.join(d, 'accepted.csv'))):
        at = micros(r['at'])
        if r['paid'] == 'false':
            standard.append(at)
        key = r['identity'].split('#')[0]  # an album's items are <key>#<n>
        if key not in kind:
            unmatched.append((at, r['identity'], r['chat_id']))  # not a workload send: an admin alert
        earlier = [s for s in sends_by_key.get(key, []) if s <= at]
        if earlier:
            arrivals.append((at, (at - max(earlier)) / 1000, kind.get(key, '?'), r['identity']))
    arrivals.sort()
    standard.sort()
    if not arrivals:
        print('no arrivals matched to sends')
        return

    print('| kind | sends | way in p50 | p90 | p99 | max (ms) |')
    print('|---|---|---|---|---|---|')
    by_kind = collections.defaultdict(list)
    for _, ms, k, _ in arrivals:
        by_kind[k].append(ms)
    for k, v in sorted(by_kind.items()):
        v.sort()
        n = len(v)
        print(f'| {k} | {n} | {v[n // 2]:.1f} | {v[int(n * .9)]:.1f} | {v[int(n * .99)]:.1f} | {v[-1]:.1f} |')

    start = arrivals[0][0]
    late = [x for x in arrivals if x[1] > a.late_ms]
    first = [x for x in late if x[0] - start <= 15_000_000]
    print(f'\narrivals later than {a.late_ms:.0f} ms: {len(late)} ({len(first)} in the first 15 s, {len(late) - len(first)} after)')
    for at, ms, k, ident in late:
        print(f'  {clock(at)} +{ms:.0f} ms {k} {ident}')

    over, j = [], 0
    for i in range(len(standard)):
        while standard[i] - standard[j] >= 1_000_000:
            j += 1
        if i - j + 1 > a.permits:
            over.append((standard[j], standard[i], i - j + 1))
    print(f'\n1 s windows of the standard lane with more than {a.permits} arrivals: {len(over)}')
    for lo, hi, n in over[:10]:
        inside = [x for x in late if lo <= x[0] <= hi]
        print(f'  {n} from {clock(lo)} to {clock(hi)}; late arrivals inside: {len(inside)}')

    print('\n429s:')
    for r in csv.DictReader(open(os.path.join(d, 'refusals.csv'))):
        if r['status'] != '429':
            continue
        at = micros(r['at'])
        before = [x for x in late if at - 1_100_000 <= x[0] <= at]
        others = [x for x in unmatched if at - 1_000_000 <= x[0] <= at]
        window = sum(1 for x in standard if at - 1_000_000 <= x <= at)
        print(f"  {clock(at)} {r['method']} {r['limited_scope']}: late arrivals in the 1.1 s before: {len(before)};"
              f" standard-lane arrivals in the 1 s before: {window}, of which not workload sends (alerts; their way in"
              f" is not known): {len(others)}" + ''.join(f"\n    {clock(x[0])} chat {x[2]}" for x in others))


if __name__ == '__main__':
    main()
