#!/usr/bin/env python3
"""Renders BENCHMARKS.md from what bench/run.sh left in bench/out/ (argument: that directory).

Every figure comes from the run's own files; the fixed text says how to read them. Where a
target is missed, the verdict says so, and bench/notes.md (if present) is appended verbatim:
the analysis of a miss is written there by hand, with its evidence, and survives reruns.
"""
import json
import os
import re
import statistics
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else "bench/out"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(name):
    with open(os.path.join(OUT, name)) as f:
        return json.load(f)


def text(name):
    with open(os.path.join(OUT, name)) as f:
        return f.read()


def commands():
    """NAME -> the exact command line, from the scripts' commands-*.tsv files."""
    found = {}
    for name in sorted(os.listdir(OUT)):
        if name.startswith("commands-") and name.endswith(".tsv"):
            for line in text(name).splitlines():
                key, command = line.split("\t", 1)
                found[key] = clean(command)
    return found


def hyperfine(name):
    return {r["command"]: r for r in load(name)["results"]}


def clean(command):
    """A command line as the reader would type it: repo-relative, temp dirs named."""
    command = command.replace(ROOT + "/", "")
    command = re.sub(r"/tmp/tmp\.\w+", "$CERTS", command)
    return command


def ms(seconds):
    return f"{seconds * 1000:.2f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"


def mib(kib):
    return f"{kib / 1024:.1f} MiB"


def num(x):
    return f"{x:,.0f}"


def verdict(ok):
    return "**met**" if ok else "**missed**"


COMMANDS = commands()
machine = dict(line.split(" ", 1) for line in text("machine.txt").splitlines() if " " in line)
loads = [float(line.split()[1]) for line in text("load.txt").splitlines() if line.strip()]
sections = [line.split() for line in text("sections.txt").splitlines() if line.strip()]

lint = hyperfine("lint.json")
resolve = hyperfine("resolve.json")
resolve_rss = dict(line.split() for line in text("resolve-rss.txt").splitlines() if line.strip())
generate = load("generate.json")
generate_disk = load("generate-disk.json")
check = hyperfine("check.json")
client = load("client.json")

# serve.txt: "label conn req/s p50 p99" rows, then "redis-benchmark GET conn req/s" rows.
serve_rows, redis_rows = [], {}
for line in text("serve.txt").splitlines():
    m = re.match(r"^redis-benchmark GET\s+(\d+)\s+([\d.]+)\s*$", line)
    if m:
        redis_rows[int(m.group(1))] = float(m.group(2))
        continue
    m = re.match(r"^(.*?)\s+(\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s*$", line)
    if m:
        serve_rows.append((m.group(1), int(m.group(2)), int(m.group(3)),
                           float(m.group(4)), float(m.group(5))))


def serve_rps(prefix, conn):
    return next(r[2] for r in serve_rows if r[0].startswith(prefix) and r[1] == conn)


def lint_by_name(name):
    return next(r for r in lint.values() if r["command"] == name or name in r["command"])


hello = lint["hello-world"]
upwire_lint = lint["upwire lint"]
dotenv = lint["dotenv-linter"]
res = {int(k.split()[1]): v for k, v in resolve.items()}
ck_upwire = check["upwire check"]
ck_cli = check["redis-cli --tls PING"]
client_median = {(r["mode"], r["client"], r["config"]): r["median_ops_per_sec"]
                 for r in client["results"]}


def node_best(mode):
    cfg = max(("default", "tuned"), key=lambda c: client_median[(mode, "node", c)])
    return cfg, client_median[(mode, "node", cfg)]


