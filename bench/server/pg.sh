# Throwaway PostgreSQL cluster for the server benchmarks (sourced by run.sh): the installed server binaries, a free
# loopback port, a temporary directory owned by the unprivileged `postgres` user (the server refuses root), the same
# settings as the tests' cluster (no fsync: the figures are about Shifo, not the disk).
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pg_dir=""
pg_port=""

pg_as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_start() {
  pg_dir=$(mktemp -d /tmp/shifo-bench-pg.XXXXXX)
  [ "$(id -u)" = 0 ] && chown postgres "$pg_dir"
  pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  pg_as "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >/dev/null
  pg_as "$pg_bin/pg_ctl" start -D "$pg_dir/data" -w -l "$pg_dir/log" -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100 \
    -c shared_buffers=512MB -c work_mem=16MB -c maintenance_work_mem=256MB -c max_wal_size=4GB" >/dev/null
  pg_as "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres shifo
  pg_cs="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=shifo;Maximum Pool Size=40"
}

pg_psql() { pg_as "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d shifo -X -q "$@"; }

pg_stop() {
  [ -n "$pg_dir" ] || return 0
  pg_as "$pg_bin/pg_ctl" stop -D "$pg_dir/data" -m fast -w >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
  pg_dir=""
}
