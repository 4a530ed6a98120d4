#!/usr/bin/env sh
# Sets the Redis variables of target `{{ target }}` in Vercel, reading the values from the
# {{ env_file }} beside this script (written by `upwire generate`). Safe to commit: no secrets here.
# Usage: sh {{ crate::quote::shell(file) }} [production|preview|development]
set -eu
cd "$(dirname "$0")"
set -a
. ./{{ crate::quote::shell(env_file) }}
set +a
environment="${1:-production}"
{% for v in vars -%}
printf '%s' "${{ v.name }}" | vercel env add {{ crate::quote::shell(v.name) }} "$environment"
{% endfor -%}
