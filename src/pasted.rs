//! Error messages users paste: `upwire explain "read ECONNRESET"`. One table of the messages
//! clients print against Upstash, each with its cause in the terms of an upwire setup, the fix,
//! the `lint`/`check` codes that catch it before it happens, and where the fact comes from.
//!
//! Matching is by case-insensitive substring, so a whole pasted line (`[ioredis] Unhandled
//! error event: Error: read ECONNRESET at TCP.onStreamRead ...`) is recognised. The pasted
//! text itself is never printed back: it may hold a URL with a password (`UrlError` quotes the
//! URL it was given).

/// One known message.
#[derive(Debug)]
pub(crate) struct Pasted {
    /// The message as clients print it (the part that identifies it).
    pub message: &'static str,
    /// Lower-case substrings; any one of them identifies the message.
    patterns: &'static [&'static str],
    /// Why it happens, in the terms of an upwire setup.
    cause: &'static str,
    /// What to do.
    fix: &'static str,
    /// The diagnostic codes of `lint`/`check` that report the cause before it happens.
    codes: &'static [&'static str],
    /// Where the fact comes from.
    source: &'static str,
}

/// Every known message. More specific patterns come first where two could match one text
/// (`ENOTFOUND fly-` before `fetch failed`, which Node prints around it).
pub(crate) static PASTED: &[Pasted] = &[
    Pasted {
        message: "ENOTFOUND fly-<name>.upstash.io",
        patterns: &["enotfound fly-", "fly-"],
        cause: "The host is a Fly.io private Upstash database (`fly-*.upstash.io`, made with `fly \
redis create`). Its name resolves only inside Fly's private IPv6 network, so from a laptop, CI, \
Vercel, Lambda or any other platform the DNS lookup fails.",
        fix: "Run the code on Fly, or open a tunnel from your machine with `fly redis proxy` and \
connect to the local port it prints (`redis://default:<password>@localhost:<port>`). For code \
off Fly, create a regular Upstash database (console.upstash.com), which has a public TLS \
endpoint and a REST API. On Fly, ioredis before 5.8.2 needs `family: 6` in its options to look up \
the IPv6 address (5.8.2 made `family: 0`, both, the default: redis/ioredis#2026).",
        codes: &["fly-off-platform", "fly-rest-url"],
        source: "Fly docs, https://fly.io/docs/reference/redis/ (private URL, `fly redis connect`/`proxy`)",
    },
    Pasted {
        message: "getaddrinfo ENOTFOUND <name>.upstash.io",
        patterns: &["enotfound", "eai_noname", "eai_nodata"],
        cause: "The host name in the URL does not resolve: a typo or a character lost when it \
was copied, a database that was deleted (its name is gone with it), or the console's host \
(`console.upstash.com`) or a placeholder (`your-database.upstash.io`) where the database's own \
endpoint belongs. (A `fly-*` host is the Fly entry: private to Fly's network.)",
        fix: "Copy the endpoint again from the database page in the Upstash console (the TCP URL \
into `{var.tcp_url}`, the REST URL into `{var.rest_url}`). `upwire lint` reports placeholders and \
console hosts; `upwire check` resolves the name and says which step fails.",
        codes: &["placeholder-value", "rest-url-not-endpoint", "invalid-url"],
        source: "Node.js docs, https://nodejs.org/api/errors.html#common-system-errors (`ENOTFOUND`: a DNS failure, `EAI_NODATA` or `EAI_NONAME`)",
    },
    Pasted {
        message: "read ECONNRESET",
        patterns: &["econnreset", "connection reset by peer"],
        cause: "The client spoke plain text to Upstash's TLS port: the URL starts with `redis://` \
where Upstash requires `rediss://` (TLS cannot be switched off), so the server closes the \
connection.",
        fix: "Use `rediss://default:<password>@<host>:6379`. `upwire lint` reports the URL as \
`tls-required` and `upwire fix` rewrites it.",
        codes: &["tls-required"],
        source: "Upstash docs, https://upstash.com/docs/redis/troubleshooting/econn_reset",
    },
    Pasted {
        message: "NOAUTH Authentication required",
        patterns: &["noauth"],
        cause: "The client connected without sending a password: the TCP URL has none, or it is \
Fly's `redis://<password>@fly-...` form, where the password sits in the user-name slot and \
redis-rs, ioredis and node-redis send it as a user name with no password.",
        fix: "Write the URL as `rediss://default:<password>@<host>:6379` (`redis://default:...` \
for `fly-*` hosts). `upwire lint` reports `missing-password` or `empty-username`; `upwire fix` \
rewrites the user-slot form.",
        codes: &["missing-password", "empty-username"],
        source: "Upstash docs, https://upstash.com/docs/redis/troubleshooting/no_auth",
    },
    Pasted {
        message: "WRONGPASS invalid or missing auth token",
        patterns: &["invalid or missing auth token"],
        cause: "The REST API rejected the token: `{var.rest_token}` is not set at runtime, \
or it holds something else than this database's REST token: the TCP password (32 hex digits, \
which only Redis clients accept), another database's token, or a value with `Bearer ` or \
quotes in it.",
        fix: "Copy the token from the REST API section of the database page in the Upstash \
console into `{var.rest_token}`. `upwire lint` reports `password-as-token`, \
`token-database-mismatch`, `token-has-bearer-prefix` and `token-missing`; `upwire check` tries \
the login.",
        codes: &[
            "password-as-token",
            "token-database-mismatch",
            "token-has-bearer-prefix",
            "token-missing",
        ],
        source: "Upstash docs, https://upstash.com/docs/redis/troubleshooting/http_unauthorized",
    },
    Pasted {
        message: "WRONGPASS invalid username-password pair",
        patterns: &["invalid username-password pair"],
        cause: "The TCP login was refused: the password in `{var.tcp_url}` is not this database's (a \
reset password, another database's, or one with a space or newline at the end), or the user is \
`default_ro` with the full password.",
        fix: "Copy the TCP URL again from the database page in the Upstash console. `upwire \
lint` reports `whitespace-in-value` and `host-mismatch`; `upwire check` tries the login.",
        codes: &["whitespace-in-value", "host-mismatch", "readonly-tcp"],
        source: "Redis docs, https://redis.io/docs/latest/develop/reference/errors/common/wrongpass/",
    },
    Pasted {
        message: "UrlError: Upstash Redis client was passed an invalid URL",
        patterns: &["urlerror", "passed an invalid url"],
        cause: "@upstash/redis accepts only a URL starting with `https://` (or `http://`) as its \
REST URL. `{var.rest_url}` holds the TCP URL (`rediss://...`), a host without \
`https://`, or a value with quotes or spaces around it.",
        fix: "Set `{var.rest_url}=https://<name>.upstash.io`, from the REST API section of \
the database page. `upwire lint` reports `redis-url-in-rest-url`, `invalid-url` and \
`whitespace-in-value`.",
        codes: &[
            "redis-url-in-rest-url",
            "invalid-url",
            "whitespace-in-value",
        ],
        source: "@upstash/redis source (`UrlError`, thrown by its HTTP client for a URL not matching `^https?://`)",
    },
    Pasted {
        message: "Unable to find environment variable: <name>",
        patterns: &["unable to find environment variable"],
        cause: "`Redis.fromEnv()` of @upstash/redis found neither `{var.rest_url}` nor \
`{var.kv_rest_url}` in the runtime's environment: the env file was not loaded (Node does not \
read `.env` by itself), the variable is set for another environment on the platform (Vercel \
Preview vs Production), or on Cloudflare Workers `fromEnv(env)` was not given the Worker's \
`env`.",
        fix: "Set the variables where the code runs (`upwire generate` writes the env file and \
the platform's secret commands), load the file (`node --env-file=.env`), or pass `env` on \
Cloudflare. `upwire lint .env` shows which names the file holds.",
        codes: &["token-missing", "database-lacks-transport"],
        source: "@upstash/redis source (`Redis.fromEnv`)",
    },
    Pasted {
        message: "[Upstash Redis] The 'url' property is missing or undefined",
        patterns: &["'url' property is missing", "'token' property is missing"],
        cause: "`new Redis({ url, token })` of @upstash/redis was given `undefined`: the \
variable the code reads (`{var.rest_url}`, `{var.rest_token}`) is not set where it runs. The \
env file was not loaded (Node does not read `.env` by itself; a build step such as Next.js's \
page-data collection runs without `.env.local` on CI), the platform sets it for another \
environment (Vercel Preview vs Production), it is set under the Vercel Marketplace's names \
(`{var.kv_rest_url}`) that this code does not read, or client code reads a variable without \
the framework's public prefix.",
        fix: "Set the variables where the code runs (`upwire generate` writes the env file and \
the platform's secret commands), or use `Redis.fromEnv()`, which reads `{var.rest_url}` and \
falls back to `{var.kv_rest_url}`. `upwire lint` shows which names the env files hold.",
        codes: &["token-missing", "family-mismatch"],
        source: "@upstash/redis source (platforms/nodejs.ts, the `Redis` constructor warns when `url` or `token` is missing)",
    },
    Pasted {
        message: "TypeError: fetch failed",
        patterns: &["fetch failed"],
        cause: "Node's fetch could not reach the REST URL at all (no HTTP answer): the host does \
not resolve (a typo, a `fly-*` private host, the console or API host), the URL has a port \
such as `:6379` where REST listens on 443, or a proxy or firewall blocks it. The `cause` line \
under the error names which.",
        fix: "Use `https://<name>.upstash.io` with no port, from the REST API section of the \
database page. `upwire lint` reports the URL; `upwire check` tries it and names the failing \
step.",
        codes: &[
            "rest-url-has-port",
            "rest-url-not-endpoint",
            "fly-rest-url",
            "redis-url-in-rest-url",
        ],
        source: "Node.js fetch (undici) wraps every network error as `fetch failed`",
    },
    Pasted {
        message: "Connection is closed.",
        patterns: &["connection is closed"],
        cause: "ioredis refuses a command once its connection has ended and it stopped \
reconnecting. An earlier error ended it (look above for `read ECONNRESET` from `redis://` to \
Upstash's TLS port, `NOAUTH`, `WRONGPASS`, `connect ETIMEDOUT`), `quit()` was called before \
the command, or a serverless function reused a client from an earlier invocation whose \
connection was closed meanwhile.",
        fix: "Explain the first error instead (`upwire explain \"<that error>\"`); `upwire \
check` tries the login and names the failing step. On functions (`kind = \"lambda\"`/`\"edge\"`) \
use the REST API, which holds no connection.",
        codes: &["tls-required", "missing-password", "empty-username"],
        source: "ioredis source (lib/utils/index.ts `CONNECTION_CLOSED_ERROR_MSG`, rejected by `Redis#sendCommand` when the status is `end`)",
    },
    Pasted {
        message: "connect ETIMEDOUT",
        patterns: &["etimedout"],
        cause: "The TCP connection to the database was not set up in time (ioredis gives up after \
`connectTimeout`, 10 seconds by default): the network between the code and the database \
drops it. Outbound port 6379 blocked by a corporate or campus firewall, a Lambda function in \
a VPC without a NAT gateway, or a host name that resolves to an address the code cannot reach.",
        fix: "Run `upwire check` from the same network: it times each step and names the one \
that hangs. Where the port is blocked, use the REST API over HTTPS (443) instead \
(`transport = \"rest\"`); a Lambda in a VPC needs a NAT gateway to reach Upstash.",
        codes: &[],
        source: "ioredis source (lib/Redis.ts, `connect()`: `new Error(\"connect ETIMEDOUT\")` when `connectTimeout` elapses)",
    },
    Pasted {
        message: "ERR max requests limit exceeded",
        patterns: &["max requests limit exceeded"],
        cause: "The database used up its plan's monthly request limit; every further command \
fails until the month ends. Nothing in the setup is wrong.",
        fix: "Send fewer commands (pipelines, caching, no polling loops) or move the database to \
pay-as-you-go or a fixed plan in the Upstash console.",
        codes: &[],
        source: "Upstash docs, https://upstash.com/docs/redis/troubleshooting/max_requests_limit",
    },
    Pasted {
        message: "ERR max daily request limit exceeded",
        patterns: &["max daily request limit exceeded"],
        cause: "The database used up its plan's daily request limit; commands fail until the \
next day. Nothing in the setup is wrong.",
        fix: "Send fewer commands or upgrade the database (pay-as-you-go or a fixed plan) in the \
Upstash console.",
        codes: &[],
        source: "Upstash docs, https://upstash.com/docs/redis/troubleshooting/max_daily_request_limit",
    },
    Pasted {
        message: "ERR max concurrent connections exceeded",
        patterns: &["max concurrent connections exceeded"],
        cause: "More TCP connections are open than the plan allows. The usual cause is code that \
opens a connection per request or per function invocation (serverless functions each holding \
one), or connections never closed.",
        fix: "Reuse one client per process; on functions (`kind = \"lambda\"`/`\"edge\"`) use the \
REST API, which holds no connection. `upwire resolve` shows the transport chosen per target.",
        codes: &[],
        source: "Upstash docs, https://upstash.com/docs/redis/troubleshooting/max_concurrent_connections",
    },
    Pasted {
        message: "NOPERM this user has no permissions to run the 'eval' command",
        patterns: &["noperm"],
        cause: "The command ran with the read-only token (or the `default_ro` user), which may \
not write or run scripts: `EVAL`/`EVALSHA` count as writes. @upstash/ratelimit and other \
libraries run scripts, so they fail with the read-only token.",
        fix: "Use the standard token where the code writes or runs scripts, on a server; keep \
the read-only token for client bundles only. `upwire lint` reports which token sits under \
which name.",
        codes: &["readonly-token-is-full", "public-token"],
        source: "Redis ACL (`NOPERM`), Upstash docs on read-only tokens, https://upstash.com/docs/redis/features/restapi",
    },
    Pasted {
        message: "can't connect with TLS, the feature is not enabled",
        patterns: &["the feature is not enabled"],
        cause: "The Rust `redis` crate was built without TLS support, and the URL is \
`rediss://` (Upstash requires TLS).",
        fix: "Enable a TLS feature of the `redis` crate, e.g. `redis = { version = \"1\", \
features = [\"tokio-rustls-comp\", \"tls-rustls-webpki-roots\"] }`; `upwire generate` writes \
the Rust starter's dependencies with them.",
        codes: &["tls-required"],
        source: "redis-rs source (src/connection.rs, without the `tls-native-tls` or `tls-rustls` feature)",
    },
    Pasted {
        message: "SSL routines: wrong version number",
        patterns: &["wrong version number"],
        cause: "The client started TLS and the server answered in plain text: a `rediss://` URL \
to a Fly.io private database (`fly-*`, plain `redis://` inside Fly's network), or `https://` \
to a local `upwire serve` that listens on `http://`.",
        fix: "Use `redis://` for `fly-*` hosts and `http://` for a local serve. `upwire lint` \
reports `tls-unavailable`.",
        codes: &["tls-unavailable"],
        source: "OpenSSL's error for a non-TLS reply; Fly docs, https://fly.io/docs/reference/redis/",
    },
];

