#!/usr/bin/env bash
# Starts (or stops) a 3-node cluster on this machine, each node a java process with its own ports
# and data directory under ./local-cluster. Build first: ./mvnw -B package -DskipTests
#
#   ops/local-cluster.sh start [lazy|majority]   node n listens on 127.0.0.1:40n2 (WS), 40n3 (HTTP),
#                                                40n4 (TCP), 40n5 (RSocket), 40n6 (peers)
#   ops/local-cluster.sh status                  cluster-state as each node sees it
#   ops/local-cluster.sh stop
set -euo pipefail
cd "$(dirname "$0")/.."
dir=local-cluster
jar=$(ls target/nundb-jvm-*.jar 2>/dev/null | grep -v original | head -1 || true)
export NUN_USER=${NUN_USER:-nun} NUN_PWD=${NUN_PWD:-nun-pwd}
export NUN_CLUSTER_SECRET=${NUN_CLUSTER_SECRET:-local-cluster-secret}
export NUN_REPLICATE_ADDR=127.0.0.1:4016,127.0.0.1:4026,127.0.0.1:4036

case "${1:-}" in
  start)
    [ -n "$jar" ] || { echo "no jar in target/: run ./mvnw -B package -DskipTests first" >&2; exit 1; }
    mkdir -p "$dir"
    for n in 1 2 3; do
      if [ -f "$dir/n$n.pid" ] && kill -0 "$(cat "$dir/n$n.pid")" 2>/dev/null; then
        echo "node $n already runs (pid $(cat "$dir/n$n.pid"))"; continue
      fi
      NUN_DBS_DIR="$dir/n$n" NUN_REPLICATION_ACK="${2:-lazy}" \
      NUN_WS_ADDR=127.0.0.1:40${n}2 NUN_HTTP_ADDR=127.0.0.1:40${n}3 NUN_TCP_ADDR=127.0.0.1:40${n}4 \
      NUN_RSOCKET_ADDR=127.0.0.1:40${n}5 NUN_CLUSTER_ADDR=127.0.0.1:40${n}6 NUN_EXTERNAL_ADDR=127.0.0.1:40${n}6 \
        nohup java -jar "$jar" > "$dir/n$n.log" 2>&1 &
      echo $! > "$dir/n$n.pid"
      echo "node $n: pid $!, TCP 127.0.0.1:40${n}4, log $dir/n$n.log"
    done
    for n in 1 2 3; do
      ready=0
      for _ in $(seq 1 240); do
        if curl -fs "http://127.0.0.1:40${n}3/actuator/health/readiness" >/dev/null 2>&1; then
          ready=1; echo "node $n ready"; break
        fi
        sleep 0.5
      done
      [ "$ready" = 1 ] || echo "node $n not ready after 120 s (a busy machine starts slowly): see $dir/n$n.log" >&2
    done
    ;;
  status)
    for n in 1 2 3; do
      printf 'node %s: ' "$n"
      curl -fs -X POST -d "auth $NUN_USER $NUN_PWD; cluster-state" "http://127.0.0.1:40${n}3/" || echo "down"
      echo
    done
    ;;
  stop)
    pids=()
    for n in 1 2 3; do
      if [ -f "$dir/n$n.pid" ]; then
        pid=$(cat "$dir/n$n.pid")
        kill "$pid" 2>/dev/null && pids+=("$pid")
        rm -f "$dir/n$n.pid"
      fi
    done
    # wait for the nodes to exit, so their ports are free for a `start` right after
    for pid in ${pids[@]+"${pids[@]}"}; do
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    done
    echo "stopped (data stays in $dir)"
    ;;
  *)
    sed -n '2,9p' "$0"; exit 2 ;;
esac
