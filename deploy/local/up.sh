#!/usr/bin/env bash
# Builds and starts the whole MMaaS system on this machine: PostgreSQL (the machine's, or an embedded one), the
# control plane as two processes of one jar (admin API + agent API + scheduler; and the gateway on its own, so
# inference keeps working when the other one stops), one runtime agent and the web console; then creates a demo tenant, an API key and a deployed demo
# model, and prints what to open and what to curl. Run it again at any time: it restarts the processes and reuses the
# demo state.
#
#   ./deploy/local/up.sh            build, start, seed the demo
#   ./deploy/local/up.sh --no-build skip the Maven build (use the jars already built)
#   ./deploy/local/down.sh          stop everything it started
#
# Which PostgreSQL (said in its output):
#   MMAAS_DATABASE_URL set        that one, as it is (it must answer; nothing else is started or tried)
#   else MMAAS_LOCAL_DB=auto      the machine's on 127.0.0.1:5432 when it answers or its cluster can be started with
#        (the default)            pg_ctlcluster; else an embedded PostgreSQL 15 (zonky's binaries from Maven Central),
#                                 data in $MMAAS_STATE_DIR/embedded-pg/data, kept across runs, stopped by down.sh
#   MMAAS_LOCAL_DB=machine        the machine's only;  MMAAS_LOCAL_DB=embedded  the embedded one only
#   MMAAS_EMBEDDED_PG_PORT        the embedded server's port (default 15432)
#   MMAAS_STATE_DIR               where state, logs and pid files live (default .mmaas/ in the repository)
#   MMAAS_LOCAL_GATEWAY_METRICS_PORT  the gateway process's internal listener (metrics, health; default 8083)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE=${MMAAS_STATE_DIR:-$ROOT/.mmaas}
mkdir -p "$STATE/logs" "$STATE/pids"
chmod 700 "$STATE"
STATE=$(cd "$STATE" && pwd)
LOGS="$STATE/logs"
cd "$ROOT"

ADMIN_PORT=${MMAAS_ADMIN_PORT:-8080}
GATEWAY_PORT=${MMAAS_GATEWAY_PORT:-8081}
AGENT_API_PORT=${MMAAS_AGENT_API_PORT:-8082}
GATEWAY_METRICS_PORT=${MMAAS_LOCAL_GATEWAY_METRICS_PORT:-8083}
CONSOLE_PORT=${MMAAS_CONSOLE_PORT:-8090}
AGENT_PORT=${MMAAS_AGENT_PORT:-9090}
LOCAL_DB=${MMAAS_LOCAL_DB:-auto}
EMBEDDED_PG_PORT=${MMAAS_EMBEDDED_PG_PORT:-15432}
ADMIN="http://127.0.0.1:$ADMIN_PORT"
GATEWAY="http://127.0.0.1:$GATEWAY_PORT"
PG_JAR=deploy/embedded-pg/target/embedded-pg-app.jar

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
# Reads one string or number field from a flat JSON document on stdin (enough for our own API's answers).
field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" | head -n 1; }
# True when something accepts TCP connections on host:port (bash's /dev/tcp: no PostgreSQL client needed).
listening() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

command -v java >/dev/null || die "java (17+) is required"
command -v curl >/dev/null || die "curl is required"
case "$LOCAL_DB" in auto|machine|embedded) ;; *) die "MMAAS_LOCAL_DB must be auto, machine or embedded, not '$LOCAL_DB'";; esac

# ---- build ------------------------------------------------------------------------------------------------------
if [ "${1:-}" != "--no-build" ]; then
  say "building (mvn package, tests skipped; run the tests with: mvn -B verify)"
  mvn -B -q -DskipTests package
fi
for jar in control-plane/target/control-plane-app.jar runtime-agent/target/runtime-agent-app.jar \
    web-console/target/web-console-app.jar "$PG_JAR"; do
  [ -f "$jar" ] || die "$jar is missing: run without --no-build"
done

# ---- stop what a previous run started (the embedded PostgreSQL too) ---------------------------------------------
MMAAS_STATE_DIR="$STATE" "$ROOT/deploy/local/down.sh" --quiet || true

