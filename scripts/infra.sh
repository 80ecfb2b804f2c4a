#!/usr/bin/env bash
# Makes sure NATS (with JetStream), PostgreSQL and Redis answer on the addresses in NATS_URL, DATABASE_URL and
# REDIS_URL, then makes sure the databases exist.
#
#   scripts/infra.sh         reuse what answers; start the rest from installed binaries under .local/infra/
#                            (on Debian/Ubuntu as root, apt-get installs missing binaries first)
#   scripts/infra.sh stop    stop exactly the servers this script started (listed in .local/infra/started)
#   scripts/infra.sh status  show what answers and what this script started
#
# INFRA_TIMEOUT (seconds, default 30) bounds the wait for each server.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INFRA_DIR="$ROOT/.local/infra"
STARTED_FILE="$INFRA_DIR/started"
TIMEOUT="${INFRA_TIMEOUT:-30}"

NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"
DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/switchboard}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export NATS_URL DATABASE_URL REDIS_URL

log() { printf '%s\n' "$*"; }
err() { printf 'infra: %s\n' "$*" >&2; }
die() {
  err "$*"
  exit 1
}

# --- addresses ------------------------------------------------------------------------------------------------

# Prints "host port" for a URL such as postgres://user:pw@host:5432/db (IPv6 hosts in brackets are accepted).
host_port() {
  local url="$1" default_port="$2" rest host port
  rest="${url#*://}"
  rest="${rest%%/*}"
  rest="${rest%%\?*}"
  rest="${rest##*@}"
  if [[ "$rest" =~ ^\[([^]]+)\](:([0-9]+))?$ ]]; then
    host="${BASH_REMATCH[1]}"
    port="${BASH_REMATCH[3]}"
  elif [[ "$rest" =~ ^([^:]*)(:([0-9]+))?$ ]]; then
    host="${BASH_REMATCH[1]}"
    port="${BASH_REMATCH[3]}"
  else
    die "cannot read host and port from '$url'"
  fi
  printf '%s %s\n' "${host:-127.0.0.1}" "${port:-$default_port}"
}

is_local_host() {
  case "$1" in
    127.* | localhost | ::1 | 0.0.0.0 | "$(hostname 2>/dev/null || true)") return 0 ;;
    *) return 1 ;;
  esac
}

port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

# NATS greets every client with an INFO line; it says "jetstream":true when JetStream is enabled.
nats_has_jetstream() {
  local info
  info="$(timeout 3 bash -c "exec 3<>/dev/tcp/$1/$2; IFS= read -r -t 2 line <&3; printf '%s' \"\$line\"" 2>/dev/null || true)"
  [[ "$info" == *'"jetstream":true'* ]]
}

wait_for_port() {
  local name="$1" host="$2" port="$3" logfile="$4" deadline=$((SECONDS + TIMEOUT))
  until port_open "$host" "$port"; do
    if ((SECONDS >= deadline)); then
      err "$name did not answer on $host:$port within ${TIMEOUT}s. Last lines of $logfile:"
      tail -n 30 "$logfile" >&2 2>/dev/null || true
      exit 1
    fi
    sleep 0.2
  done
}

# --- binaries -------------------------------------------------------------------------------------------------

find_bin() {
  local name="$1" candidate
  if candidate="$(command -v "$name" 2>/dev/null)"; then
    printf '%s\n' "$candidate"
    return 0
  fi
  for candidate in "/usr/sbin/$name" "/usr/local/sbin/$name" "/usr/local/bin/$name"; do
    [[ -x "$candidate" ]] && {
      printf '%s\n' "$candidate"
      return 0
    }
  done
  return 1
}

find_pg_bin() {
  local name="$1" dir
  # Newest installed major version first.
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -rn); do
    [[ -x "$dir/$name" ]] && {
      printf '%s\n' "$dir/$name"
      return 0
    }
  done
  find_bin "$name"
}

APT_UPDATED=0
can_apt_install() {
  [[ "$(id -u)" == 0 && -f /etc/debian_version ]] && command -v apt-get >/dev/null 2>&1
}

compose_hint() {
  cat >&2 <<'EOF'

  Install nats-server, postgresql and redis-server with your package manager
  (Debian/Ubuntu: sudo apt-get install nats-server postgresql redis-server), or, with a Docker engine, run
      docker compose up -d nats postgres redis
  and then run this command again (the servers answer on the standard ports on 127.0.0.1).
EOF
}