serve16, webdis16 = serve_rps("upwire serve GET", 16), serve_rps("webdis", 16)
per_target = {n: res[n]["median"] / n for n in res}
growth_ok = per_target[10000] <= 1.5 * per_target[1000]
targets = [
    ("`lint` no slower than dotenv-linter",
     f"{ms(upwire_lint['median'])} vs {ms(dotenv['median'])}",
     upwire_lint["median"] <= dotenv["median"]),
    ("`lint` within 2x the hello-world floor",
     f"{upwire_lint['median'] / hello['median']:.2f}x ({ms(upwire_lint['median'])} vs "
     f"{ms(hello['median'])})",
     upwire_lint["median"] <= 2 * hello["median"]),
    *[("`fix` about what `lint` costs (within 1.25x)",
       f"{lint[n]['median'] / upwire_lint['median']:.2f}x ({ms(lint[n]['median'])}, `{n}`)",
       lint[n]["median"] <= 1.25 * upwire_lint["median"])
      for n in ("upwire fix", "upwire fix --dry-run") if n in lint],
    ("`serve` at least 1.5x webdis at 16 connections",
     f"{serve16 / webdis16:.2f}x ({num(serve16)} vs {num(webdis16)} req/s)",
     serve16 >= 1.5 * webdis16),
]
for mode in ("sequential", "pipelined"):
    cfg, node = node_best(mode)
    rust = client_median[(mode, "rust", "generated")]
    targets.append((f"generated REST client at least 2x `@upstash/redis`, {mode}",
                    f"{rust / node:.1f}x ({num(rust)} vs {num(node)} ops/s, Node `{cfg}`)",
                    rust >= 2 * node))
targets += [
    ("10,000 targets resolved in under 0.5 s",
     ms(res[10000]["median"]), res[10000]["median"] < 0.5),
    ("resolve grows linearly (time per target at 10,000 within 1.5x of that at 1,000)",
     f"{per_target[1000] * 1e6:.1f} µs/target at 1,000, {per_target[10000] * 1e6:.1f} at 10,000",
     growth_ok),
    ("`check` no slower than `redis-cli --tls PING`",
     f"{ms(ck_upwire['median'])} vs {ms(ck_cli['median'])}",
     ck_upwire["median"] <= ck_cli["median"]),
]

p = print
p("# Benchmarks")
p()
p("Written by `bash bench/run.sh` (the one benchmark command; it installs its own tools). Do")
p("not edit by hand: rerun it. Every figure is a median; hyperfine runs with `-N` (no shell).")
p()
p("## Machine")
p()
p("| | |")
p("|---|---|")
for key in ("date", "cores", "cpu", "memory", "kernel", "os", "rustc", "commit"):
    p(f"| {key} | {machine.get(key, '?')} |")
tools = ", ".join(f"{k} {machine[k]}" for k in
                  ("hyperfine", "dotenv-linter", "redis-server", "webdis", "wrk", "node",
                   "upstash-redis") if k in machine)
p(f"| tools | {tools} |")
if loads:
    p(f"| load average during the run | min {min(loads):.2f}, median "
      f"{statistics.median(loads):.2f}, max {max(loads):.2f} ({len(loads)} samples, every 5 s) |")
if len(sections) >= 2:
    p(f"| duration | {(int(sections[-1][1]) - int(sections[0][1])) / 60:.1f} min |")
    samples = [(int(line.split()[0]), float(line.split()[1]))
               for line in text("load.txt").splitlines() if line.strip()]
    by_section = []
    for (name, start), (_, end) in zip(sections, sections[1:]):
        inside = [load for t, load in samples if int(start) <= t < int(end)]
        if inside:
            by_section.append(f"{name} {statistics.median(inside):.2f}")
    p(f"| load average by section (median) | {', '.join(by_section)} |")
    others = {}
    for line in text("load.txt").splitlines():
        for item in line.split()[2:]:
            name, share = item.rsplit(":", 1)
            others.setdefault(name, []).append(float(share))
    if others:
        seen = ", ".join(
            f"`{name}` in {len(v)} of {len(samples)} samples (median {statistics.median(v):.0f}% of a core)"
            for name, v in sorted(others.items(), key=lambda kv: -len(kv[1])))
        p(f"| other processes above 10% of a core | {seen} |")
    else:
        p(f"| other processes above 10% of a core | none in {len(samples)} samples |")
