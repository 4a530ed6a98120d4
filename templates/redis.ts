// Starter Upstash Redis client for target `{{ target }}` ({{ runtime }}), written by
// `upwire generate`. Edit it freely: upwire never overwrites it without `--force`.
//
// It names the variables and never holds a value:
// - `{{ url_var }}`: the REST endpoint, `https://<host>`;
// - `{{ token_var }}`: the {% if read_only %}read-only {% endif %}token.
{%- if public %}
//
// Both carry a public prefix, so the bundler inlines them into the {% if mobile %}app{% else %}client bundle{% endif %} at build
// time. That works only when they are read as written below (`{{ env_object }}.NAME`, never a
// computed name); restart the bundler after changing them.
{%- endif %}
{%- if read_only %}
//
// This target has the read-only token, never the full-access one{% if public %}: every user can
// read what the bundle holds{% endif %}. Write commands fail with `NOPERM`.
{%- endif %}
//
// Needs `@upstash/redis` (`npm install @upstash/redis`), which retries failed requests and
// keeps read-your-writes on global databases. Usage:
//
//   import { redis } from "@/lib/redis"; // or a relative path
{%- if !read_only %}
//   await redis.set("greeting", "hello");
{%- endif %}
//   const greeting = await redis.get<string>("greeting");

import { Redis } from "@upstash/redis";
{% if from_env %}
/** One client for the whole {% if mobile %}app{% else %}project{% endif %}: every command is one HTTPS request, nothing to close. */
export const redis = Redis.fromEnv();
{%- else %}
/** One client for the whole {% if mobile %}app{% else %}project{% endif %}: every command is one HTTPS request, nothing to close. */
export const redis = new Redis({
  url: {{ env_object }}.{{ url_var }},
  token: {{ env_object }}.{{ token_var }},
});
{%- endif %}