# apt_install <package>: installs one package without starting its system service (we run our own instance).
apt_install() {
  local package="$1" policy=/usr/sbin/policy-rc.d created_policy=0
  if ((APT_UPDATED == 0)); then
    log "infra: apt-get update"
    DEBIAN_FRONTEND=noninteractive timeout 300 apt-get update -qq >/dev/null || die "apt-get update failed"
    APT_UPDATED=1
  fi
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    created_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  log "infra: apt-get install $package"
  local rc=0
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq --no-install-recommends "$package" >/dev/null || rc=$?
  if ((created_policy == 1)); then
    rm -f "$policy"
    trap - EXIT
  fi
  ((rc == 0)) || die "apt-get install $package failed (exit $rc)"
}

# require_bin <finder> <binary> <package>: sets BIN to the binary's path, installing the package when possible.
BIN=""
require_bin() {
  local finder="$1" name="$2" package="$3"
  if BIN="$("$finder" "$name")"; then
    return 0
  fi
  if can_apt_install; then
    apt_install "$package"
    BIN="$("$finder" "$name")" || die "$name is still missing after installing $package"
    return 0
  fi
  err "$name is not installed and this script can only install it on Debian/Ubuntu as root."
  compose_hint
  exit 1
}

# --- bookkeeping of what we started ---------------------------------------------------------------------------

record_started() {
  local name="$1" pid="$2" extra="${3:-}"
  touch "$STARTED_FILE"
  grep -v "^$name " "$STARTED_FILE" >"$STARTED_FILE.tmp" || true
  printf '%s %s %s\n' "$name" "$pid" "$extra" >>"$STARTED_FILE.tmp"
  mv "$STARTED_FILE.tmp" "$STARTED_FILE"
}

# --- the three servers ----------------------------------------------------------------------------------------

ensure_nats() {
  local host port
  read -r host port < <(host_port "$NATS_URL" 4222)
  if port_open "$host" "$port"; then
    nats_has_jetstream "$host" "$port" ||
      die "NATS on $host:$port answers but JetStream is not enabled; restart it with -js (or point NATS_URL elsewhere)."
    log "nats: reusing $host:$port"
    return
  fi
  is_local_host "$host" || die "NATS does not answer on $host:$port, and that is not this machine."
  local bin dir="$INFRA_DIR/nats"
  require_bin find_bin nats-server nats-server
  bin="$BIN"
  mkdir -p "$dir"
  log "nats: starting $bin on $host:$port (data in ${dir#"$ROOT"/})"
  setsid "$bin" -js -sd "$dir" -a "$host" -p "$port" -P "$dir/nats.pid" -l "$dir/nats.log" </dev/null >>"$dir/nats.log" 2>&1 9>&- &
  local pid=$!
  wait_for_port nats "$host" "$port" "$dir/nats.log"
  nats_has_jetstream "$host" "$port" || die "the NATS started on $host:$port has no JetStream; see $dir/nats.log"
  record_started nats "$pid"
}

ensure_redis() {
  local host port
  read -r host port < <(host_port "$REDIS_URL" 6379)
  if port_open "$host" "$port"; then
    log "redis: reusing $host:$port"
    return
  fi
  is_local_host "$host" || die "Redis does not answer on $host:$port, and that is not this machine."
  local bin dir="$INFRA_DIR/redis"
  require_bin find_bin redis-server redis-server
  bin="$BIN"
  mkdir -p "$dir"
  rm -f "$dir/redis.pid"
  log "redis: starting $bin on $host:$port (data in ${dir#"$ROOT"/})"
  "$bin" --bind "$host" --port "$port" --daemonize yes --save "" --appendonly no \
    --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" </dev/null >/dev/null 9>&- ||
    die "redis-server failed to start; see $dir/redis.log"
  wait_for_port redis "$host" "$port" "$dir/redis.log"
  local deadline=$((SECONDS + 5))
  until [[ -s "$dir/redis.pid" ]] || ((SECONDS >= deadline)); do sleep 0.1; done
  record_started redis "$(cat "$dir/redis.pid" 2>/dev/null || echo 0)"
}

