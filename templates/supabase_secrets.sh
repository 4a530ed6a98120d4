#!/usr/bin/env sh
# Sets the Redis variables of target `{{ target }}` as Supabase Edge Function secrets, reading
# the values from {{ env_file }} (written by `upwire generate`; `supabase start` and
# `supabase functions serve` read it locally). Safe to commit: no secrets here.
# Usage: sh {{ crate::quote::shell(file) }} [--project-ref REF]
#
# No value goes on a command line (where `ps` shows it): the variables reach
# `supabase secrets set --env-file` through a temporary file only this user can read, removed
# on exit; every other secret of the project is kept. Its arguments go to `supabase secrets set`.
set -eu
cd "$(dirname "$0")"
{% include "redis_lines_tmp.sh" %}
supabase secrets set --env-file "$tmp" "$@"