# ---- PostgreSQL -------------------------------------------------------------------------------------------------
pg() { java -Xmx64m -cp "$PG_JAR" io.mmaas.embeddedpg.EnsureDatabase "$@"; }
PG_URL=""
if [ -n "${MMAAS_DATABASE_URL:-}" ]; then
  PG_URL=$MMAAS_DATABASE_URL
  say "PostgreSQL: MMAAS_DATABASE_URL ($(printf '%s' "$PG_URL" | sed 's|//\([^:@/]*\):[^@]*@|//\1:***@|'))"
  pg check "$PG_URL" || die "MMAAS_DATABASE_URL does not answer (nothing else is tried while it is set)"
else
  if [ "$LOCAL_DB" != embedded ]; then
    if ! listening 127.0.0.1 5432 && command -v pg_ctlcluster >/dev/null; then
      version=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -n 1)
      if [ -n "$version" ]; then
        say "starting the machine's PostgreSQL $version cluster"
        if pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null \
            || sudo -n pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null; then
          for _ in $(seq 1 30); do listening 127.0.0.1 5432 && break; sleep 1; done
        else
          say "the machine's PostgreSQL $version cluster did not start"
        fi
      fi
    fi
    if listening 127.0.0.1 5432; then
      PG_URL=postgresql://postgres@127.0.0.1:5432/mmaas
      say "PostgreSQL: the machine's, on 127.0.0.1:5432"
      pg create "$PG_URL" || die "the machine's PostgreSQL on 127.0.0.1:5432 answers but refuses postgres (trust auth expected; or set MMAAS_DATABASE_URL)"
    elif [ "$LOCAL_DB" = machine ]; then
      die "MMAAS_LOCAL_DB=machine, but no PostgreSQL answers on 127.0.0.1:5432 and none could be started"
    fi
  fi
  if [ -z "$PG_URL" ]; then
    say "PostgreSQL: embedded (PostgreSQL 15 from Maven Central) on 127.0.0.1:$EMBEDDED_PG_PORT, data in $STATE/embedded-pg/data"
    listening 127.0.0.1 "$EMBEDDED_PG_PORT" \
      && die "port $EMBEDDED_PG_PORT is taken: set MMAAS_EMBEDDED_PG_PORT to a free one"
    nohup java -Xmx256m -jar "$PG_JAR" "$STATE/embedded-pg" "$EMBEDDED_PG_PORT" mmaas \
      > "$LOGS/embedded-pg.log" 2>&1 &
    echo $! > "$STATE/pids/embedded-pg.pid"
    for _ in $(seq 1 120); do
      grep -q '^ready ' "$LOGS/embedded-pg.log" 2>/dev/null && break
      kill -0 "$(cat "$STATE/pids/embedded-pg.pid")" 2>/dev/null || break
      sleep 0.5
    done
    PG_URL=$(sed -n 's/^ready //p' "$LOGS/embedded-pg.log" | head -n 1)
    [ -n "$PG_URL" ] || die "the embedded PostgreSQL did not start; see $LOGS/embedded-pg.log"
  fi
fi

# ---- secrets (generated once, kept in .mmaas/secrets.env, mode 600) --------------------------------------------
SECRETS="$STATE/secrets.env"
if [ ! -f "$SECRETS" ]; then
  umask 077
  {
    echo "MMAAS_JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"
    echo "MMAAS_AGENT_SERVING_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"
    echo "MMAAS_ADMIN_PASSWORD=${MMAAS_ADMIN_PASSWORD:-$(head -c 24 /dev/urandom | base64 | tr -d '\n/+=' | cut -c1-20)}"
  } > "$SECRETS"
fi
# The console's session keys (sessions survive a console restart); added to a secrets file from before they existed.
# A MMAAS_CONSOLE_SESSION_KEYS of your own is used instead and not written down.
if [ -z "${MMAAS_CONSOLE_SESSION_KEYS:-}" ] && ! grep -q '^MMAAS_CONSOLE_SESSION_KEYS=' "$SECRETS"; then
  (umask 077; echo "MMAAS_CONSOLE_SESSION_KEYS=local1:$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')" >> "$SECRETS")
