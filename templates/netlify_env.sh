#!/usr/bin/env sh
# Sets the Redis variables of target `{{ target }}` in Netlify, in every deploy context, from
# the {{ env_file }} beside this script (written by `upwire generate`). Safe to commit: no secrets here.
# Usage: sh {{ crate::quote::shell(file) }}
#
# No value goes on a command line (where `ps` shows it): the variables reach
# `netlify env:import` through a temporary file only this user can read, removed on exit;
# `env:import` merges them into the site's variables and keeps every other one. Then the
# secret ones are marked secret (`netlify env:set NAME --secret`, no value): Netlify then
# hides them and leaves them empty in the `dev` context, so `netlify dev` reads them from
# the local {{ env_file }}. For one context only, set each variable in the Netlify UI instead.
set -eu
cd "$(dirname "$0")"
if [ "$#" -gt 0 ]; then
  echo "usage: sh {{ file }}   (sets every deploy context; takes no arguments)" >&2
  exit 2
fi
{% include "redis_lines_tmp.sh" %}
netlify env:import "$tmp"
{% for v in secrets() -%}
netlify env:set {{ crate::quote::shell(v.name) }} --secret
{% endfor -%}
