// The official @upstash/redis client (pinned in package-lock.json) against `upwire serve`.
// Run through run.sh, which starts redis-server and serve on free loopback ports and sets:
//   UPSTASH_REDIS_REST_URL, UPSTASH_REDIS_REST_TOKEN, UPWIRE_READONLY_TOKEN
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { Redis } from "@upstash/redis";

const url = process.env.UPSTASH_REDIS_REST_URL;
const token = process.env.UPSTASH_REDIS_REST_TOKEN;
const readonlyToken = process.env.UPWIRE_READONLY_TOKEN;
if (!url || !token || !readonlyToken) {
  throw new Error("run this through compat/run.sh: it starts redis-server and upwire serve");
}

// Loopback only; no retries, so a failure shows at once instead of after backoff.
const options = { url, token, retry: false, enableTelemetry: false };
const redis = new Redis(options);
// The client's default is base64 responses; this one asks for plain JSON strings.
const plain = new Redis({ ...options, responseEncoding: false });
const readonly = new Redis({ ...options, token: readonlyToken });

beforeEach(async () => {
  await redis.flushdb();
});

test("strings", async () => {
  assert.equal(await redis.set("greeting", "hello"), "OK");
  assert.equal(await redis.get("greeting"), "hello");
  assert.equal(await redis.append("greeting", " world"), 11);
  assert.equal(await redis.strlen("greeting"), 11);
  assert.equal(await redis.getrange("greeting", 0, 4), "hello");
  assert.equal(await redis.set("greeting", "x", { nx: true }), null);
  assert.equal(await redis.mset({ a: "1", b: "two" }), "OK");
  assert.deepEqual(await redis.mget("a", "b", "missing"), [1, "two", null]);
  assert.equal(await redis.getdel("b"), "two");
  assert.equal(await redis.exists("a", "b"), 1);
  assert.equal(await redis.del("a", "greeting"), 2);
  assert.equal(await redis.get("missing"), null);
});

test("JSON values are serialised by the client and come back as objects", async () => {
  const user = { name: "Ada", tags: ["math", "engines"], born: 1815, active: true, nested: { x: null } };
  await redis.set("user:1", user);
  assert.deepEqual(await redis.get("user:1"), user);
  await redis.set("list", [1, "two", { three: 3 }]);
  assert.deepEqual(await redis.get("list"), [1, "two", { three: 3 }]);
  await redis.set("num", 42);
  assert.equal(await redis.get("num"), 42);
  // What is stored is the JSON text.
  const raw = new Redis({ ...options, automaticDeserialization: false });
  assert.equal(await raw.get("user:1"), JSON.stringify(user));
});

test("hashes", async () => {
  assert.equal(await redis.hset("h", { field: "value", count: 1, obj: { a: [1, 2] } }), 3);
  assert.equal(await redis.hget("h", "field"), "value");
  assert.deepEqual(await redis.hgetall("h"), { field: "value", count: 1, obj: { a: [1, 2] } });
  assert.equal(await redis.hincrby("h", "count", 5), 6);
  assert.deepEqual((await redis.hkeys("h")).sort(), ["count", "field", "obj"]);
  assert.equal(await redis.hlen("h"), 3);
  assert.equal(await redis.hexists("h", "field"), 1);
  assert.equal(await redis.hdel("h", "field"), 1);
  assert.deepEqual(await redis.hmget("h", "count", "gone"), { count: 6, gone: null });
  assert.equal(await redis.hgetall("nothing"), null);
});

test("lists", async () => {
  assert.equal(await redis.rpush("l", "a", "b", "c"), 3);
  assert.equal(await redis.lpush("l", "z"), 4);
  assert.deepEqual(await redis.lrange("l", 0, -1), ["z", "a", "b", "c"]);
  assert.equal(await redis.llen("l"), 4);
  assert.equal(await redis.lindex("l", 1), "a");
  assert.equal(await redis.lpop("l"), "z");
  assert.deepEqual(await redis.rpop("l", 2), ["c", "b"]);
  assert.deepEqual(await redis.lrange("l", 0, -1), ["a"]);
});

