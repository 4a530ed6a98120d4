#!/usr/bin/env sh
# Sets the Redis variables of target `{{ target }}` in Netlify, reading the values from the
# .env beside this script (written by `upwire generate`). Safe to commit: no secrets here.
# Usage: sh {{ file }} [production|deploy-preview|branch-deploy|dev]
set -eu
cd "$(dirname "$0")"
set -a
. ./.env
set +a
context="${1:-production}"
{% for v in vars -%}
netlify env:set {{ v.name }} "${{ v.name }}" --context "$context"{% if v.secret %} --secret{% endif %}
{% endfor -%}