fi
OWN_CONSOLE_KEYS=${MMAAS_CONSOLE_SESSION_KEYS:-}
set -a; . "$SECRETS"; set +a
if [ -n "$OWN_CONSOLE_KEYS" ]; then MMAAS_CONSOLE_SESSION_KEYS=$OWN_CONSOLE_KEYS; fi

# ---- processes --------------------------------------------------------------------------------------------------
start() { # name jar env...
  local name=$1 jar=$2; shift 2
  env "$@" nohup java -Xmx1g -jar "$jar" > "$LOGS/$name.log" 2>&1 &
  echo $! > "$STATE/pids/$name.pid"
}
wait_http() { # url what seconds
  for _ in $(seq 1 "$3"); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 1; done
  die "$2 did not become ready; see $LOGS"
}

say "starting control plane: admin API :$ADMIN_PORT, agent API :$AGENT_API_PORT, scheduler (one process); gateway :$GATEWAY_PORT (its own)"
# The application logs in as mmaas_app itself (it may only read and append the audit log, and, unlike a role taken
# with MMAAS_DATABASE_ROLE, cannot RESET ROLE back to the owner); migrations run as the owner. With your own
# MMAAS_DATABASE_URL, the role is taken on that login instead.
if [ -z "${MMAAS_DATABASE_URL:-}" ]; then
  # the same server and database as PG_URL (the machine's or the embedded one), logged in as mmaas_app
  APP_URL=$(printf '%s' "$PG_URL" | sed -E 's|^(postgres(ql)?://)[^@/]*@|\1mmaas_app@|')
  DB_ENV=(MMAAS_DATABASE_URL="$APP_URL" MMAAS_MIGRATION_DATABASE_URL="$PG_URL")
else
  DB_ENV=(MMAAS_DATABASE_URL="$PG_URL" MMAAS_DATABASE_ROLE=mmaas_app)
fi
# Both processes share the data dir (the audit key generated there on first start; uploads' temporary files).
start control-plane control-plane/target/control-plane-app.jar "${DB_ENV[@]}" \
  MMAAS_ROLES=admin,agent-api,scheduler MMAAS_ADMIN_PORT="$ADMIN_PORT" \
  MMAAS_AGENT_API_PORT="$AGENT_API_PORT" MMAAS_DATA_DIR="$STATE/control-plane"
wait_http "$ADMIN/health/ready" "control plane" 90
start gateway control-plane/target/control-plane-app.jar "${DB_ENV[@]}" \
  MMAAS_ROLES=gateway MMAAS_MIGRATE=false MMAAS_GATEWAY_PORT="$GATEWAY_PORT" \
  MMAAS_AGENT_API_PORT="$GATEWAY_METRICS_PORT" MMAAS_DATA_DIR="$STATE/control-plane"
wait_http "http://127.0.0.1:$GATEWAY_METRICS_PORT/health/ready" "gateway" 60

