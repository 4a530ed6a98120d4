# Shared by the benchmark scripts that run servers: a work dir and background processes
# cleaned up on exit, free loopback ports, and a redis-server started on one.
# Usage: . bench/lib.sh   (after `cd` to the repository root)

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_port() { # port: up to ~5 s for a listener on 127.0.0.1
  for _ in $(seq 100); do
    timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "nothing listens on port $1" >&2
  return 1
}

start_redis() { # sets redis_port; no persistence, logs in $work
  redis_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" \
    --loglevel warning --logfile "$work/redis.log" &
  pids+=($!)
  wait_port "$redis_port"
}

start_serve() { # bin token [serve flags]: `upwire serve` in front of $redis_port; sets serve_port
  serve_port=$(free_port)
  UPWIRE_SERVE_TOKEN=$2 "$1" serve --redis "redis://127.0.0.1:$redis_port" \
    --listen "127.0.0.1:$serve_port" --quiet "${@:3}" 2>"$work/serve.log" &
  pids+=($!)
  wait_port "$serve_port"
}

start_webdis() { # sets webdis_port; webdis in front of $redis_port, 2 threads, logs in $work
  webdis_port=$(free_port)
  cat >"$work/webdis.json" <<JSON
{
  "redis_host": "127.0.0.1", "redis_port": $redis_port, "redis_auth": null,
  "http_host": "127.0.0.1", "http_port": $webdis_port,
  "threads": 2, "pool_size": 20, "daemonize": false, "websockets": false,
  "database": 0, "verbosity": 1, "logfile": "$work/webdis.log"
}
JSON
  webdis "$work/webdis.json" &
  pids+=($!)
  wait_port "$webdis_port"
}
