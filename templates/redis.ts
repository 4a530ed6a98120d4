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
{%- if import.starts_with("npm:") %}
// Needs `@upstash/redis` (Deno fetches `{{ import }}`: no `npm install`), which
// retries failed requests and
{%- else %}
// Needs `@upstash/redis` (`npm install @upstash/redis`), which retries failed requests and
{%- endif %}
{%- if host == "cloudflare" %}
// keeps read-your-writes on global databases.
// A Worker's variables arrive in its `env`, not in `process.env`: make the client inside
// `fetch(request, env)` (it opens no connection, so one per request costs nothing):
//
//   import { redis } from "./redis";
//   export default {
//     async fetch(request: Request, env: RedisEnv): Promise<Response> {
//       const greeting = await redis(env).get<string>("greeting");
//       return new Response(greeting ?? "none");
//     },
//   };

import { Redis } from "@upstash/redis/cloudflare";

/** The variables the client reads from the Worker's `env` (`.dev.vars` locally, `wrangler
 * secret put` in production). */
export interface RedisEnv {
  {{ url_var }}: string;
  {{ token_var }}: string;
}

/** The client over the Worker's `env`. */
export function redis(env: RedisEnv): Redis {
{%- if from_env %}
  return Redis.fromEnv(env);
{%- else %}
  return new Redis({ url: env.{{ url_var }}, token: env.{{ token_var }} });
{%- endif %}
}
{%- else %}
// keeps read-your-writes on global databases. Usage:
//
//   {{ usage_import }}
{%- if !read_only %}
//   await redis.set("greeting", "hello");
{%- endif %}
//   const greeting = await redis.get<string>("greeting");
{%- if host == "sveltekit" %}

// `$env/dynamic/private`: SvelteKit's server-only variables, read at run time on every
// adapter (Node, Vercel, Netlify, Cloudflare); a browser import of this module fails the build.
import { env } from "$env/dynamic/private";
{%- endif %}
{%- if env_get == "Netlify.env.get" %}

// Netlify Edge Functions run on Deno: variables come from `Netlify.env`, not `process.env`.
declare const Netlify: { env: { get(name: string): string | undefined } };
{%- else if host == "deno" %}

// Deno reads variables with `Deno.env.get` (there is no `process.env` of its own).
{%- endif %}

import { Redis } from "{{ import }}";
{% if host == "sveltekit" %}
/** One client for the whole project: every command is one HTTPS request, nothing to close. */
export const redis = new Redis({
  url: env.{{ url_var }},
  token: env.{{ token_var }},
});
{%- else if host == "deno" %}
/** One client for the whole project: every command is one HTTPS request, nothing to close. */
export const redis = new Redis({
  url: {{ env_get }}("{{ url_var }}") ?? "",
  token: {{ env_get }}("{{ token_var }}") ?? "",
});
{%- else if from_env %}
/** One client for the whole {% if mobile %}app{% else %}project{% endif %}: every command is one HTTPS request, nothing to close. */
export const redis = Redis.fromEnv();
{%- else %}
/** One client for the whole {% if mobile %}app{% else %}project{% endif %}: every command is one HTTPS request, nothing to close. */
export const redis = new Redis({
  url: {{ env_object }}.{{ url_var }},
  token: {{ env_object }}.{{ token_var }},
});
{%- endif %}
{%- endif %}