login() {
  curl -fsS "$ADMIN/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$MMAAS_ADMIN_PASSWORD\"}" | field token
}
TOKEN=$(login) || true
[ -n "$TOKEN" ] || die "cannot sign in as admin with the password in $SECRETS (was the database created by another setup? then delete it or set MMAAS_ADMIN_PASSWORD)"
api() { # method path [curl args...]; prints the body, fails on 4xx/5xx except 409 (already exists)
  local method=$1 path=$2; shift 2
  local out code
  out=$(curl -sS -X "$method" "$ADMIN$path" -H "Authorization: Bearer $TOKEN" -w '\n%{http_code}' "$@")
  code=${out##*$'\n'}; out=${out%$'\n'*}
  if [ "$code" -ge 400 ] && [ "$code" != 409 ]; then die "$method $path -> $code: $out"; fi
  printf '%s' "$out"
}

say "starting runtime agent (:$AGENT_PORT)"
if [ -f "$STATE/agent/agent.json" ]; then
  ENROLL=""
else
  ENROLL=$(api POST /api/v1/agents/enrollment-tokens -H 'Content-Type: application/json' \
    -d '{"name":"local agent","ttlSeconds":3600}' | field token)
fi
start runtime-agent runtime-agent/target/runtime-agent-app.jar \
  MMAAS_AGENT_CONTROL_PLANE_URL="http://127.0.0.1:$AGENT_API_PORT" MMAAS_AGENT_ENROLLMENT_TOKEN="$ENROLL" \
  MMAAS_AGENT_NAME="local-agent" MMAAS_AGENT_PORT="$AGENT_PORT" MMAAS_AGENT_DATA_DIR="$STATE/agent"

say "starting web console (:$CONSOLE_PORT)"
start web-console web-console/target/web-console-app.jar \
  MMAAS_CONSOLE_PORT="$CONSOLE_PORT" MMAAS_CONSOLE_API_URL="$ADMIN" MMAAS_CONSOLE_GATEWAY_URL="$GATEWAY" \
  MMAAS_CONSOLE_SESSION_KEYS="$MMAAS_CONSOLE_SESSION_KEYS"

say "seeding the demo tenant, model and API key"
api POST /api/v1/tenants -H 'Content-Type: application/json' -d '{"name":"demo","displayName":"Demo tenant"}' >/dev/null
api POST /api/v1/tenants/demo/models -H 'Content-Type: application/json' \
  -d '{"name":"demo-mlp","description":"A 4-8-3 MLP generated by the project (io.mmaas.onnx.DemoModel)"}' >/dev/null
if ! api GET /api/v1/tenants/demo/models/demo-mlp/versions | grep -q '"version"'; then
  java -cp control-plane/target/control-plane-app.jar io.mmaas.onnx.DemoModel "$STATE/demo-mlp.onnx" >/dev/null
  api POST /api/v1/tenants/demo/models/demo-mlp/versions -H 'Content-Type: application/octet-stream' \
    --data-binary "@$STATE/demo-mlp.onnx" >/dev/null
fi
api POST /api/v1/tenants/demo/deployments -H 'Content-Type: application/json' \
  -d '{"model":"demo-mlp","replicas":1}' >/dev/null
KEY=$(api POST /api/v1/tenants/demo/api-keys -H 'Content-Type: application/json' \
  -d "{\"name\":\"demo key $(date -u +%Y-%m-%dT%H:%M:%SZ)\"}" | field key)
[ -n "$KEY" ] || die "could not create the demo API key"
(umask 077; echo "$KEY" > "$STATE/demo-api-key")

say "waiting for the demo model to be ready"
for _ in $(seq 1 90); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $KEY" "$GATEWAY/v2/models/demo-mlp/ready")
  [ "$code" = 200 ] && break
  sleep 1
done
[ "$code" = 200 ] || die "demo model not ready; see $LOGS/runtime-agent.log, $LOGS/control-plane.log and $LOGS/gateway.log"
wait_http "http://127.0.0.1:$CONSOLE_PORT/login" "web console" 30

STOP=./deploy/local/down.sh
[ "$STATE" = "$ROOT/.mmaas" ] || STOP="MMAAS_STATE_DIR=$STATE ./deploy/local/down.sh"
BODY='{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}'
RESULT=$(curl -fsS "$GATEWAY/v2/models/demo-mlp/infer" -H "Authorization: Bearer $KEY" \
  -H 'Content-Type: application/json' -d "$BODY") || die "the demo inference failed"

cat <<MSG

MMaaS is running.
  Web console     http://127.0.0.1:$CONSOLE_PORT        (sign in as admin / $MMAAS_ADMIN_PASSWORD)
  Admin API       $ADMIN/api/v1
  Gateway (OIP)   $GATEWAY/v2
  Metrics         http://127.0.0.1:$GATEWAY_METRICS_PORT/metrics (gateway), http://127.0.0.1:$AGENT_PORT/metrics (agent),
                  http://127.0.0.1:$AGENT_API_PORT/metrics (scheduler, agent API)
  PostgreSQL      $(printf '%s' "$PG_URL" | sed 's|//\([^:@/]*\):[^@]*@|//\1:***@|')
  Logs            $LOGS
  Stop            ./deploy/local/down.sh

Call the demo model (tenant 'demo', model 'demo-mlp') with its API key:

  curl -s $GATEWAY/v2/models/demo-mlp/infer \\
    -H 'Authorization: Bearer $KEY' \\
    -H 'Content-Type: application/json' \\
    -d '$BODY'

It answered just now:
  $RESULT
MSG
