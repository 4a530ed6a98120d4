#!/usr/bin/env bash
# `upwire check --redis-url rediss://...` against `redis-cli --tls ... PING` on the same local
# TLS redis-server: both pay one TCP connect, one TLS handshake, AUTH and one PING.
# Usage: bash bench/check.sh       (installs hyperfine, redis-server, openssl when missing)
# Writes bench/out/check.json and commands-check.tsv.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out; mkdir -p "$out"
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v redis-server >/dev/null || need+=(redis-server)
command -v openssl >/dev/null || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null; fi
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/upwire

dir=$(mktemp -d)
trap 'kill $(cat "$dir/pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$dir"' EXIT
( cd "$dir"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=bench CA" -keyout ca.key -out ca.pem 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > ext.cnf
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile ext.cnf -out server.pem 2>/dev/null )
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --bind 127.0.0.1 --port 0 --tls-port "$port" --tls-cert-file "$dir/server.pem" \
  --tls-key-file "$dir/server.key" --tls-ca-cert-file "$dir/ca.pem" --tls-auth-clients no \
  --requirepass benchpw --save '' --appendonly no --daemonize yes --pidfile "$dir/pid" >/dev/null
for _ in $(seq 50); do redis-cli --tls --cacert "$dir/ca.pem" -p "$port" -a benchpw --no-auth-warning PING >/dev/null 2>&1 && break; sleep 0.1; done

# `-n NAME COMMAND` pairs → NAME<TAB>COMMAND lines: the exact commands, for bench/report.py.
record() { local file=$1; shift; while [ $# -gt 0 ]; do
  if [ "$1" = -n ]; then printf '%s\t%s\n' "$2" "$3" >> "$file"; shift 3; else shift; fi; done; }
commands=(-n "upwire check" "$bin check --redis-url rediss://default:benchpw@127.0.0.1:$port --ca-file $dir/ca.pem"
  -n "redis-cli --tls PING" "redis-cli --tls --cacert $dir/ca.pem -h 127.0.0.1 -p $port -a benchpw --no-auth-warning PING")
: > "$out/commands-check.tsv"
record "$out/commands-check.tsv" "${commands[@]}"
hyperfine -N --warmup 10 --runs 200 --export-json "$out/check.json" "${commands[@]}"
python3 - "$out/check.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command']:<22} median {r['median']*1000:.2f} ms")
PY
