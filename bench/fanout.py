#!/usr/bin/env python3
"""Pub/sub fan-out: N subscribers, M messages published to one channel; deliveries per second.

Usage: fanout.py sse  SERVE_PORT TOKEN REDIS_PORT [SUBSCRIBERS] [MESSAGES]
       fanout.py resp REDIS_PORT              [SUBSCRIBERS] [MESSAGES]

`sse` subscribes through `upwire serve`'s `/subscribe/<channel>` (one SSE stream each, as
@upstash/redis's subscribe() opens it); `resp` subscribes with SUBSCRIBE straight on the
redis-server (the floor, as a TCP client gets it). Either way the messages are PUBLISHed on
the redis-server over one TCP connection, and the clock runs from the first PUBLISH until
every subscriber has every message. Messages have a fixed size, so a subscriber counts bytes
marker (`<channel>,<payload>` and line end) rather than parsing. Prints one line: "deliveries/s messages subscribers seconds".
Loopback only; every wait has a timeout.
"""

import asyncio
import sys
import time

CHANNEL = "bench:fan"
PAYLOAD = "x" * 64
TIMEOUT = 60.0


async def sse_subscriber(port, token):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        (
            f"POST /subscribe/{CHANNEL} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n"
            "Content-Length: 2\r\n\r\n[]"
        ).encode()
    )
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), TIMEOUT)
    if b" 200 " not in head.split(b"\r\n")[0]:
        raise SystemExit(f"subscribe refused: {head[:200]!r}")
    await asyncio.wait_for(reader.readuntil(f"subscribe,{CHANNEL},1".encode()), TIMEOUT)
    # Each message is "data: message,<channel>,<payload>\n\n".
    return reader, writer, f"{CHANNEL},{PAYLOAD}\n".encode()


async def resp_subscriber(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"*2\r\n$9\r\nSUBSCRIBE\r\n${len(CHANNEL)}\r\n{CHANNEL}\r\n".encode())
    await writer.drain()
    await asyncio.wait_for(reader.readuntil(b":1\r\n"), TIMEOUT)
    return reader, writer, f"{PAYLOAD}\r\n".encode()


async def drain(reader, marker, expected):
    """Reads until `marker` was seen `expected` times (a marker may span two reads)."""
    got, tail = 0, b""
    while got < expected:
        chunk = await reader.read(1 << 16)
        if not chunk:
            raise SystemExit("a subscriber's stream ended early")
        data = tail + chunk
        got += data.count(marker)
        tail = data[-(len(marker) - 1):]


async def main():
    mode = sys.argv[1]
    if mode == "sse":
        serve_port, token, redis_port = int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
        rest = sys.argv[5:]
    else:
        redis_port = int(sys.argv[2])
        rest = sys.argv[3:]
    subscribers = int(rest[0]) if rest else 100
    messages = int(rest[1]) if len(rest) > 1 else 2000

    subs = []
    for _ in range(subscribers):
        if mode == "sse":
            subs.append(await sse_subscriber(serve_port, token))
        else:
            subs.append(await resp_subscriber(redis_port))

    _, pub = await asyncio.open_connection("127.0.0.1", redis_port)
    publish = (
        f"*3\r\n$7\r\nPUBLISH\r\n${len(CHANNEL)}\r\n{CHANNEL}\r\n${len(PAYLOAD)}\r\n{PAYLOAD}\r\n"
    ).encode()
    start = time.perf_counter()
    tasks = [asyncio.create_task(drain(r, marker, messages)) for r, _, marker in subs]
    for i in range(0, messages, 100):
        pub.write(publish * min(100, messages - i))
        await pub.drain()
    await asyncio.wait_for(asyncio.gather(*tasks), TIMEOUT)
    seconds = time.perf_counter() - start
    print(f"{subscribers * messages / seconds:.0f} {messages} {subscribers} {seconds:.3f}")
    for _, w, _ in subs:
        w.close()
    pub.close()


asyncio.run(main())