/// The known messages found in `text`, most specific first.
pub(crate) fn recognise(text: &str) -> Vec<&'static Pasted> {
    let lower = text.to_lowercase();
    let mut found: Vec<&Pasted> = PASTED
        .iter()
        .filter(|p| p.patterns.iter().any(|pat| lower.contains(pat)))
        .collect();
    // `fly-` alone names the Fly entry only next to a lookup failure: `NOAUTH` from a `fly-`
    // host is the NOAUTH entry.
    if found.len() > 1 {
        found.retain(|p| {
            p.message != PASTED[0].message || lower.contains("enotfound") || lower.contains("eai_")
        });
    }
    // A `fly-` host that does not resolve is the Fly entry, not any host's.
    if found
        .first()
        .is_some_and(|p| p.message == PASTED[0].message)
    {
        found.retain(|p| p.message != PASTED[1].message);
    }
    found
}

/// The three known messages closest to `text`, for an unknown one.
pub(crate) fn closest(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    let mut scored: Vec<(f64, &str)> = PASTED
        .iter()
        .map(|p| {
            (
                strsim::sorensen_dice(&lower, &p.message.to_lowercase()),
                p.message,
            )
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(3).map(|(_, m)| m).collect()
}

impl Pasted {
    /// The text `upwire explain` prints for it.
    pub(crate) fn explanation(&self) -> String {
        let mut out = format!(
            "pasted error `{}`\n\ncause: {}\n\nfix: {}\n",
            self.message, self.cause, self.fix
        );
        if !self.codes.is_empty() {
            let codes: Vec<String> = self.codes.iter().map(|c| format!("`{c}`")).collect();
            out.push_str(&format!(
                "\nreported before it happens by: {} (`upwire explain CODE`)\n",
                codes.join(", ")
            ));
        }
        out.push_str(&format!("\nsource: {}\n", self.source));
        crate::family::fill(&out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each message as a client prints it, in a line as users paste it.
    #[test]
    fn every_reported_message_is_recognised() {
        for (text, message) in [
            (
                "[ioredis] Unhandled error event: Error: read ECONNRESET at TCP.onStreamRead",
                "read ECONNRESET",
            ),
            (
                "ReplyError: NOAUTH Authentication required.",
                "NOAUTH Authentication required",
            ),
            (
                "UpstashError: WRONGPASS invalid or missing auth token",
                "WRONGPASS invalid or missing auth token",
            ),
            (
                "WRONGPASS invalid username-password pair or user is disabled.",
                "WRONGPASS invalid username-password pair",
            ),
            (
                "UrlError: Upstash Redis client was passed an invalid URL. You should pass a URL starting with https. Received: \"rediss://x\".",
                "UrlError: Upstash Redis client was passed an invalid URL",
            ),
            (
                "[Upstash Redis] Unable to find environment variable: `UPSTASH_REDIS_REST_URL`",
                "Unable to find environment variable: <name>",
            ),
            ("TypeError: fetch failed", "TypeError: fetch failed"),
            (
                "Error: getaddrinfo ENOTFOUND fly-late-waterfall-1133.upstash.io",
                "ENOTFOUND fly-<name>.upstash.io",
            ),
            (
                "TypeError: fetch failed [cause]: Error: getaddrinfo ENOTFOUND fly-x.upstash.io",
                "ENOTFOUND fly-<name>.upstash.io",
            ),
            (
                "ReplyError: ERR max requests limit exceeded. Limit: 500000, Usage: 500000.",
                "ERR max requests limit exceeded",
            ),
            (
                "RedisClient::CommandError (ERR max daily request limit exceeded. Limit: 10000, Usage: 10000.",
                "ERR max daily request limit exceeded",
            ),
            (
                "ERR max concurrent connections exceeded",
                "ERR max concurrent connections exceeded",
            ),
            (
                "NOPERM this user has no permissions to run the 'eval' command",
                "NOPERM this user has no permissions to run the 'eval' command",
            ),
            (
                "Error: can't connect with TLS, the feature is not enabled",
                "can't connect with TLS, the feature is not enabled",
            ),
            (
                "error:0A00010B:SSL routines::wrong version number",
                "SSL routines: wrong version number",
            ),
            (
                "[Upstash Redis] The 'url' property is missing or undefined in your Redis config.",
                "[Upstash Redis] The 'url' property is missing or undefined",
            ),
            (
                "Error: getaddrinfo ENOTFOUND eu1-tidy-cat-12345.upstash.io",
                "getaddrinfo ENOTFOUND <name>.upstash.io",
            ),
            (
                "TypeError: fetch failed [cause]: Error: getaddrinfo ENOTFOUND eu1-cat.upstash.io",
                "getaddrinfo ENOTFOUND <name>.upstash.io",
            ),
            (
                "Error: Connection is closed.\n    at close (node_modules/ioredis/built/redis/event_handler.js:184:25)",
                "Connection is closed.",
            ),
            (
                "[ioredis] Unhandled error event: Error: connect ETIMEDOUT",
                "connect ETIMEDOUT",
            ),
        ] {
            let found = recognise(text);
            assert_eq!(
                found.first().map(|p| p.message),
                Some(message),
                "{text}: {found:?}"
            );
        }
    }

    #[test]
    fn a_fly_host_that_does_not_resolve_is_the_fly_entry_only() {
        let found = recognise("Error: getaddrinfo ENOTFOUND fly-late-waterfall-1133.upstash.io");
        assert_eq!(
            found.iter().map(|p| p.message).collect::<Vec<_>>(),
            ["ENOTFOUND fly-<name>.upstash.io"]
        );
    }

    #[test]
    fn a_fly_host_in_another_error_is_that_error() {
        let found = recognise("NOAUTH Authentication required (fly-x.upstash.io)");
        assert_eq!(
            found.iter().map(|p| p.message).collect::<Vec<_>>(),
            ["NOAUTH Authentication required"]
        );
    }

    #[test]
    fn unknown_text_is_not_recognised_and_gets_the_closest() {
        assert!(recognise("segmentation fault").is_empty());
        assert!(recognise("").is_empty());
        let near = closest("max request exceeded");
        assert_eq!(near.len(), 3);
        assert!(near[0].contains("max"), "{near:?}");
    }

    #[test]
    fn every_code_named_exists() {
        for p in PASTED {
            for code in p.codes {
                assert!(
                    crate::code::Code::from_name(code).is_some(),
                    "{}: {code}",
                    p.message
                );
            }
            assert!(p.explanation().contains(p.source));
        }
    }
}