# Runs a PostgreSQL binary as the account that owns the data: root may not run postgres. From / because the
# postgres account may not be allowed into the current directory.
as_pg_user() {
  if [[ "$(id -u)" == 0 ]]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# The data folder; as root it must be reachable by the postgres account (a checkout under /root is not).
postgres_data_dir() {
  local dir="$INFRA_DIR/postgres"
  if [[ "$(id -u)" == 0 ]]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    mkdir -p "$dir"
    if ! runuser -u postgres -- test -x "$dir" 2>/dev/null; then
      dir="/var/tmp/switchboard-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)/postgres"
      mkdir -p "$dir"
      chmod 755 "$(dirname "$dir")"
      ln -sfn "$dir" "$INFRA_DIR/postgres-data"
    fi
    chown postgres: "$dir"
    chmod 700 "$dir"
  else
    mkdir -p "$dir"
    chmod 700 "$dir"
  fi
  printf '%s\n' "$dir"
}

ensure_postgres() {
  local host port
  read -r host port < <(host_port "$DATABASE_URL" 5432)
  if port_open "$host" "$port"; then
    log "postgres: reusing $host:$port"
    return
  fi
  is_local_host "$host" || die "PostgreSQL does not answer on $host:$port, and that is not this machine."
  local initdb pg_ctl dir
  require_bin find_pg_bin initdb postgresql
  initdb="$BIN"
  pg_ctl="$(find_pg_bin pg_ctl)" || die "pg_ctl not found next to $initdb"
  dir="$(postgres_data_dir)"
  if [[ ! -s "$dir/PG_VERSION" ]]; then
    log "postgres: initdb in $dir"
    as_pg_user "$initdb" -D "$dir" --auth=trust -U postgres -E UTF8 --locale=C >"$INFRA_DIR/postgres-initdb.log" 2>&1 || {
      tail -n 30 "$INFRA_DIR/postgres-initdb.log" >&2
      die "initdb failed"
    }
  fi
  log "postgres: starting $pg_ctl on $host:$port (data in $dir)"
  as_pg_user "$pg_ctl" -D "$dir" -l "$dir/postgres.log" -w -t "$TIMEOUT" \
    -o "-c listen_addresses=$host -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start </dev/null >/dev/null 9>&- || {
    tail -n 30 "$dir/postgres.log" >&2 2>/dev/null || true
    die "PostgreSQL failed to start"
  }
  wait_for_port postgres "$host" "$port" "$dir/postgres.log"
  record_started postgres "$(head -n 1 "$dir/postmaster.pid")" "$dir"
}

ensure_databases() {
  [[ -d "$ROOT/node_modules/pg" ]] || die "node_modules is missing; run npm ci first."
  (cd "$ROOT" && timeout "$((TIMEOUT + 15))" node -r @swc-node/register scripts/ensure-databases.ts) ||
    die "could not create the databases"
}

# --- stop / status --------------------------------------------------------------------------------------------

stop_pid() {
  local name="$1" pid="$2" i
  [[ "$pid" =~ ^[0-9]+$ ]] && ((pid > 1)) || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  err "$name (pid $pid) did not stop within 10s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

stop_all() {
  [[ -s "$STARTED_FILE" ]] || {
    log "infra: nothing to stop"
    return 0
  }
  local name pid extra pg_ctl
  while read -r name pid extra; do
    [[ -n "$name" ]] || continue
    case "$name" in
      postgres)
        if [[ -n "$extra" && -f "$extra/postmaster.pid" ]] && pg_ctl="$(find_pg_bin pg_ctl)"; then
          as_pg_user "$pg_ctl" -D "$extra" -m fast -w -t 20 stop >/dev/null 2>&1 || stop_pid "$name" "$pid"
        else
          stop_pid "$name" "$pid"
        fi
        ;;
      *) stop_pid "$name" "$pid" ;;
    esac
    log "$name: stopped (pid $pid)"
  done <"$STARTED_FILE"
  rm -f "$STARTED_FILE"
}

status() {
  local host port
  read -r host port < <(host_port "$NATS_URL" 4222)
  port_open "$host" "$port" && log "nats: up on $host:$port" || log "nats: down on $host:$port"
  read -r host port < <(host_port "$DATABASE_URL" 5432)
  port_open "$host" "$port" && log "postgres: up on $host:$port" || log "postgres: down on $host:$port"
  read -r host port < <(host_port "$REDIS_URL" 6379)
  port_open "$host" "$port" && log "redis: up on $host:$port" || log "redis: down on $host:$port"
  if [[ -s "$STARTED_FILE" ]]; then
    log "started by this script:"
    sed 's/^/  /' "$STARTED_FILE"
  fi
}

# --- main -----------------------------------------------------------------------------------------------------

mkdir -p "$INFRA_DIR"
# One bootstrap at a time per checkout (npm start and npm test may race). The servers started below must not
# inherit this descriptor (9>&-), or they would hold the lock for as long as they run.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$INFRA_DIR/.lock"
  flock -w "$((TIMEOUT * 4 + 600))" 9 || die "could not take the lock $INFRA_DIR/.lock"
fi

case "${1:-up}" in
  up | start)
    ensure_nats
    ensure_postgres
    ensure_redis
    ensure_databases
    ;;
  stop) stop_all ;;
  status) status ;;
  *)
    err "usage: scripts/infra.sh [up|stop|status]"
    exit 2
    ;;
esac
