// @upstash/redis's subscribe() / psubscribe() against serve's SSE routes: messages published
// over REST (the client's publish) and over TCP (raw RESP to the redis-server behind serve)
// both arrive. Run through run.sh, which also sets UPWIRE_FIRST_REDIS_PORT.
import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { Redis } from "@upstash/redis";

const url = process.env.UPSTASH_REDIS_REST_URL;
const token = process.env.UPSTASH_REDIS_REST_TOKEN;
const readonlyToken = process.env.UPWIRE_READONLY_TOKEN;
const redisPort = Number(process.env.UPWIRE_FIRST_REDIS_PORT);
if (!url || !token || !readonlyToken || !redisPort) {
  throw new Error("run this through compat/run.sh: it starts redis-server and upwire serve");
}

const options = { url, token, retry: false, enableTelemetry: false };
const redis = new Redis(options);

// PUBLISH over TCP, as a worker on the Redis side would; resolves with Redis's reply line.
function publishOverTcp(channel, message) {
  const arg = (s) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port: redisPort });
    socket.setTimeout(5000, () => socket.destroy(new Error("PUBLISH over TCP timed out")));
    socket.on("error", reject);
    socket.on("data", (data) => {
      resolve(data.toString().trim());
      socket.end();
    });
    socket.write(`*3\r\n${arg("PUBLISH")}${arg(channel)}${arg(message)}`);
  });
}

// Resolves with the first `count` events of `type` the subscriber dispatches.
function collect(subscriber, type, count) {
  const seen = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${seen.length} ${type} event(s)`)), 10000);
    subscriber.on(type, (event) => {
      seen.push(event);
      if (seen.length === count) {
        clearTimeout(timer);
        resolve(seen);
      }
    });
  });
}

// Runs `body` with `subscriber` once its one subscription is confirmed (`confirm` is
// "subscribe" or "psubscribe"), and unsubscribes afterwards whatever happens.
async function subscribed(subscriber, confirm, body) {
  try {
    assert.deepEqual(await collect(subscriber, confirm, 1), [1]);
    await body();
  } finally {
    await subscriber.unsubscribe();
  }
}

test("subscribe() receives messages published over REST and over TCP", async () => {
  const subscriber = redis.subscribe("compat-chat");
  await subscribed(subscriber, "subscribe", async () => {
    const messages = collect(subscriber, "message", 3);
    assert.equal(await redis.publish("compat-chat", "hello, world"), 1);
    assert.equal(await redis.publish("compat-chat", { user: "ada", n: 1 }), 1);
    assert.equal(await publishOverTcp("compat-chat", "over tcp"), ":1");
    assert.deepEqual(await messages, [
      { channel: "compat-chat", message: "hello, world" },
      { channel: "compat-chat", message: { user: "ada", n: 1 } },
      { channel: "compat-chat", message: "over tcp" },
    ]);
  });
});

test("psubscribe() receives pmessage events for matching channels only", async () => {
  const subscriber = redis.psubscribe("compat-news.*");
  await subscribed(subscriber, "psubscribe", async () => {
    const messages = collect(subscriber, "pmessage", 2);
    assert.equal(await redis.publish("compat-other", "not this"), 0);
    assert.equal(await redis.publish("compat-news.tech", { title: "rust" }), 1);
    // The client JSON.parses pmessage payloads without a fallback (unlike message ones), so
    // what a TCP client publishes here is JSON too.
    assert.equal(await publishOverTcp("compat-news.sport", JSON.stringify({ score: 1 })), ":1");
    assert.deepEqual(await messages, [
      { pattern: "compat-news.*", channel: "compat-news.tech", message: { title: "rust" } },
      { pattern: "compat-news.*", channel: "compat-news.sport", message: { score: 1 } },
    ]);
  });
});

test("unsubscribe() closes the stream and its Redis connection", async () => {
  const subscriber = redis.subscribe(["compat-a", "compat-b"]);
  const subscribed = collect(subscriber, "subscribe", 2);
  // The client opens one stream per channel: each counts 1.
  assert.deepEqual(await subscribed, [1, 1]);
  await subscriber.unsubscribe();
  // The streams' Redis connections close once serve sees the clients go.
  for (let i = 0; i < 50; i++) {
    if ((await redis.publish("compat-a", "x")) === 0 && (await redis.publish("compat-b", "x")) === 0) {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail("the channels still have subscribers after unsubscribe()");
});

test("the read-only token may subscribe", async () => {
  const subscriber = new Redis({ ...options, token: readonlyToken }).subscribe("compat-ro");
  await subscribed(subscriber, "subscribe", async () => {
    const messages = collect(subscriber, "message", 1);
    assert.equal(await redis.publish("compat-ro", "read me"), 1);
    assert.deepEqual(await messages, [{ channel: "compat-ro", message: "read me" }]);
  });
});
