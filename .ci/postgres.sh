#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL cluster for the history tests:
# Debian's postgresql package, a data directory under DIR, listening on
# 127.0.0.1 only, on the first free port from 54320, run as the postgres
# user (when started as root), trust authentication (loopback only).
#
#   .ci/postgres.sh start DIR   # prints the connection URL, also kept in DIR/dsn
#   .ci/postgres.sh stop DIR
#
# The tests read the URL from SUPAUDIT_TEST_POSTGRES.
set -euo pipefail

cmd="${1:-}"
dir="${2:-}"
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi

bindir=""
for d in /usr/lib/postgresql/*/bin; do
  [ -x "$d/pg_ctl" ] && bindir="$d"
done
if [ -z "$bindir" ]; then
  echo "postgres.sh: no /usr/lib/postgresql/*/bin/pg_ctl (apt-get install postgresql)" >&2
  exit 1
fi

as_pg() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "$cmd" in
start)
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
  as_pg "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 >"$dir/initdb.log"
  port=54320
  while [ $port -lt 54400 ]; do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      if as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
          -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=100" start >/dev/null; then
        break
      fi
    fi
    port=$((port + 1))
  done
  if [ $port -ge 54400 ]; then
    echo "postgres.sh: could not start a cluster (see $dir/server.log)" >&2
    exit 1
  fi
  as_pg "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres supaudit_test
  dsn="postgres://postgres@127.0.0.1:$port/supaudit_test?sslmode=disable"
  echo "$dsn" >"$dir/dsn"
  echo "$dsn"
  ;;
stop)
  if [ -d "$dir/data" ]; then
    as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop DIR" >&2
  exit 2
  ;;
esac