test("sets", async () => {
  assert.equal(await redis.sadd("s", "a", "b", "c"), 3);
  assert.equal(await redis.sadd("s", "a"), 0);
  assert.deepEqual((await redis.smembers("s")).sort(), ["a", "b", "c"]);
  assert.equal(await redis.sismember("s", "b"), 1);
  assert.equal(await redis.scard("s"), 3);
  assert.equal(await redis.srem("s", "b"), 1);
  await redis.sadd("t", "c", "d");
  assert.deepEqual(await redis.sinter("s", "t"), ["c"]);
});

test("sorted sets", async () => {
  assert.equal(await redis.zadd("z", { score: 1, member: "one" }, { score: 2.5, member: "two" }, { score: 3, member: "three" }), 3);
  assert.deepEqual(await redis.zrange("z", 0, -1), ["one", "two", "three"]);
  assert.deepEqual(await redis.zrange("z", 0, 1, { withScores: true }), ["one", 1, "two", 2.5]);
  assert.deepEqual(await redis.zrange("z", 0, 0, { rev: true }), ["three"]);
  assert.equal(await redis.zscore("z", "two"), 2.5);
  assert.equal(await redis.zincrby("z", 10, "one"), 11);
  assert.equal(await redis.zrank("z", "one"), 2);
  assert.equal(await redis.zcard("z"), 3);
  assert.deepEqual(await redis.zrange("z", 2, 3, { byScore: true }), ["two", "three"]);
});

test("expire and ttl", async () => {
  await redis.set("session", "s", { ex: 100 });
  const ttl = await redis.ttl("session");
  assert.ok(ttl > 90 && ttl <= 100, `ttl ${ttl}`);
  assert.ok((await redis.pttl("session")) > 90_000);
  assert.equal(await redis.expire("session", 5), 1);
  assert.ok((await redis.ttl("session")) <= 5);
  assert.equal(await redis.persist("session"), 1);
  assert.equal(await redis.ttl("session"), -1);
  assert.equal(await redis.ttl("missing"), -2);
  await redis.setex("short", 1, "v");
  await redis.pexpire("short", 50);
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(await redis.get("short"), null);
});

test("incr and friends", async () => {
  assert.equal(await redis.incr("n"), 1);
  assert.equal(await redis.incrby("n", 41), 42);
  assert.equal(await redis.decr("n"), 41);
  assert.equal(await redis.decrby("n", 1), 40);
  assert.equal(await redis.incrbyfloat("f", 1.5), 1.5);
  await redis.set("word", "abc");
  await assert.rejects(redis.incr("word"), /ERR value is not an integer or out of range/);
});

test("pipeline", async () => {
  const p = redis.pipeline();
  p.set("k", { v: 1 });
  p.get("k");
  p.incr("counter");
  p.hset("h", { f: "x" });
  p.hgetall("h");
  p.zadd("z", { score: 1, member: "m" });
  assert.deepEqual(await p.exec(), ["OK", { v: 1 }, 1, 1, { f: "x" }, 1]);

  // One failing command: exec throws, naming it; keepErrors shows each outcome.
  await redis.set("word", "abc");
  const bad = redis.pipeline().incr("word").get("word");
  await assert.rejects(bad.exec(), /Command 1 \[ incr \] failed: ERR value is not an integer/);
  const kept = await redis.pipeline().incr("word").get("word").exec({ keepErrors: true });
  assert.match(kept[0].error, /ERR value is not an integer/);
  assert.equal(kept[1].result, "abc");
});

test("multi (transaction)", async () => {
  const tx = redis.multi();
  tx.set("a", 1);
  tx.incr("a");
  tx.lpush("l", "x");
  tx.get("a");
  assert.deepEqual(await tx.exec(), ["OK", 2, 1, 2]);

  // Concurrent transactions never interleave: both counters always move together.
  await redis.mset({ x: 0, y: 0 });
  await Promise.all(Array.from({ length: 20 }, () => redis.multi().incr("x").incr("y").exec()));
  assert.deepEqual(await redis.mget("x", "y"), [20, 20]);
});

