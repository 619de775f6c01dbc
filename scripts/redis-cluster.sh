#!/usr/bin/env bash
# A local Redis Cluster for the tests: three masters and three replicas on 127.0.0.1:7001-7006, kept in
# memory only (no RDB, no AOF), data and logs under ${SERIALIZEDBY_REDIS_CLUSTER_DIR:-/tmp/serializedby-redis-cluster}.
#
#   scripts/redis-cluster.sh start    starts the six servers and creates the cluster; a healthy one is reused
#   scripts/redis-cluster.sh stop     stops the servers this script started (pid files), removes the directory
#   scripts/redis-cluster.sh status   exits 0 when every slot is served and the six servers answer
#
# The tests connect through spring.data.redis.cluster.nodes=127.0.0.1:7001,... (SERIALIZEDBY_REDIS_CLUSTER_NODES).
set -euo pipefail

ports=(7001 7002 7003 7004 7005 7006)
dir=${SERIALIZEDBY_REDIS_CLUSTER_DIR:-/tmp/serializedby-redis-cluster}

cli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}"; }
answers() { [ "$(cli "$1" ping 2>/dev/null)" = "PONG" ]; }

# Only a pid that is still a redis-server counts: a pid file can outlive its process, and the pid be reused.
our_pid() {
  local pid
  pid=$(cat "$dir/$1/redis.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && grep -q redis-server "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

healthy() {
  for port in "${ports[@]}"; do answers "$port" || return 1; done
  local info
  info=$(cli "${ports[0]}" cluster info 2>/dev/null | tr -d '\r')
  grep -qx 'cluster_state:ok' <<<"$info" && grep -qx 'cluster_slots_ok:16384' <<<"$info" \
    && grep -qx 'cluster_known_nodes:6' <<<"$info" \
    && [ "$(cli "${ports[0]}" cluster nodes 2>/dev/null | grep -c ' slave ')" = 3 ]
}

stop() {
  local pids=() pid
  for port in "${ports[@]}"; do
    if pid=$(our_pid "$port"); then kill "$pid" && pids+=("$pid"); fi
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$dir"
}

start() {
  if healthy; then
    echo "Redis Cluster already running on 127.0.0.1:${ports[0]}-${ports[-1]}"
    return 0
  fi
  stop # whatever is left of an earlier cluster
  for port in "${ports[@]}"; do
    if answers "$port"; then
      echo "127.0.0.1:$port answers but was not started by this script: stop it first" >&2
      return 1
    fi
  done
  for port in "${ports[@]}"; do
    mkdir -p "$dir/$port"
    redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --dir "$dir/$port" \
      --pidfile "$dir/$port/redis.pid" --logfile "$dir/$port/redis.log" --save "" --appendonly no \
      --cluster-enabled yes --cluster-config-file "$dir/$port/nodes.conf" --cluster-node-timeout 5000
  done
  for port in "${ports[@]}"; do
    for _ in $(seq 1 100); do answers "$port" && break; sleep 0.1; done
    answers "$port" || { echo "redis-server on $port did not start (see $dir/$port/redis.log)" >&2; return 1; }
  done
  local nodes=()
  for port in "${ports[@]}"; do nodes+=("127.0.0.1:$port"); done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$dir/create.log" 2>&1 \
    || { cat "$dir/create.log" >&2; return 1; }
  for _ in $(seq 1 120); do
    if healthy; then
      echo "Redis Cluster running on 127.0.0.1:${ports[0]}-${ports[-1]} (3 masters, 3 replicas)"
      return 0
    fi
    sleep 0.5
  done
  echo "Redis Cluster did not reach cluster_state:ok within 60 s:" >&2
  cli "${ports[0]}" cluster info >&2 || true
  return 1
}

case "${1:-}" in
  start) start ;;
  stop) stop && echo "Redis Cluster stopped" ;;
  status) if healthy; then echo "Redis Cluster healthy"; else echo "Redis Cluster not running or not healthy"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
