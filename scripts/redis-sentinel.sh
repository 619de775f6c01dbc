#!/usr/bin/env bash
# A local Redis Sentinel setup for the tests: a master on 127.0.0.1:6390, its replica on 6391, and three
# sentinels on 26390-26392 watching them as "serializedby" (fail-over after 2 s without an answer). In
# memory only; data, configuration and logs under ${SERIALIZEDBY_REDIS_SENTINEL_DIR:-/tmp/serializedby-redis-sentinel}.
#
#   scripts/redis-sentinel.sh start    starts what is not running; a healthy setup is reused. A data server
#                                      started again after a fail-over joins as a replica of the current master
#   scripts/redis-sentinel.sh stop     stops the processes this script started (pid files), removes the directory
#   scripts/redis-sentinel.sh status   exits 0 when the sentinels agree on a master that has a replica
#
# The tests connect through spring.data.redis.sentinel.master=serializedby and
# spring.data.redis.sentinel.nodes=127.0.0.1:26390,... (SERIALIZEDBY_REDIS_SENTINEL_NODES).
set -euo pipefail

name=serializedby
servers=(6390 6391)
sentinels=(26390 26391 26392)
dir=${SERIALIZEDBY_REDIS_SENTINEL_DIR:-/tmp/serializedby-redis-sentinel}

cli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}" 2>/dev/null | tr -d '\r'; }
answers() { [ "$(cli "$1" ping)" = "PONG" ]; }

our_pid() {
  local pid
  pid=$(cat "$dir/$1/redis.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && grep -q redis-server "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

# The master's port as the first sentinel that answers sees it.
master_port() {
  local port
  for port in "${sentinels[@]}"; do
    if answers "$port"; then cli "$port" sentinel get-master-addr-by-name "$name" | sed -n 2p; return; fi
  done
}

healthy() {
  local port master
  for port in "${servers[@]}" "${sentinels[@]}"; do answers "$port" || return 1; done
  master=$(cli "${sentinels[0]}" sentinel get-master-addr-by-name "$name" | sed -n 2p)
  [ -n "$master" ] || return 1
  for port in "${sentinels[@]:1}"; do
    [ "$(cli "$port" sentinel get-master-addr-by-name "$name" | sed -n 2p)" = "$master" ] || return 1
  done
  cli "$master" info replication | grep -qx 'role:master' || return 1
  for port in "${servers[@]}"; do
    [ "$port" = "$master" ] || cli "$port" info replication | grep -qx 'master_link_status:up' || return 1
  done
  # Each sentinel knows the replica and the two other sentinels, so that a fail-over can happen.
  for port in "${sentinels[@]}"; do
    cli "$port" sentinel master "$name" | paste - - | grep -qP '^num-other-sentinels\t2$' || return 1
    cli "$port" sentinel master "$name" | paste - - | grep -qP '^num-slaves\t1$' || return 1
  done
}

stop() {
  local pids=() pid
  for port in "${sentinels[@]}" "${servers[@]}"; do
    if pid=$(our_pid "$port"); then kill "$pid" && pids+=("$pid"); fi
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$dir"
}

start_server() { # port, arguments
  mkdir -p "$dir/$1"
  redis-server --bind 127.0.0.1 --port "$1" --daemonize yes --dir "$dir/$1" --pidfile "$dir/$1/redis.pid" \
    --logfile "$dir/$1/redis.log" --save "" --appendonly no --enable-debug-command local "${@:2}"
}

start_sentinel() { # port, master port
  mkdir -p "$dir/$1"
  # A sentinel rewrites its configuration file, so it gets one of its own.
  cat >"$dir/$1/sentinel.conf" <<CONF
bind 127.0.0.1
port $1
daemonize yes
dir $dir/$1
pidfile $dir/$1/redis.pid
logfile $dir/$1/redis.log
sentinel monitor $name 127.0.0.1 $2 2
sentinel down-after-milliseconds $name 2000
sentinel failover-timeout $name 10000
sentinel parallel-syncs $name 1
CONF
  redis-server "$dir/$1/sentinel.conf" --sentinel
}

start() {
  if healthy; then
    echo "Redis Sentinel already running (master $(master_port), sentinels on 127.0.0.1:${sentinels[0]}-${sentinels[-1]})"
    return 0
  fi
  local port master
  for port in "${servers[@]}" "${sentinels[@]}"; do
    if answers "$port" && ! our_pid "$port" >/dev/null; then
      echo "127.0.0.1:$port answers but was not started by this script: stop it first" >&2
      return 1
    fi
  done
  master=$(master_port)
  if [ -z "$master" ]; then # no sentinel yet: a fresh setup
    stop
    master=${servers[0]}
  fi
  for port in "${servers[@]}"; do
    answers "$port" && continue
    if [ "$port" = "$master" ]; then start_server "$port"; else start_server "$port" --replicaof 127.0.0.1 "$master"; fi
  done
  for port in "${sentinels[@]}"; do
    answers "$port" || start_sentinel "$port" "$master"
  done
  for _ in $(seq 1 120); do
    if healthy; then
      echo "Redis Sentinel running (master $(master_port), sentinels on 127.0.0.1:${sentinels[0]}-${sentinels[-1]})"
      return 0
    fi
    sleep 0.5
  done
  echo "Redis Sentinel setup did not become healthy within 60 s (logs under $dir)" >&2
  return 1
}

case "${1:-}" in
  start) start ;;
  stop) stop && echo "Redis Sentinel stopped" ;;
  status) if healthy; then echo "Redis Sentinel healthy (master $(master_port))"; else echo "Redis Sentinel not running or not healthy"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
