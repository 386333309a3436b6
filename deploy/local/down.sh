#!/usr/bin/env bash
# Stops the processes that deploy/local/up.sh started (PostgreSQL is left running; the state in .mmaas/ is kept).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
for f in "$ROOT"/.mmaas/pids/*.pid; do
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    [ "${1:-}" = "--quiet" ] || echo "stopped $(basename "$f" .pid) ($pid)"
  fi
  rm -f "$f"
done
exit 0
