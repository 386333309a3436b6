#!/usr/bin/env bash
# Builds and starts the whole MMaaS system on this machine: PostgreSQL (if not running), the control plane, one
# runtime agent and the web console; then creates a demo tenant, an API key and a deployed demo model, and prints
# what to open and what to curl. Run it again at any time: it restarts the processes and reuses the demo state.
#
#   ./deploy/local/up.sh            build, start, seed the demo
#   ./deploy/local/up.sh --no-build skip the Maven build (use the jars already built)
#   ./deploy/local/down.sh          stop everything it started
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE="$ROOT/.mmaas"
LOGS="$STATE/logs"
mkdir -p "$LOGS" "$STATE/pids"
chmod 700 "$STATE"
cd "$ROOT"

ADMIN_PORT=${MMAAS_ADMIN_PORT:-8080}
GATEWAY_PORT=${MMAAS_GATEWAY_PORT:-8081}
AGENT_API_PORT=${MMAAS_AGENT_API_PORT:-8082}
CONSOLE_PORT=${MMAAS_CONSOLE_PORT:-8090}
AGENT_PORT=${MMAAS_AGENT_PORT:-9090}
PG_URL=${MMAAS_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/mmaas}
ADMIN="http://127.0.0.1:$ADMIN_PORT"
GATEWAY="http://127.0.0.1:$GATEWAY_PORT"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
# Reads one string or number field from a flat JSON document on stdin (enough for our own API's answers).
field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" | head -n 1; }

command -v java >/dev/null || die "java (17+) is required"
command -v curl >/dev/null || die "curl is required"

# ---- PostgreSQL -------------------------------------------------------------------------------------------------
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  say "starting PostgreSQL"
  if command -v pg_ctlcluster >/dev/null; then
    version=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -n 1)
    [ -n "$version" ] || die "PostgreSQL is not installed (apt-get install postgresql)"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || sudo pg_ctlcluster --skip-systemctl-redirect "$version" main start
  else
    die "PostgreSQL is not answering on 127.0.0.1:5432 and pg_ctlcluster is not available"
  fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
pg_isready -q -h 127.0.0.1 -p 5432 || die "PostgreSQL did not come up"
if [ -z "${MMAAS_DATABASE_URL:-}" ]; then
  if ! psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'mmaas'" | grep -q 1; then
    say "creating database mmaas"
    psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE mmaas"
  fi
fi

# ---- build ------------------------------------------------------------------------------------------------------
if [ "${1:-}" != "--no-build" ]; then
  say "building (mvn package, tests skipped; run the tests with: mvn -B verify)"
  mvn -B -q -DskipTests package
fi
for m in control-plane runtime-agent web-console; do
  [ -f "$m/target/$m-app.jar" ] || die "$m/target/$m-app.jar is missing: run without --no-build"
done

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
set -a; . "$SECRETS"; set +a

# ---- processes --------------------------------------------------------------------------------------------------
"$ROOT/deploy/local/down.sh" --quiet || true

start() { # name jar env...
  local name=$1 jar=$2; shift 2
  env "$@" nohup java -Xmx1g -jar "$jar" > "$LOGS/$name.log" 2>&1 &
  echo $! > "$STATE/pids/$name.pid"
}
wait_http() { # url what seconds
  for _ in $(seq 1 "$3"); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 1; done
  die "$2 did not become ready; see $LOGS"
}

say "starting control plane (admin API :$ADMIN_PORT, gateway :$GATEWAY_PORT, agent API :$AGENT_API_PORT)"
# The application logs in as mmaas_app itself (it may only read and append the audit log, and, unlike a role taken
# with MMAAS_DATABASE_ROLE, cannot RESET ROLE back to the owner); migrations run as the owner. With your own
# MMAAS_DATABASE_URL, the role is taken on that login instead.
if [ -z "${MMAAS_DATABASE_URL:-}" ]; then
  DB_ENV=(MMAAS_DATABASE_URL="postgresql://mmaas_app@127.0.0.1:5432/mmaas" MMAAS_MIGRATION_DATABASE_URL="$PG_URL")
else
  DB_ENV=(MMAAS_DATABASE_URL="$PG_URL" MMAAS_DATABASE_ROLE=mmaas_app)
fi
start control-plane control-plane/target/control-plane-app.jar "${DB_ENV[@]}" \
  MMAAS_ADMIN_PORT="$ADMIN_PORT" MMAAS_GATEWAY_PORT="$GATEWAY_PORT" \
  MMAAS_AGENT_API_PORT="$AGENT_API_PORT" MMAAS_DATA_DIR="$STATE/control-plane"
wait_http "$ADMIN/health/ready" "control plane" 90

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
  MMAAS_CONSOLE_PORT="$CONSOLE_PORT" MMAAS_CONSOLE_API_URL="$ADMIN"

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
[ "$code" = 200 ] || die "demo model not ready; see $LOGS/runtime-agent.log and $LOGS/control-plane.log"
wait_http "http://127.0.0.1:$CONSOLE_PORT/login" "web console" 30

BODY='{"inputs":[{"name":"input","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}'
RESULT=$(curl -fsS "$GATEWAY/v2/models/demo-mlp/infer" -H "Authorization: Bearer $KEY" \
  -H 'Content-Type: application/json' -d "$BODY") || die "the demo inference failed"

cat <<MSG

MMaaS is running.
  Web console     http://127.0.0.1:$CONSOLE_PORT        (sign in as admin / $MMAAS_ADMIN_PASSWORD)
  Admin API       $ADMIN/api/v1
  Gateway (OIP)   $GATEWAY/v2
  Metrics         http://127.0.0.1:$AGENT_API_PORT/metrics (gateway), http://127.0.0.1:$AGENT_PORT/metrics (agent)
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
