#!/usr/bin/env sh
# Sets the Redis variables of target `{{ target }}` in Railway, reading the values from the
# {{ env_file }} beside this script (written by `upwire generate`). Safe to commit: no secrets here.
# Usage: sh {{ crate::quote::shell(file) }} [--service NAME] [--environment NAME]
#
# Run it in the linked project (`railway link`); its arguments go to every
# `railway variable set`. No value goes on a command line (where `ps` shows it): each one
# reaches `railway variable set NAME --stdin` on its standard input. Every variable but the
# last skips the redeploy (`--skip-deploys`), so the service redeploys once.
set -eu
cd "$(dirname "$0")"
set -a
. ./{{ crate::quote::shell(env_file) }}
set +a
{% for v in vars -%}
printf '%s' "${{ v.name }}" | railway variable set {{ crate::quote::shell(v.name) }} --stdin{% if !loop.last %} --skip-deploys{% endif %} "$@"
{% endfor -%}