p()
p("The load average is the kernel's one-minute average and counts the benchmarks' own")
p("processes: `serve` and `client` keep both cores busy by design. The load generators")
p("(hyperfine, wrk, redis-benchmark, the clients) share the cores with the programs they")
p("measure. Processes using the CPU when the run started (`top`, second sample):")
p()
p("```text")
p(text("busy-before.txt").rstrip())
p("```")
p()
p("## Targets")
p()
p("| target | this run | |")
p("|---|---|---|")
for name, figure, ok in targets:
    p(f"| {name} | {figure} | {verdict(ok)} |")
p()

p("## 1. `upwire lint` vs dotenv-linter vs a hello-world binary")
p()
p("The same 9-line env file (`bench/out/bench.env`, written by `bench/core.sh`); the floor is")
p("`fn main() { println!(\"hello\"); }` built with `rustc -O` by the same toolchain.")
p("`hyperfine -N -i --warmup 20 --runs 300`:")
p()
p("| command | median | mean ± σ | min | vs floor |")
p("|---|---:|---:|---:|---:|")
for name in ("hello-world", "upwire lint", "dotenv-linter", "upwire fix", "upwire fix --dry-run"):
    if name not in lint:
        continue
    r = lint[name]
    p(f"| `{COMMANDS[name]}` | {ms(r['median'])} | {ms(r['mean'])} ± {ms(r['stddev'])} "
      f"| {ms(r['min'])} | {r['median'] / hello['median']:.2f}x |")
p()

p("## 2. Resolve and generate at 100 / 1,000 / 10,000 targets")
p()
p("Descriptors from `python3 bench/gen_descriptor.py N` (all five kinds, two databases, every")
p("value from `${NAME}`). Peak memory is `/usr/bin/time -f %M` of one run.")
p()
p("`hyperfine -N --warmup 3 --runs 20` of:")
p()
p("```sh")
for n in sorted(res):
    p(COMMANDS[f"resolve {n}"])
p("```")
p()
p("| targets | median | per target | peak RSS |")
p("|---:|---:|---:|---:|")
for n in sorted(res):
    p(f"| {n:,} | {ms(res[n]['median'])} | {per_target[n] * 1e6:.1f} µs | "
      f"{mib(int(resolve_rss[str(n)]))} |")
p()
p("`bash bench/generate.sh`: the bundled example (5 targets) and the same descriptors, each")
p("`generate`d *fresh* (every file created: the directory is emptied before each run) and")
p("*rerun* (every file already up to date); `hyperfine -N --warmup 1`, 30 runs, 10 at 1,000")
p(f"targets, 5 at 10,000. On tmpfs (`{generate['dir']}`), so the figures are upwire's own work:")
p()
p("```sh")
for r in generate["results"]:
    if r["mode"] == "fresh":
        p(clean(r["command"]))
p("```")
p()
p("| targets | files | fresh | rerun | peak RSS fresh / rerun |")
p("|---:|---:|---:|---:|---:|")


def generate_table(data):
    by = {(r["targets"], r["mode"]): r for r in data["results"]}
    for n in sorted({r["targets"] for r in data["results"]}):
        f, r = by[(n, "fresh")], by[(n, "rerun")]
        p(f"| {n:,} | {f['files']:,} | {ms(f['median_s'])} | {ms(r['median_s'])} | "
          f"{mib(f['peak_rss_kib'])} / {mib(r['peak_rss_kib'])} |")


generate_table(generate)
p()
p("The same on the machine's disk (ext4 on a shared virtual disk): every created file is a")
p("temp file plus a rename, so the disk's latency is added per file.")
p()
p("| targets | files | fresh | rerun | peak RSS fresh / rerun |")
p("|---:|---:|---:|---:|---:|")
generate_table(generate_disk)
p()

p("## 3. `upwire serve` vs webdis, and both against `redis-benchmark`")
p()
p("`bash bench/serve.sh`: one `redis-server`, `upwire serve` (release, `--quiet`, with a")
p("token) and webdis (2 threads, pool of 20) in front of it, all on loopback. wrk runs 10 s")
p("per row with `--latency`, 1 thread at 1 connection and 2 at 16 and 64:")
p()
p("```sh")
for line in open(os.path.join(ROOT, "bench/serve.sh")):
    line = line.strip()
    if line.startswith(("wrk ", "run \"", "rps=$(redis-benchmark")):
        p(line)
