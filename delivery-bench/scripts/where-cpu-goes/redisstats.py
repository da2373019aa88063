# Finds the bots' Redis (BOT_REDIS_URL in a running bot's environment) and writes its INFO commandstats to <out> every
# 5 s while it answers: the last write is the run's totals. usage: python3 redisstats.py <out> &
import re, socket, sys, time
from botenv import wait_for

url, = wait_for(["BOT_REDIS_URL"])
m=re.match(r"redis://(?:[^@]*@)?([^:/]+):(\d+)",url)
host,port=m.group(1),int(m.group(2))
def cmd(c):
    s=socket.create_connection((host,port)); s.sendall(c.encode()+b"\r\n"); time.sleep(0.3); d=s.recv(1<<20).decode(); s.close(); return d
last=None
while True:
    try: last=cmd("INFO commandstats"); open(sys.argv[1],"w").write(last)
    except Exception: break
    time.sleep(5)
