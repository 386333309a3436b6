#!/usr/bin/env bash
# Stops the processes that deploy/local/up.sh started: the console, agent, gateway and control plane first, then the embedded
# PostgreSQL when up.sh started one (the machine's PostgreSQL is left running; the state in .mmaas/, or
# $MMAAS_STATE_DIR, is kept, the embedded server's data too).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE=${MMAAS_STATE_DIR:-$ROOT/.mmaas}
quiet=${1:-}

stop() { # pid-file seconds
  local f=$1 pid
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 $(($2 * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    [ "$quiet" = "--quiet" ] || echo "stopped $(basename "$f" .pid) ($pid)"
  fi
  rm -f "$f"
}

for f in "$STATE"/pids/*.pid; do
  [ -f "$f" ] || continue
  [ "$(basename "$f")" = embedded-pg.pid ] && continue
  stop "$f" 5
done
# the embedded PostgreSQL last, once nothing uses it; its launcher shuts the server down (a fast shutdown)
[ -f "$STATE/pids/embedded-pg.pid" ] && stop "$STATE/pids/embedded-pg.pid" 30
# a server whose launcher was killed outright: stop it through its own pid file (SIGINT: fast shutdown)
data="$STATE/embedded-pg/data"
if [ -f "$data/postmaster.pid" ]; then
  pid=$(head -n 1 "$data/postmaster.pid")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$data"; then
    kill -INT "$pid"
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    [ "$quiet" = "--quiet" ] || echo "stopped the embedded PostgreSQL left running ($pid)"
  fi
fi
exit 0