p("```")
p()
p("| server | connections | req/s | p50 | p99 | vs redis-benchmark |")
p("|---|---:|---:|---:|---:|---:|")
for label, conn, rps, p50, p99 in serve_rows:
    floor = redis_rows.get(conn)
    ratio = f"{rps / floor:.2f}x" if floor else ""
    p(f"| {label} | {conn} | {num(rps)} | {p50:.3f} ms | {p99:.3f} ms | {ratio} |")
for conn, rps in sorted(redis_rows.items()):
    p(f"| redis-benchmark GET (no HTTP) | {conn} | {num(rps)} | | | 1.00x |")
p()
if 1 in redis_rows:
    s1 = serve_rps("upwire serve GET", 1)
    p(f"At one connection the HTTP hop through serve adds {(1 / s1 - 1 / redis_rows[1]) * 1e6:.0f} µs")
    p(f"per request to Redis's own round trip ({1e6 / redis_rows[1]:.0f} µs by redis-benchmark).")
    p("`redis-benchmark` runs without `-P`: every client waits for each reply, as a wrk")
    p("connection does, so a gateway that pipelines concurrent requests onto its Redis")
    p("connections can pass it.")
    p()

p("## 4. The generated Rust REST client vs `@upstash/redis` (Node)")
p()
p(f"`bash bench/client.sh`: one `upwire serve` (release) over one `redis-server`; each client")
p(f"runs {client['ops']:,} commands (SET and GET alternating over 100 keys, a 32-byte value,")
p(f"every GET checked) after a warm-up of 1,000; {client['runs']} runs, alternating between")
p("the clients. *Sequential*: one request per command, each awaited before the next. *Pipelined*:")
p(f"{client['batch']} commands per request (`RestClient::pipeline`, `redis.pipeline().exec()`).")
p("The Rust side is `upwire generate`'s `src/redis_client.rs`, verbatim, built `--release`")
p("with `#[tokio::main]`; `bench/client/main.rs` drives it. It always asks for")
p("`Upstash-Encoding: base64` and decodes the replies, carries the `Upstash-Sync-Token`, and")
p("has its retries armed (none is needed on loopback). The Node side is")
p("`bench/client/node.mjs` with the pinned client from `compat/`, in two configurations:")
p("`default` (`new Redis({ url, token })`: auto-pipelining, base64 responses, telemetry")
p("headers) and `tuned` (each of those off); the target is checked against the faster one.")
p()
p("```sh")
for key in ("rust sequential", "node sequential", "rust pipelined", "node pipelined"):
    p(COMMANDS[key])
p("```")
p()
p("| mode | client | median ops/s | runs |")
p("|---|---|---:|---|")
for r in sorted(client["results"], key=lambda r: (r["mode"] != "sequential", r["client"] != "rust",
                                                  r["config"])):
    who = "generated Rust client" if r["client"] == "rust" else f"@upstash/redis `{r['config']}`"
    p(f"| {r['mode']} | {who} | {num(r['median_ops_per_sec'])} | "
      f"{', '.join(num(x) for x in r['runs'])} |")
p()

p("## 5. `upwire check` vs `redis-cli --tls PING`")
p()
p("`bash bench/check.sh`: one local `redis-server` with TLS only and a password; both")
p("commands pay one TCP connect, one TLS handshake, AUTH and one PING")
p("(`hyperfine -N --warmup 10 --runs 200`):")
p()
p("| command | median | mean ± σ | min |")
p("|---|---:|---:|---:|")
for name in ("upwire check", "redis-cli --tls PING"):
    r = check[name]
    p(f"| `{COMMANDS[name]}` | {ms(r['median'])} | {ms(r['mean'])} ± {ms(r['stddev'])} | "
      f"{ms(r['min'])} |")
p()

notes = os.path.join(ROOT, "bench", "notes.md")
if os.path.exists(notes):
    with open(notes) as f:
        p(f.read().rstrip())
        p()
