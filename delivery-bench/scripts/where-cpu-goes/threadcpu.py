# Samples the CPU of every thread of the bench's processes (the bots, the bench JVM with the simulator, PostgreSQL's
# backends and helpers, Redis) every 2 s until SIGTERM, then writes to <out> the totals by process and by thread name
# (digits folded: "delivery-worker-N"). Each thread's last sample counts, so threads that ended count up to 2 s short.
# usage: python3 threadcpu.py <out> &   (run it beside PaidBroadcastAtScale; kill it when the run ends)
# samples per-thread CPU of java, postgres and redis processes until stopped; prints totals by process and thread group
import os, re, sys, time, collections, signal
out = sys.argv[1]
last = {}  # (pid,tid) -> (proc label, thread name, ticks)
def label(pid):
    try:
        cmd = open(f"/proc/{pid}/cmdline","rb").read().replace(b"\0",b" ").decode(errors="replace")
    except Exception: return None
    if "example-bot.jar broadcast" in cmd: return "bot-broadcast"
    if "example-bot.jar run" in cmd: return "bot-replica"
    if "benchmarks.jar" in cmd: return "bench+simulator"
    if cmd.startswith("postgres: "):
        w = cmd.split()
        return "pg " + (" ".join(w[1:3]) if w[1] in ("autovacuum","walwriter","checkpointer","background","logical") else "backend")
    if "postgres" in cmd: return "postgres"
    if "redis" in cmd: return "redis"
    return None
stop = False
def h(*a):
    global stop; stop = True
signal.signal(signal.SIGTERM, h)
while not stop:
    for pid in os.listdir("/proc"):
        if not pid.isdigit(): continue
        l = label(pid)
        if not l: continue
        try: tids = os.listdir(f"/proc/{pid}/task")
        except Exception: continue
        for tid in tids:
            try:
                st = open(f"/proc/{pid}/task/{tid}/stat").read()
            except Exception: continue
            name = st[st.index("(")+1:st.rindex(")")]
            f = st[st.rindex(")")+2:].split()
            ticks = int(f[11]) + int(f[12])
            last[(pid,tid)] = (l, name, ticks)
    time.sleep(2)
byproc = collections.Counter(); bythread = collections.Counter()
for (pid,tid),(l,name,ticks) in last.items():
    byproc[l]+=ticks
    bythread[(l, re.sub(r'\d+','N',name))]+=ticks
with open(out,"w") as o:
    for k,v in byproc.most_common(): print(f"{v/100:8.1f} s  {k}", file=o)
    print("--", file=o)
    for (l,n),v in bythread.most_common(40): print(f"{v/100:8.1f} s  {l:16s} {n}", file=o)
