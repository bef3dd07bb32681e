# What every benchmark script shares (sourced after pg.sh): a temporary folder, free loopback ports, and a clean-up on
# exit that stops the server it started and the throwaway PostgreSQL cluster and removes the folder.
# Usage: bench_workdir NAME   (sets $work and $server_pid)
bench_workdir() {
  work=$(mktemp -d "/tmp/$1.XXXXXX")
  server_pid=""
  trap bench_cleanup EXIT
}

bench_cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  pg_stop
  rm -rf "$work"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