test("auto-pipelining batches concurrent commands over /pipeline", async () => {
  const auto = new Redis({ ...options, enableAutoPipelining: true });
  const results = await Promise.all([auto.set("p1", "a"), auto.set("p2", "b"), auto.get("p1"), auto.incr("p3")]);
  assert.deepEqual(results, ["OK", "OK", "a", 1]);
});

test("unicode values and keys", async () => {
  const text = "日本語 ñandú 😀 — \"quoted\" \\ back\nline";
  await redis.set("ключ-🔑", text);
  assert.equal(await redis.get("ключ-🔑"), text);
  assert.equal(await plain.get("ключ-🔑"), text);
  await redis.hset("uh", { "名前": "値 ✓" });
  assert.deepEqual(await redis.hgetall("uh"), { "名前": "値 ✓" });
  await redis.set("uj", { emoji: "🎉", accent: "é" });
  assert.deepEqual(await redis.get("uj"), { emoji: "🎉", accent: "é" });
});

test("the default base64 encoding and plain JSON agree", async () => {
  await redis.set("s", "plain text");
  await redis.rpush("l", "OK", "1", "x y");
  await redis.set("ok", "OK");
  for (const client of [redis, plain]) {
    assert.equal(await client.get("s"), "plain text");
    assert.deepEqual(await client.lrange("l", 0, -1), ["OK", 1, "x y"]);
    assert.equal(await client.get("ok"), "OK");
    assert.equal(await client.ping(), "PONG");
    assert.equal(await client.echo("héllo"), "héllo");
  }
  // What the client receives, before it decodes.
  const raw = await fetch(url, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Upstash-Encoding": "base64" },
    body: JSON.stringify(["GET", "s"]),
    signal: AbortSignal.timeout(5000),
  });
  assert.deepEqual(await raw.json(), { result: Buffer.from("plain text").toString("base64") });
});

test("a wrong token is rejected", async () => {
  const wrong = new Redis({ ...options, token: "AXwrong-token" });
  await assert.rejects(wrong.get("k"), (e) => {
    assert.equal(e.name, "UpstashError");
    assert.match(e.message, /WRONGPASS invalid or missing auth token/);
    return true;
  });
});

test("the read-only token reads but cannot write", async () => {
  await redis.set("k", "v");
  assert.equal(await readonly.get("k"), "v");
  assert.deepEqual(await readonly.mget("k", "missing"), ["v", null]);
  await assert.rejects(readonly.set("k", "w"), /NOPERM this user has no permissions to run the 'set' command/);
  await assert.rejects(readonly.del("k"), /NOPERM/);
  assert.equal(await redis.get("k"), "v");
});

test("an unsupported command is rejected like Upstash does", async () => {
  await assert.rejects(redis.exec(["BLPOP", "queue", "1"]), /ERR Command is not available: 'BLPOP'/);
  await assert.rejects(redis.exec(["WATCH", "k"]), /ERR Command is not available: 'WATCH'/);
  await assert.rejects(redis.exec(["SELECT", "1"]), /ERR Command is not available: 'SELECT'/);
  // The server is fine afterwards.
  assert.equal(await redis.ping(), "PONG");
});

test("keys, scan and type", async () => {
  await redis.mset({ "user:1": "a", "user:2": "b", other: "c" });
  assert.deepEqual((await redis.keys("user:*")).sort(), ["user:1", "user:2"]);
  const [cursor, keys] = await redis.scan(0, { match: "user:*", count: 100 });
  assert.equal(String(cursor), "0");
  assert.deepEqual(keys.sort(), ["user:1", "user:2"]);
  assert.equal(await redis.type("other"), "string");
  assert.equal(await redis.dbsize(), 3);
});

