#!/bin/sh
# Writes .env next to docker-compose.yml once: the admin user and a generated admin password and
# cluster secret, readable by you only. docker-compose reads it for every command (up, ps, logs…),
# so nothing needs exporting. An existing .env is kept; --force writes new secrets (then recreate
# the containers: docker-compose up -d --force-recreate).
set -eu
cd "$(dirname "$0")/.."
if [ -f .env ] && [ "${1:-}" != "--force" ]; then
  echo ".env exists: keeping it (docker/gen-env.sh --force writes new secrets)"
  exit 0
fi
random() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
umask 077
{
  echo "# Written by docker/gen-env.sh; keep it out of version control."
  echo "NUN_USER=nun"
  echo "NUN_PWD=$(random 12)"
  echo "NUN_CLUSTER_SECRET=$(random 24)"
} > .env
echo "wrote .env (admin user nun; the password is NUN_PWD in .env)"
