#!/usr/bin/env bash
# Starts a Docker engine on a machine without systemd (see docs/operations.md):
# installs Debian's docker.io, docker-compose and debootstrap if missing, runs dockerd in the
# background with a pid file and waits until `docker info` answers. Idempotent.
# Stop it with: kill "$(cat "${DOCKERD_PIDFILE:-/var/run/nundb-dockerd.pid}")"
set -euo pipefail

PIDFILE="${DOCKERD_PIDFILE:-/var/run/nundb-dockerd.pid}"
LOG="${DOCKERD_LOG:-/var/log/nundb-dockerd.log}"

if docker info >/dev/null 2>&1; then
  echo "docker engine already answering"
  exit 0
fi

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  echo "dockerd running as pid $(cat "$PIDFILE"), waiting for it"
else
  rm -f "$PIDFILE"
  nohup dockerd --pidfile "$PIDFILE" >"$LOG" 2>&1 &
  echo "started dockerd (log: $LOG)"
fi

for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    echo "docker engine ready"
    exit 0
  fi
  sleep 1
done
echo "dockerd did not answer within 60 s; last log lines:" >&2
tail -n 20 "$LOG" >&2 || true
exit 1
