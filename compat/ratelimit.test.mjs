// The official @upstash/ratelimit (pinned in package-lock.json) over @upstash/redis against
// `upwire serve`. Its Lua scripts start with `#!lua flags=allow-key-locking`, which only
// Upstash understands: serve removes the flag and maps the client's script hashes to Redis's.
// Run through run.sh, which starts two redis-servers, each with its own serve, and sets:
//   UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN (the first region)
//   UPWIRE_SECOND_REST_URL, UPWIRE_SECOND_REST_TOKEN (the second region)
import { test, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { Redis } from "@upstash/redis";
import { Ratelimit, MultiRegionRatelimit } from "@upstash/ratelimit";

const env = process.env;
for (const name of ["UPSTASH_REDIS_REST_URL", "UPSTASH_REDIS_REST_TOKEN", "UPWIRE_SECOND_REST_URL", "UPWIRE_SECOND_REST_TOKEN"]) {
  if (!env[name]) throw new Error(`run this through compat/run.sh: ${name} is not set`);
}

// Every request the clients make, with serve's answer, to see what went over the wire.
const wire = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (url, init) => {
  const res = await realFetch(url, { ...init, signal: init?.signal ?? AbortSignal.timeout(10_000) });
  wire.push({ url: String(url), body: JSON.parse(init.body), status: res.status, reply: await res.clone().text() });
  return res;
};

// Loopback only; no retries, so a failure shows at once instead of after backoff.
const options = { retry: false, enableTelemetry: false };
const redis = new Redis({ ...options, url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN });
const second = new Redis({ ...options, url: env.UPWIRE_SECOND_REST_URL, token: env.UPWIRE_SECOND_REST_TOKEN });

beforeEach(async () => {
  await Promise.all([redis.flushdb(), second.scriptFlush(), redis.scriptFlush(), second.flushdb()]);
  wire.length = 0;
});

// Each command that went over the wire with its answer: { url, command, error }. The client
// pipelines commands sent together (enableAutoPipelining is on by default).
function commands() {
  return wire.flatMap((call) => {
    const batch = /\/(pipeline|multi-exec)$/.test(call.url);
    const reply = JSON.parse(call.reply);
    if (!batch) return [{ url: call.url, command: call.body, error: reply.error }];
    return call.body.map((command, i) => ({ url: call.url, command, error: Array.isArray(reply) ? reply[i].error : reply.error }));
  });
}

// No command may have failed in a way a client hides: the only errors allowed are the
// NOSCRIPTs that make @upstash/ratelimit send a script once with EVAL.
afterEach(() => {
  for (const { command, error } of commands()) {
    if (error !== undefined) assert.match(error, /^NOSCRIPT No matching script/, `${JSON.stringify(command)} → ${error}`);
  }
});

// Windows of a day: a test never straddles a window boundary (except at midnight UTC, when
// a fixed window's count starts again; the test then still sees every answer it expects
// from the new window's first requests, so none of its assertions can flake).
const DAY = "1 d";

const algorithms = {
  fixedWindow: () => Ratelimit.fixedWindow(3, DAY),
  slidingWindow: () => Ratelimit.slidingWindow(3, DAY),
  tokenBucket: () => Ratelimit.tokenBucket(1, DAY, 3),
};

for (const [name, algorithm] of Object.entries(algorithms)) {
  for (const cache of [false, true]) {
    test(`${name}: limit, getRemaining and resetUsedTokens ${cache ? "with" : "without"} the ephemeral cache`, async () => {
      const ratelimit = new Ratelimit({
        redis,
        limiter: algorithm(),
        prefix: `rl:${name}`,
        // 0: no time limit, so an error is thrown instead of passing as "timeout".
        timeout: 0,
        ephemeralCache: cache ? new Map() : false,
      });
      for (const remaining of [2, 1, 0]) {
        const res = await ratelimit.limit("alice");
        assert.equal(res.success, true);
        assert.equal(res.remaining, remaining);
        assert.equal(res.limit, 3);
        assert.equal(res.reason, undefined);
        assert.ok(res.reset > Date.now(), `reset ${res.reset}`);
        await res.pending;
      }
      const denied = await ratelimit.limit("alice");
      assert.equal(denied.success, false);
      assert.equal(denied.remaining, 0);
      const again = await ratelimit.limit("alice");
      assert.equal(again.success, false);
      // The ephemeral cache answers without asking Redis once it knows the limit is reached.
      assert.equal(again.reason, cache ? "cacheBlock" : undefined);
      // Other identifiers have their own budget.
      assert.equal((await ratelimit.limit("bob")).remaining, 2);

      const left = await ratelimit.getRemaining("alice");
      assert.equal(left.remaining, 0);
      assert.equal(left.limit, 3);
      assert.ok(left.reset > Date.now());
      await ratelimit.resetUsedTokens("alice");
      assert.equal((await ratelimit.getRemaining("alice")).remaining, 3);
      const fresh = await ratelimit.limit("alice", { rate: 2 });
      assert.equal(fresh.success, true);
      assert.equal(fresh.remaining, 1);
      // bob was not reset.
      assert.equal((await ratelimit.getRemaining("bob")).remaining, 2);

      // Each script went over the wire once as EVAL (after its one NOSCRIPT), then only by
      // the hash the client computed from the text it has, shebang flag included.
      const sent = commands();
      const evals = sent.filter((c) => c.command[0] === "eval");
      const scripts = new Set(evals.map((c) => c.command[1]));
      assert.equal(evals.length, scripts.size, "no script was sent twice");
      assert.ok([...scripts].some((s) => s.startsWith("#!lua flags=allow-key-locking")));
      const evalshas = sent.filter((c) => c.command[0] === "evalsha");
      assert.ok(evalshas.filter((c) => c.error === undefined).length >= 5);
      assert.equal(evalshas.filter((c) => c.error !== undefined).length, scripts.size);
    });
  }
}

test("the cached scripts survive SCRIPT FLUSH: NOSCRIPT, then EVAL again", async () => {
  const ratelimit = new Ratelimit({ redis, limiter: Ratelimit.slidingWindow(5, DAY), timeout: 0, ephemeralCache: false });
  assert.equal((await ratelimit.limit("carol")).remaining, 4);
  assert.equal((await ratelimit.limit("carol")).remaining, 3);
  await redis.scriptFlush();
  assert.equal((await ratelimit.limit("carol")).remaining, 2);
  assert.equal((await ratelimit.limit("carol")).remaining, 1);
  // Once before the flush and once after it.
  assert.equal(commands().filter((c) => c.command[0] === "eval").length, 2);
});

test("a dynamic limit set at run time is what the scripts apply", async () => {
  const ratelimit = new Ratelimit({
    redis,
    limiter: Ratelimit.fixedWindow(10, DAY),
    prefix: "rl:dynamic",
    timeout: 0,
    ephemeralCache: false,
    dynamicLimits: true,
  });
  assert.equal((await ratelimit.limit("dave")).remaining, 9);
  await ratelimit.setDynamicLimit({ limit: 2 });
  const res = await ratelimit.limit("dave");
  assert.equal(res.limit, 2);
  assert.equal(res.remaining, 0);
  assert.equal((await ratelimit.limit("dave")).success, false);
});

for (const [name, algorithm] of Object.entries({
  fixedWindow: () => MultiRegionRatelimit.fixedWindow(3, DAY),
  slidingWindow: () => MultiRegionRatelimit.slidingWindow(3, DAY),
})) {
  test(`MultiRegionRatelimit ${name} over two serve instances`, async () => {
    const prefix = `mr:${name}`;
    const ratelimit = new MultiRegionRatelimit({
      redis: [redis, second],
      limiter: algorithm(),
      prefix,
      timeout: 0,
      ephemeralCache: false,
    });
    for (const remaining of [2, 1, 0]) {
      const res = await ratelimit.limit("erin");
      assert.equal(res.success, true);
      assert.equal(res.remaining, remaining);
      // The regions exchange what each missed.
      await res.pending;
    }
    assert.equal((await ratelimit.limit("erin")).success, false);
    assert.equal((await ratelimit.getRemaining("erin")).remaining, 0);
    // Each region holds every request: the client synced them over both serve instances.
    for (const region of [redis, second]) {
      const keys = await region.keys(`${prefix}:erin:*`);
      assert.ok(keys.length >= 1, `keys in a region: ${keys}`);
      const ids = new Set();
      for (const key of keys) for (const id of Object.keys((await region.hgetall(key)) ?? {})) ids.add(id);
      assert.ok(ids.size >= 3, `request ids in a region: ${[...ids]}`);
    }
    // resetUsedTokens does not wait for the regions (it does not await its scripts): poll.
    await ratelimit.resetUsedTokens("erin");
    const deadline = Date.now() + 5000;
    while ((await redis.keys(`${prefix}:erin:*`)).length + (await second.keys(`${prefix}:erin:*`)).length > 0) {
      assert.ok(Date.now() < deadline, "resetUsedTokens cleared both regions within 5 s");
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal((await ratelimit.getRemaining("erin")).remaining, 3);
    // Both serve instances ran every script by the client's hash after the first EVAL.
    for (const base of [env.UPSTASH_REDIS_REST_URL, env.UPWIRE_SECOND_REST_URL]) {
      const here = commands().filter((c) => c.url.startsWith(base));
      assert.ok(here.some((c) => c.command[0] === "evalsha" && c.error === undefined), `EVALSHA worked at ${base}`);
    }
  });
}
