#!/usr/bin/env python3
"""Writes a descriptor with N targets (all kinds, two databases) for the scaling benchmark."""
import sys

n = int(sys.argv[1])
kinds = [("server", "fly"), ("container", "kubernetes"), ("lambda", "aws-lambda"),
         ("edge", "vercel"), ("mobile", "expo")]
out = ["[project]", 'name = "bench"', ""]
for db in ("main", "cache"):
    out += [f"[database.{db}]",
            'redis_url = "${UPSTASH_REDIS_URL}"',
            'rest_url = "${UPSTASH_REDIS_REST_URL}"',
            'rest_token = "${UPSTASH_REDIS_REST_TOKEN}"',
            'rest_readonly_token = "${UPSTASH_REDIS_REST_READONLY_TOKEN}"', ""]
for i in range(n):
    kind, platform = kinds[i % len(kinds)]
    out += [f"[target.t{i}]", f'kind = "{kind}"', f'platform = "{platform}"',
            f'database = "{"main" if i % 2 else "cache"}"', f'dir = "svc/t{i}"']
    if kind == "mobile":
        out.append('env_prefix = "EXPO_PUBLIC_"')
    out.append("")
sys.stdout.write("\n".join(out))
