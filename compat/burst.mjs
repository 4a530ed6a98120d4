// Bursts of concurrent commands from the official @upstash/redis client (pinned in
// package-lock.json) against `upwire serve`, as a test suite's `Promise.all` sends them: ROUNDS
// rounds of BURST concurrent INCRs, once with the client's defaults (auto-pipelining on) and
// once with one HTTP request per command (auto-pipelining off: node's fetch then opens a socket
// per request in flight and keeps each for reuse; bun keeps up to 256). Runs under node and under
// bun alike. Prints one line per mode and exits 1 when any command was rejected or a count is
// off.
//
// Environment: UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN (compat/burst.sh sets them),
// ROUNDS (20), BURST (1000).
import { Redis } from "@upstash/redis";

const url = process.env.UPSTASH_REDIS_REST_URL;
const token = process.env.UPSTASH_REDIS_REST_TOKEN;
if (!url || !token) {
  throw new Error("set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN (compat/burst.sh does)");
}
const rounds = Number(process.env.ROUNDS || 20);
const burst = Number(process.env.BURST || 1000);
const runtime = typeof Bun === "undefined" ? `node ${process.version}` : `bun ${Bun.version}`;

let failed = false;
for (const [mode, options] of [
  ["client defaults", {}],
  ["one request per command", { enableAutoPipelining: false }],
]) {
  const redis = new Redis({ url, token, enableTelemetry: false, ...options });
  const key = `burst:${mode}`;
  await redis.del(key);
  let rejected = 0;
  const errors = new Map();
  const started = Date.now();
  for (let round = 0; round < rounds; round++) {
    const results = await Promise.allSettled(Array.from({ length: burst }, () => redis.incr(key)));
    for (const r of results) {
      if (r.status === "rejected") {
        rejected++;
        const message = String(r.reason?.message ?? r.reason).slice(0, 160);
        errors.set(message, (errors.get(message) ?? 0) + 1);
      }
    }
  }
  const count = Number(await redis.get(key));
  const expected = rounds * burst;
  const ok = rejected === 0 && count === expected;
  failed ||= !ok;
  console.log(
    `burst (${runtime}, ${mode}): ${rounds} rounds of ${burst} concurrent INCR: ` +
      `${rejected} rejected, counter ${count} of ${expected}, ${Date.now() - started} ms` +
      (ok ? "" : ` FAILED ${JSON.stringify([...errors])}`),
  );
}
process.exit(failed ? 1 : 0);
