// The official @upstash/redis Node client (compat/'s pinned copy) through `upwire serve`: the
// Node side of bench/client.sh. Same workload as main.rs, the Rust side:
//   sequential  OPS commands, one request each, each awaited before the next: SET and GET
//               alternating over 100 keys (each GET reads the SET before it) with a 32-byte value;
//   pipelined   the same OPS commands, BATCH per request (`redis.pipeline()...exec()`).
// Usage: node bench/client/node.mjs MODE OPS BATCH CONFIG   (URL and token from the
// UPSTASH_REDIS_REST_* variables; CONFIG is `default` or `tuned`, see below).
// Prints one JSON line: {"client", "config", "mode", "ops", "seconds", "ops_per_sec"}.
import { createRequire } from "node:module";

const require = createRequire(new URL("../../compat/package.json", import.meta.url));
const { Redis } = require("@upstash/redis");

const [mode, opsArg, batchArg, config] = process.argv.slice(2);
const ops = Number(opsArg);
const batch = Number(batchArg);
const url = process.env.UPSTASH_REDIS_REST_URL;
const token = process.env.UPSTASH_REDIS_REST_TOKEN;
// `default`: what `new Redis({ url, token })` gives (auto-pipelining, base64 responses,
// telemetry headers). `tuned`: each of those off, which is faster for awaited one-at-a-time
// calls; the benchmark reports the faster of the two.
const options =
  config === "tuned"
    ? { url, token, enableAutoPipelining: false, responseEncoding: false, enableTelemetry: false }
    : { url, token };
const redis = new Redis(options);
const value = "v".repeat(32);
const keys = Array.from({ length: 100 }, (_, i) => `bench:${i}`);

async function sequential(n) {
  for (let i = 0; i < n; i++) {
    const key = keys[Math.floor(i / 2) % keys.length];
    if (i % 2 === 0) {
      await redis.set(key, value);
    } else if ((await redis.get(key)) !== value) {
      throw new Error(`GET ${key}: unexpected value`);
    }
  }
}

async function pipelined(n) {
  for (let done = 0; done < n; done += batch) {
    const p = redis.pipeline();
    for (let i = done; i < Math.min(done + batch, n); i++) {
      const key = keys[Math.floor(i / 2) % keys.length];
      if (i % 2 === 0) p.set(key, value);
      else p.get(key);
    }
    const replies = await p.exec();
    if (replies.length !== Math.min(batch, n - done)) throw new Error("short pipeline reply");
  }
}

const run = mode === "pipelined" ? pipelined : sequential;
// Warm-up: connection, JIT.
await run(Math.min(ops, 1000));
const started = process.hrtime.bigint();
await run(ops);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(
  JSON.stringify({ client: "node", config, mode, ops, seconds, ops_per_sec: ops / seconds }),
);
