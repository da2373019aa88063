# Finds the bots' PostgreSQL (BOT_POSTGRES_URL in a running bot's environment) and writes to <out> every 5 s, while it
# answers, the statements by execution time (pg_stat_statements: PaidBroadcastAtScale preloads it), scans per table
# and per index, and the database's row counters: the last write is the run's totals. Needs psql on the PATH.
# usage: python3 pgstats.py <out> &
import re, subprocess, sys, time
from botenv import wait_for

url, user = wait_for(["BOT_POSTGRES_URL", "BOT_POSTGRES_USER"])
m=re.match(r"jdbc:postgresql://([^:/]+):(\d+)/([^?]+)",url)
host,port,db=m.groups()
q="create extension if not exists pg_stat_statements; select calls, round(total_exec_time) ms, rows, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) q from pg_stat_statements order by total_exec_time desc limit 14; select relname, seq_scan, seq_tup_read, idx_scan, idx_tup_fetch, n_tup_upd, n_tup_hot_upd from pg_stat_user_tables; select indexrelname, idx_scan, idx_tup_read from pg_stat_user_indexes order by idx_scan desc; select xact_commit, tup_returned, tup_fetched from pg_stat_database where datname=current_database();"
while True:
    r=subprocess.run(["psql","-h",host,"-p",port,"-U",user or "postgres","-d",db,"-c",q],capture_output=True,text=True)
    if r.returncode!=0: break
    open(sys.argv[1],"w").write(r.stdout)
    time.sleep(5)
