# Reads settings from a running bot's environment (the bench passes them to the bots as BOT_* variables).
import os, time


def wait_for(names, timeout_s=120):
    """The values of `names` in the first process whose environment has the first of them, waiting up to timeout_s."""
    for _ in range(timeout_s):
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                env = dict(e.split(b"=", 1) for e in open(f"/proc/{pid}/environ", "rb").read().split(b"\0") if b"=" in e)
            except Exception:
                continue
            if names[0].encode() in env:
                return [env.get(n.encode(), b"").decode() or None for n in names]
        time.sleep(1)
    raise SystemExit(f"no running process has {names[0]} in its environment")
