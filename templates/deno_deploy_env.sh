#!/usr/bin/env sh
# Sets the Redis variables of target `{{ target }}` in Deno Deploy, reading the values from the
# {{ env_file }} beside this script (written by `upwire generate`). Safe to commit: no secrets here.
# Usage: sh {{ crate::quote::shell(file) }} [--org NAME] [--app NAME] [--replace]
#
# No value goes on a command line (where `ps` shows it): the variables reach
# `deno deploy env load` through a temporary file only this user can read, removed on exit.
# `env load` makes a secret of every name with TOKEN, KEY, SECRET or PASSWORD in it (the
# tokens here){% if !self.public().is_empty() %}; `--non-secrets` keeps the REST URL plain text{% endif %}. Its arguments go to `deno deploy env load`.
set -eu
cd "$(dirname "$0")"
{% include "redis_lines_tmp.sh" %}
deno deploy env load "$tmp" "$@"{% for v in self.public() %}{% if loop.first %} --non-secrets{% endif %} {{ crate::quote::shell(v.name) }}{% endfor %}
