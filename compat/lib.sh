# Shared by compat/run.sh and compat/burst.sh (sourced, after `cd compat/`): checks the
# peers, picks the upwire binary ($bin), and starts redis-server and serve on free loopback
# ports, stopping all of it on exit.
die() { echo "compat: $*" >&2; exit 2; }
command -v redis-server >/dev/null || die "redis-server is not installed (apt-get install redis-server)"
command -v node >/dev/null || die "node is not installed (apt-get install nodejs npm)"
for package in @upstash/redis @upstash/ratelimit; do
  [ -f "node_modules/$package/package.json" ] || die "run \`npm ci\` in compat/ first ($package is missing)"
done

bin=${UPWIRE_BIN:-}
if [ -z "$bin" ]; then
  (cd .. && cargo build --quiet --bin upwire)
  bin=../target/debug/upwire
fi

work=$(mktemp -d)
pids=()
# Every step may fail (a process that already exited): none may stop the cleanup.
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# A port nobody listens on right now, from the kernel.
free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

# PING over bash's /dev/tcp, one second at most.
redis_up() {
  timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 && printf 'PING\r\n' >&3 && head -c 7 <&3" 2>/dev/null | grep -q PONG
}

# start_redis NAME: a redis-server on a free port; sets redis_port.
start_redis() {
  redis_port=$(free_port)
  mkdir -p "$work/$1"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$work/$1" --loglevel warning >"$work/$1.redis.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 50); do redis_up "$redis_port" && break; sleep 0.1; done
  redis_up "$redis_port" || { cat "$work/$1.redis.log" >&2; die "redis-server did not start on port $redis_port"; }
}

# wait_for_serve LOG: the URL and token serve printed in LOG; sets url and token.
wait_for_serve() {
  url=
  token=
  for _ in $(seq 100); do
    url=$(sed -n 's/^ *UPSTASH_REDIS_REST_URL=//p' "$1" | head -n 1)
    token=$(sed -n 's/^ *UPSTASH_REDIS_REST_TOKEN=//p' "$1" | head -n 1)
    [ -n "$url" ] && [ -n "$token" ] && return 0
    sleep 0.1
  done
  cat "$1" >&2
  die "upwire serve did not start (or printed no token)"
}