test("scripts with Upstash's shebang flag run by the hash the client computed", async () => {
  const { createHash } = await import("node:crypto");
  const text = "#!lua flags=allow-key-locking\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])";
  const sha = createHash("sha1").update(text).digest("hex");
  // createScript: EVALSHA first, EVAL on NOSCRIPT, then EVALSHA by the client's hash.
  const script = redis.createScript(text);
  assert.equal(await script.exec(["n"], ["2"]), 2);
  assert.deepEqual(await redis.scriptExists(sha), [1]);
  assert.equal(await redis.evalsha(sha, ["n"], ["3"]), 5);
  // SCRIPT LOAD answers the client's hash too; in a pipeline and a transaction alike.
  assert.equal(await redis.scriptLoad(text), sha);
  assert.deepEqual(await redis.pipeline().evalsha(sha, ["n"], ["1"]).scriptExists(sha).exec(), [6, [1]]);
  assert.deepEqual(await redis.multi().scriptLoad(text).evalsha(sha, ["n"], ["1"]).exec(), [sha, 7]);
  // Redis's own flags stay: a no-writes script cannot write.
  const ro = "#!lua flags=allow-key-locking,no-writes\nreturn redis.call('GET', KEYS[1])";
  assert.equal(await redis.eval(ro, ["n"], []), 7);
  await assert.rejects(
    redis.eval("#!lua flags=no-writes,allow-key-locking\nreturn redis.call('SET', KEYS[1], 'x')", ["n"], []),
    /Write commands are not allowed from read-only scripts/,
  );
  // Unknown flags get Redis's own error.
  await assert.rejects(redis.eval("#!lua flags=allow-key-locking,bogus\nreturn 1", [], []), /ERR Unexpected flag in script shebang: bogus/);
  // SCRIPT FLUSH forgets the scripts and their hashes: NOSCRIPT, as on Upstash.
  assert.equal(await redis.scriptFlush(), "OK");
  assert.deepEqual(await redis.scriptExists(sha), [0]);
  await assert.rejects(redis.evalsha(sha, ["n"], ["1"]), /NOSCRIPT/);
  assert.equal(await script.exec(["n"], ["1"]), 8);
});

test("scan with type and withType", async () => {
  await redis.mset({ "k:s": "a" });
  await redis.hset("k:h", { f: 1 });
  await redis.rpush("k:l", "x");
  const [cursor, typed] = await redis.scan(0, { match: "k:*", count: 1000, withType: true });
  assert.equal(String(cursor), "0");
  assert.deepEqual(
    typed.sort((a, b) => a.key.localeCompare(b.key)),
    [{ key: "k:h", type: "hash" }, { key: "k:l", type: "list" }, { key: "k:s", type: "string" }],
  );
  const [, hashes] = await redis.scan(0, { match: "k:*", count: 1000, type: "hash" });
  assert.deepEqual(hashes, ["k:h"]);
});

test("the read-only token cannot walk the keys with SCAN or KEYS, as on Upstash", async () => {
  await redis.set("k", "v");
  await assert.rejects(readonly.scan(0), /NOPERM this user has no permissions to run the 'scan' command/);
  await assert.rejects(readonly.keys("*"), /NOPERM this user has no permissions to run the 'keys' command/);
  assert.equal(await readonly.exists("k"), 1);
});

test("read-your-writes: every reply carries a sync token that only grows", async () => {
  // The client sends the token of its last reply (readYourWrites is on by default).
  const client = new Redis(options);
  assert.equal(client.readYourWritesSyncToken, "");
  await client.set("ryw", "1");
  const afterWrite = client.readYourWritesSyncToken;
  assert.match(afterWrite, /^[0-9]+$/);
  assert.equal(await client.get("ryw"), 1);
  assert.ok(Number(client.readYourWritesSyncToken) > Number(afterWrite));
  // A token from a newer session (another serve over the same Redis, say) moves ours on.
  const ahead = Number(client.readYourWritesSyncToken) + 1000;
  client.readYourWritesSyncToken = String(ahead);
  assert.equal(await client.incr("n"), 1);
  assert.ok(Number(client.readYourWritesSyncToken) > ahead);
  // Pipelines and transactions carry it too.
  const before = Number(client.readYourWritesSyncToken);
  await client.pipeline().get("ryw").exec();
  await client.multi().incr("n").exec();
  assert.ok(Number(client.readYourWritesSyncToken) > before);
});
