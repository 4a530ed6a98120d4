//! The one list of diagnostic codes. `explain`, the docs, JSON output and the tests all read
//! names, severities and texts from here, so a code is added in exactly one place.

use std::fmt;

use serde::Serialize;

/// How bad a finding is. Only errors change the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run.
    Note,
    /// Probably wrong; does not fail a run.
    Warning,
    /// Wrong; the run exits 1.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad`, not `write_str`, so that `{:<8}` in tables lines the columns up.
        f.pad(match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

macro_rules! codes {
    ($( $variant:ident = $name:literal, $severity:ident, $summary:literal, $explain:literal; )*) => {
        /// A stable, kebab-case diagnostic code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $( #[doc = $summary] $variant, )*
        }

        impl Code {
            /// Every code, in the order of the contract table.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The kebab-case name users see and scripts parse.
            #[must_use]
            pub fn name(self) -> &'static str {
                match self { $( Code::$variant => $name, )* }
            }

            /// The severity a finding of this code has unless a rule says otherwise.
            #[must_use]
            pub fn default_severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$severity, )* }
            }

            /// One line: what the code means.
            #[must_use]
            pub fn summary(self) -> &'static str {
                match self { $( Code::$variant => $summary, )* }
            }

            /// The long explanation printed by `upwire explain`, with the variable names of
            /// the family table filled in.
            #[must_use]
            pub fn explanation(self) -> String {
                crate::family::fill(match self { $( Code::$variant => $explain, )* })
            }
        }
    };
}

codes! {
    TomlSyntax = "toml-syntax", Error,
        "the descriptor is not valid TOML",
        "The descriptor could not be parsed as TOML. The caret points at the first character the \
parser could not accept. Common causes: a string value without quotes (`kind = server` instead \
of `kind = \"server\"`), a table header repeated twice, or a key given twice in one table.";
    UnknownField = "unknown-field", Error,
        "a field that upwire.toml does not define",
        "upwire.toml accepts a fixed set of fields (see `upwire init` for a commented example). An \
unknown field is an error rather than being ignored, because a misspelt field such as `trasport` \
would otherwise silently leave the default in place. The help line suggests the closest known \
field.";
    UnknownValue = "unknown-value", Error,
        "a value outside the allowed set, e.g. `kind = \"lamda\"`",
        "Fields such as `kind`, `platform`, `needs`, `transport` and `access` take one of a fixed \
set of values. The help line lists them and suggests the closest one.";
    UnknownDatabase = "unknown-database", Error,
        "a target names a database that does not exist",
        "`database = \"NAME\"` in a target must name a `[database.NAME]` table of the same \
descriptor. When the descriptor has exactly one database the field may be left out.";
    UnresolvedVariable = "unresolved-variable", Error,
        "`${NAME}` is not set in the environment or in any env file",
        "Values may refer to variables as `${NAME}`. upwire looks them up in the process \
environment first, then in each `--env-file` in the order given. Set the variable, pass the \
file that defines it with `--env-file`, or fix the spelling. `${` without a closing `}` is \
reported here too.";
    SecretInDescriptor = "secret-in-descriptor", Warning,
        "a literal password or token in the descriptor",
        "upwire.toml is meant to be committed. A password inside `redis_url`, or a literal \
`rest_token` / `rest_readonly_token`, puts a credential into version control. Move the value \
into an env file that git ignores and refer to it as `${NAME}`.";
    InvalidUrl = "invalid-url", Error,
        "the URL cannot be parsed",
        "The value is not a URL a Redis client can use. The message names the reason. A frequent \
one is a password that contains `@`, `#`, `/` or `?` without percent-encoding: `#` starts a \
URL fragment and `@` ends the user information early, so clients connect to the wrong host or \
drop the rest of the password. Encode them as `%40` (@), `%23` (#), `%2F` (/), `%3F` (?).";
    RestUrlInRedisUrl = "rest-url-in-redis-url", Error,
        "an http(s):// URL where a TCP URL belongs",
        "`{var.tcp_url}` and `redis_url` take the TCP endpoint, \
`rediss://default:<password>@<host>:<port>`. An `https://` value is the REST endpoint: Redis \
clients cannot use it (ioredis, for one, treats `https://host` as a unix socket path named \
`//host`). Either use the TCP URL from the console, or switch the code to the REST API with \
`{var.rest_url}` and `{var.rest_token}`.";
    RedisUrlInRestUrl = "redis-url-in-rest-url", Error,
        "a redis(s):// URL where the REST URL belongs",
        "`{var.rest_url}` and `rest_url` take the REST endpoint, `https://<host>`, with no \
port, user or password. The REST token, `{var.rest_token}`, is a secret of its own, copied \
from the REST API section of the database's page in the Upstash console: the TCP URL's \
password is not it (Upstash answers `WRONGPASS invalid or missing auth token`). HTTP clients \
reject a `rediss://` URL (\"Only HTTP(S) protocols are supported\").";
    PlaceholderValue = "placeholder-value", Error,
        "a placeholder such as `<PASSWORD>` left in a value",
        "The value still contains a placeholder copied from documentation or a masked console \
view: `<PASSWORD>`, `<ENDPOINT>`, `<PORT>`, `<TOKEN>`, `YOUR_PASSWORD`, `********`, \
`[SENSITIVE]`, `xxxxxxxx` and the like. Copy the real value from the Upstash console (the eye \
icon reveals it) into an env file that git ignores.";
    WhitespaceInValue = "whitespace-in-value", Error,
        "leading or trailing whitespace, a newline, or wrapping quotes inside a value",
        "Whitespace, a newline or a pair of quotes inside the value become part of the password, \
host or token, and the login then fails with a confusing error. This happens when a value is \
pasted with its quotes into a dashboard, or when a shell heredoc keeps the newline. Remove them.";
    TlsRequired = "tls-required", Error,
        "`redis://` to an Upstash host; Upstash requires TLS (`rediss://`)",
        "Upstash databases accept only TLS connections, and TLS cannot be switched off. A \
`redis://` URL makes the client speak plain text to a TLS port: the server closes the \
connection and clients report `ECONNRESET` or `Connection reset by peer`. Use `rediss://`. The \
one exception are Fly.io private databases (`fly-*.upstash.io`), which are plain `redis://` \
inside Fly's private network.";
    TlsUnavailable = "tls-unavailable", Error,
        "`rediss://` to a Fly.io private Upstash database, which has no TLS",
        "Upstash databases made with `fly redis create` (`fly-*.upstash.io`) are reached over \
Fly's private network (WireGuard), and they speak plain `redis://` there: no TLS is offered on \
that port. A `rediss://` URL makes the client start a TLS handshake that the server never \
answers as TLS, and clients report a timeout or `wrong version number`. Use `redis://`, as \
`fly redis status` prints it. The traffic is encrypted by Fly's private network.";
    MissingPassword = "missing-password", Error,
        "a TCP URL to an Upstash host without a password",
        "Upstash TCP endpoints always require a password: \
`rediss://default:<password>@<host>:<port>`. Without it the first command fails with `NOAUTH`. \
The password is the database password from the console (the same value as the REST token of \
the `default` user).";
    EmptyUsername = "empty-username", Warning,
        "`redis://:pw@host`: write the user name `default`",
        "An empty user name with a password makes clients send the old one-argument `AUTH \
<password>`. It works for the default user, but breaks as soon as ACL users are involved and \
confuses readers. Write `default` (read-write) or `default_ro` (read-only) explicitly.\n\n\
Fly.io prints its private Upstash URLs as `redis://<password>@fly-<name>.upstash.io`, with the \
password where the user name goes. upwire reads that part as the password (and masks it), but \
most clients (redis-rs, ioredis, node-redis) read it as a user name and send no password, so \
the first command fails with `NOAUTH`. Write `redis://default:<password>@fly-<name>.upstash.io:6379`.";
    NonzeroDatabase = "nonzero-database", Error,
        "a database index other than 0 on an Upstash host",
        "Upstash databases have exactly one logical database, index 0. A path such as `/1` makes \
clients send `SELECT 1`, which fails. Remove the path or use `/0`; create another Upstash \
database to separate data.";
    InvalidPort = "invalid-port", Error,
        "port missing after `:`, not a number, or out of range",
        "The port after the host must be a number from 1 to 65535. Upstash TCP endpoints use \
6379. Remove the `:` when you mean the default port.";
    RestUrlInsecure = "rest-url-insecure", Error,
        "`http://` REST URL to a host that is not loopback",
        "The REST token travels in the `Authorization` header of every request. Over `http://` \
anyone on the path can read it. Use `https://`. Plain `http://` is accepted for loopback \
addresses only (127.0.0.1, ::1, localhost), e.g. a local `upwire serve`.";
    RestUrlHasPath = "rest-url-has-path", Warning,
        "path, query or credentials in the REST URL",
        "The REST URL is the bare origin, `https://<host>`: clients append the command path \
(`/set/key/value`, `/pipeline`) themselves. A path, a query string (such as `?_token=`) or \
credentials in the URL produce wrong request paths or leak the token into logs.";
    TokenMissing = "token-missing", Error,
        "the REST transport is chosen and there is no token",
        "Every REST request needs a token in `Authorization: Bearer <token>`. Set `rest_token` \
in the database (or `rest_readonly_token` for read-only and mobile targets). The tokens are in \
the Upstash console under REST API.";
    TokenHasBearerPrefix = "token-has-bearer-prefix", Error,
        "the token value starts with `Bearer `",
        "Clients add the `Bearer ` prefix themselves. A token value that already has it is sent \
as `Authorization: Bearer Bearer <token>` and rejected with HTTP 401. Keep only the token.";
    HostMismatch = "host-mismatch", Warning,
        "the REST and TCP URLs of a database point at different hosts",
        "An Upstash database serves TCP and REST on the same host name. Different hosts usually \
mean that the URL of one database was combined with the token of another; the login then fails \
on one of the two transports.";
    FamilyMismatch = "family-mismatch", Warning,
        "Upstash's and the Vercel Marketplace's REST URL point at different databases",
        "An env file sets both `{var.rest_url}` and `{var.kv_rest_url}` (the names the \
Vercel Marketplace integration writes), to different hosts. `Redis.fromEnv()` in @upstash/redis \
reads `{var.rest_url}` first and falls back to `{var.kv_rest_url}` only when it is unset; \
its Cloudflare `Redis.fromEnv(env)` reads only `{var.rest_url}` (source: \
@upstash/redis `nodejs.mjs` and `cloudflare.mjs`). So the app silently uses the Upstash-named \
database while the Marketplace dashboard shows the other. Keep one database: remove one family's \
variables, or set `env_names = \"vercel-marketplace\"` in `[project]` (or in the app's \
`[target.NAME]`, when other apps keep Upstash's names) so that `upwire generate` writes the \
Marketplace's names instead of adding Upstash's.";
    SecretPublicPrefix = "secret-public-prefix", Error,
        "a token not known to be read-only, a password or a TCP URL under a public prefix",
        "Variables named {prefix.all} are compiled into the client bundle, where anyone can read them. \
Only the read-only REST token may ship there. A token under a public prefix is taken as read-only \
when its name says so (`{var.readonly_token}`, `{var.kv_readonly_token}`) or \
when its value is that of the read-only token in the same file; any other one is an error, \
because a full token under a name like `{prefix.next}{var.rest_token}` is how tokens leak \
in real projects. Serve full access from a backend instead, or ship the console's read-only \
token under the read-only name (with `access = \"read-only\"` in the descriptor).";
    MobileFullAccess = "mobile-full-access", Warning,
        "a mobile target with `access = \"read-write\"`",
        "Whatever ships in an app bundle can be extracted. With `access = \"read-write\"` the full \
token goes into the app and anyone can write to or flush the database. Prefer the read-only \
token and route writes through a backend.";
    NeedsUnsupported = "needs-unsupported", Error,
        "a need the target's kind cannot meet over any transport",
        "Blocking commands (BLPOP, BRPOP, BLMOVE, BZPOPMIN, ... and blocking XREAD) and \
WATCH-based transactions need a long-lived TCP connection. The REST API does not offer them, \
and edge runtimes and mobile apps cannot hold a TCP connection to Redis. Move that work to a \
server, container or lambda target.";
    TransportUnavailable = "transport-unavailable", Error,
        "a transport override the target's kind or platform cannot use",
        "`transport = \"tcp\"` cannot work on mobile apps and on edge runtimes that have no raw \
TCP sockets (Cloudflare Workers do have them: there it is a warning). `transport = \"rest\"` \
cannot serve `needs = [\"blocking\"]` or `[\"watch\"]`. Remove the override or change the target.";
    DatabaseLacksTransport = "database-lacks-transport", Error,
        "the chosen transport has no URL in the database",
        "The transport chosen for the target needs a field the database does not set: \
`redis_url` for TCP, `rest_url` for REST. Add it, taking the value from the Upstash console.";
    MissingField = "missing-field", Error,
        "a required field is not set",
        "Every target needs `kind`. A target must also name its `database` when the descriptor \
defines more than one, and the descriptor must define at least one `[database.NAME]`.";
    InvalidType = "invalid-type", Error,
        "a field has the wrong TOML type",
        "Each field has one TOML type: strings for URLs, tokens, names and enums, an array of \
strings for `needs`, tables for `[project]`, `[database.NAME]` and `[target.NAME]`.";
    InvalidName = "invalid-name", Error,
        "a target or database name, or an env_prefix, with characters that are not allowed",
        "Target and database names match `[a-z0-9][a-z0-9-]*`, because they become file and \
variable names. `env_prefix` may use `A-Z`, `0-9` and `_` only. A `dir` that holds what looks \
like a credential (a URL with a password, a token) is refused too: it would become a directory \
name and appear in the connection guide.";
    TokenIsUrl = "token-is-url", Error,
        "a URL where a token belongs",
        "The REST token is an opaque string, not a URL. The URL goes into \
`{var.rest_url}` / `rest_url`, the token into `{var.rest_token}` / `rest_token`.";
    ReadonlyTcp = "readonly-tcp", Warning,
        "read-only access over TCP with a user other than `default_ro`",
        "On Upstash the read-only TCP user is `default_ro`. A target with `access = \"read-only\"` \
that connects as `default` gets full access. Use the `default_ro` user and its password, or the \
REST transport with the read-only token.";
    PublicToken = "public-token", Note,
        "a read-only-named REST token under a public prefix: make sure it is the read-only one",
        "A REST token under a public prefix (`{prefix.next}`, `{prefix.expo}`, ...) ships in the \
client bundle. That is acceptable only for the read-only token. Here the name says read-only \
(`..._READONLY_TOKEN`, `..._READ_ONLY_TOKEN`), but upwire cannot tell the two tokens apart \
from the value alone, so it asks you to make sure. The note goes away when the file also holds \
the unprefixed read-only token with the same value. A public token whose name does not say \
read-only is the error `secret-public-prefix`.";
    DuplicateKey = "duplicate-key", Warning,
        "a key set twice in one env file",
        "When an env file sets a key twice, the tools that read it disagree on the value: upwire \
and Rust's dotenvy (`dotenv()`) keep the first, Node's dotenv, Docker's `--env-file` and \
python-dotenv keep the last. The same file then means one thing to your server and another to \
your tests. Keep one line.";
    EnvExampleDrift = "env-example-drift", Warning,
        "keys in `.env` and not in `.env.example`, or the reverse",
        "`.env.example` is the list of variables a project needs, committed for whoever sets it \
up; `.env` holds the real values and stays out of git. A key in `.env` that `.env.example` \
lacks is a variable the next person will not know to set; a key in `.env.example` that `.env` \
lacks is one your own setup misses (or one nothing reads any more). `lint` compares the two \
when both are given, or when it finds `<file>.example` (or `.env.example` for `.env.*`) beside \
an env file it was given. Only key names are compared and shown, never values.";
    InvalidEnvLine = "invalid-env-line", Warning,
        "a line in an env file that is not KEY=VALUE",
        "Env files hold one `KEY=VALUE` per line, optionally prefixed by `export `, with `#` \
comments. Tools differ in how they read anything else, so the line may be ignored or misread.";
    DirConflict = "dir-conflict", Error,
        "two targets in one directory need different values under one variable name",
        "Targets may share a `dir`: a Next.js app's route handlers and its middleware are two \
targets in one folder, and they get one env file with the union of their variables, one \
starter per language and transport, and one set of platform files. A folder has one env \
file, though, so two targets in it cannot need different values under the same name: the \
read-only and the full token both as `{prefix.expo}{var.rest_token}`, or two \
databases both as `{var.tcp_url}`. Give one of them an `env_prefix` (its variables get their \
own names), its own `dir`, or the same `access`.";
    KindPlatformMismatch = "kind-platform-mismatch", Error,
        "a target's kind is not what its platform runs",
        "Each platform runs some kinds of code and not others: Vercel and Netlify run functions \
(`kind = \"lambda\"`) and edge functions (`kind = \"edge\"`), never a long-lived server; AWS \
Lambda runs functions; Cloudflare runs Workers (`edge`) and Cloudflare Containers \
(`container`); Docker, Kubernetes, Fly, Railway and Render run servers and containers (their \
cron jobs too); Deno Deploy and Supabase Edge Functions run Deno isolates per request (`edge`); \
Expo runs apps. A \
`kind = \"server\"` on Vercel would be told it keeps one TCP connection open, which a \
function cannot: the transport, the reason and the starter would all be wrong. Set the kind \
the platform runs (the message says which), or the platform the code really runs on.";
    CelerySslCertReqs = "celery-ssl-cert-reqs", Error,
        "a Celery target's `rediss://` URL has no `ssl_cert_reqs`",
        "Celery refuses a `rediss://` broker or result-backend URL without the `ssl_cert_reqs` \
parameter: \"A rediss:// URL must have parameter ssl_cert_reqs and this must be set to \
CERT_REQUIRED, CERT_OPTIONAL, or CERT_NONE\" (celery/backends/redis.py). The same URL works for \
django-redis and redis-py, so a Django project whose cache works can still have a worker that \
will not start. Upstash's certificates come from a public CA: end the URL with \
`?ssl_cert_reqs=required`, the spelling both read (Celery maps `required` and `CERT_REQUIRED` \
alike; redis-py, under django-redis, refuses `CERT_REQUIRED` with \"Invalid SSL Certificate \
Requirements Flag\", redis/connection.py), or set `broker_use_ssl` and \
`redis_backend_use_ssl` to `{\"ssl_cert_reqs\": ssl.CERT_REQUIRED}` in Celery's settings. \
Avoid `none`, which skips the certificate check.";
    RedisPySslCertReqs = "redis-py-ssl-cert-reqs", Error,
        "a Django target's `rediss://` URL spells `ssl_cert_reqs` as redis-py does not read it",
        "redis-py, which django-redis uses, reads `ssl_cert_reqs` from a URL as a string and \
knows `none`, `optional` and `required` only: `?ssl_cert_reqs=CERT_REQUIRED`, the spelling of \
Celery's error message, fails at the first cache access with \"Invalid SSL Certificate \
Requirements Flag: CERT_REQUIRED\" (SSLConnection in redis/connection.py). Celery maps \
`required` and `CERT_REQUIRED` alike (celery/backends/redis.py), so a Django project and its \
Celery worker can share one URL ending in `?ssl_cert_reqs=required`.";
    KindFrameworkMismatch = "kind-framework-mismatch", Error,
        "a target's kind is not a kind of code its framework runs as",
        "A framework runs as some kinds of code: Next.js, SvelteKit, Nuxt, Remix and Astro as \
functions, edge functions or a Node.js server; Django, Rails, axum and actix-web as servers \
and containers, and so do the job queues BullMQ, Celery and Sidekiq, whose workers are \
long-lived and wait for jobs in blocking commands over TCP; Expo as an app; workers-rs as a Worker. `upwire explain framework` \
lists them. A kind the framework never runs as is a mistake in the descriptor: fix the kind \
or the framework.";
    DirOutsideProject = "dir-outside-project", Error,
        "a target's `dir` leaves the project: absolute, `..` past its directory, or into `.git`",
        "`generate` writes a target's files (`.env` with its secrets among them) into the \
target's `dir`, relative to the directory that holds upwire.toml. A `dir` must stay inside that \
directory: an absolute path (`/tmp/x`), a `..` that leads out of it (`../other-repo`, \
`x/../../..`), a path into `.git` (where a file could become a hook) or one with a control \
character is refused, and nothing is written for the target. `lint` reports it too.\n\n\
  dir = \"services/api\"     # inside the project\n\
  dir = \"./api/../web\"      # the same as \"web\"";
    TargetSkipped = "target-skipped", Warning,
        "`generate` wrote no files, or no secret files, for a target",
        "`generate` writes nothing for a target whose transport could not be decided, whose \
database lacks the transport's URL, or that has errors: the findings above say why. When only \
variables are unresolved, the files without secrets (`.env.example`, starter code, scripts) are \
still written and `.env` and the platform secret files are skipped.";
    EnvNotIgnored = "env-not-ignored", Warning,
        "a generated file with secrets is not git-ignored",
        "`generate` writes real credentials into `.env` and the platform secret files (mode 0600). \
If git does not ignore them, the next `git add .` commits the credentials. Add them to \
`.gitignore`.";
    FlyRestUrl = "fly-rest-url", Error,
        "a REST URL to a Fly.io private database (`fly-*.upstash.io`), which has no REST API",
        "Upstash databases made with `fly redis create` (`fly-*.upstash.io`) live in Fly's \
private IPv6 network and speak only the Redis protocol (plain `redis://` on port 6379): they \
have no REST API, so `https://fly-<name>.upstash.io` never answers and @upstash/redis fails \
with `fetch failed`. Code on Fly uses the TCP URL (`{var.tcp_url}`); code that needs REST (edge \
functions, mobile apps) needs a regular Upstash database from console.upstash.com. Source: Fly \
docs, https://fly.io/docs/reference/redis/.";
    FlyOffPlatform = "fly-off-platform", Error,
        "a `fly-*.upstash.io` URL for a target whose platform is not Fly (a warning when it names none)",
        "A Fly.io private Upstash database (`fly-*.upstash.io`, made with `fly redis create`) is \
reachable only from inside the Fly organization's private IPv6 network: its name does not \
resolve elsewhere, and clients on Vercel, Lambda, Kubernetes or a laptop fail with \
`ENOTFOUND fly-...`. Set `platform = \"fly\"` on the target if it runs on Fly, or use a \
regular Upstash database (public TLS endpoint, REST API) for targets elsewhere. A target with \
another platform is an error; one without `platform` (or with `generic`) may run on Fly or \
anywhere, so it gets a warning until `platform` says where. From a \
laptop, `fly redis proxy` tunnels the database to a local port. On Fly, ioredis before 5.8.2 \
looks up IPv4 addresses only: pass `family: 6` (or `0`) in its options; 5.8.2 made `0` (both) \
the default (ioredis issue redis/ioredis#2026). Sources: Fly docs, \
https://fly.io/docs/reference/redis/ and https://fly.io/docs/networking/private-networking/.";
    SelfReferencingVariable = "self-referencing-variable", Error,
        "a database field adds text to `${NAME}`, and NAME is a variable `generate` writes",
        "`generate` writes each target's values into its env file under the variable names of \
its transport (`{var.tcp_url}`, `{var.rest_url}`, ...). A database field that reads one of those \
names and adds text to it (`redis_url = \"${{var.tcp_url}}?ssl_cert_reqs=required\"`) would have \
`generate` write the composed value back into that variable; the next run reads it and adds \
the text again, so the value grows on every run. Keep the whole value in the env file \
(`{var.tcp_url}=rediss://...?ssl_cert_reqs=required`) and write the field as exactly \
`${{var.tcp_url}}`, or read it from a variable of another name (`${DATABASE_URL}?...` \
writing `{var.tcp_url}` is fine). The target gets no files until then.";
    EnvPrefixMissing = "env-prefix-missing", Warning,
        "a database field reads a Vercel Marketplace name behind a prefix, and the target has no `env_prefix`",
        "The Vercel Marketplace integration can be given a custom prefix when a store is \
connected to a project: it then sets `STORAGE_{var.kv_rest_url}`, `STORAGE_{var.kv_rest_token}`, \
... (with `STORAGE_` the prefix) and never the un-prefixed names. A database field that reads \
such a name (`rest_url = \"${STORAGE_{var.kv_rest_url}}\"`) for a target without `env_prefix` \
has `generate` write, and the starter read, `{var.kv_rest_url}`, which is not set in the Vercel \
project: the deployed code finds no variable. Add `env_prefix = \"STORAGE_\"` to the target \
(`upwire init` does when it finds the prefixed names).";
    RestUrlNotEndpoint = "rest-url-not-endpoint", Error,
        "the console page or the Upstash API host where the REST URL belongs",
        "The REST URL is the database's own origin, `https://<name>.upstash.io`, shown in the \
REST API section of the database page in the Upstash console (`{var.rest_url}`). The \
address of the console page itself (`https://console.upstash.com/redis/<id>?teamid=0`) and the \
management API host (`https://api.upstash.com`) are not Redis endpoints: requests to them \
fail or return HTML. Source: Upstash docs, https://upstash.com/docs/redis/features/restapi.";
    RestUrlHasPort = "rest-url-has-port", Error,
        "a port on an Upstash REST URL",
        "Upstash serves the REST API on the default HTTPS port of the database's host: the REST \
URL is `https://<name>.upstash.io`, with no port. `:6379` is the TCP (Redis protocol) port \
and does not speak HTTP, so requests fail (`fetch failed`); an explicit `:443` works but \
differs from the console's value, so comparisons and the host check fail. `upwire fix` \
removes the port. Source: Upstash docs, https://upstash.com/docs/redis/features/restapi.";
    TokenDatabaseMismatch = "token-database-mismatch", Warning,
        "the REST token appears to belong to another database than the URL",
        "An Upstash REST token appears to carry the number at the end of its database's host \
name (`equipped-owl-22028` → 22028) in its second and third bytes (base64-decoded, \
big-endian). When that number differs from the one of the REST or TCP host in the same file \
or database, the token appears to be another database's, and requests fail with `WRONGPASS \
invalid or missing auth token`. Upstash does not document the token format (upwire read it \
from public examples), so this is a warning: copy the URL and the token from the same \
database page.";
    PasswordAsToken = "password-as-token", Warning,
        "the REST token appears to be the TCP password (32 hex digits)",
        "The database password of the TCP URL (32 hexadecimal digits) is not the REST token: \
the REST API rejects it with `WRONGPASS invalid or missing auth token`. The REST token is the \
longer base64 value in the REST API section of the database page \
(`{var.rest_token}`). Source: Upstash docs, \
https://upstash.com/docs/redis/troubleshooting/http_unauthorized (\"The connection password \
can only be used in traditional Redis clients\").";
    ReadonlyTokenIsFull = "readonly-token-is-full", Warning,
        "the read-only token has the full token's value, or appears to be the standard token",
        "The read-only token (`{var.readonly_token}`, `{var.kv_readonly_token}`, \
`rest_readonly_token`) holds the same value as the standard token, or its first byte appears \
to say standard (under a public prefix too: the token's bytes alone make a warning). It is what `generate` puts \
into client bundles and mobile apps, so the full-access token would ship there. Copy the \
read-only token from the REST API section of the database page (the \"Read-Only Token\" \
switch); its first byte appears to be 2 where the standard token's is 1 (not documented by \
Upstash).";
    UnquotedTrailingSpace = "unquoted-trailing-space", Warning,
        "an unquoted value in an env file ends with spaces or tabs",
        "Env file readers differ on spaces after an unquoted value: Node's dotenv, dotenvy and \
upwire drop them, but Docker's `--env-file` keeps them as part of the value (docker/cli's env \
file parser: \"trailing whitespace is part of the value, and is kept unmodified\"), so a \
password or token that works locally fails only in the container. Remove the spaces, or quote \
the value. `upwire fix` removes them.";
    Bom = "bom", Note,
        "an env file starts with a UTF-8 byte-order mark",
        "Some editors (Notepad, some Windows tools) save files with a UTF-8 byte-order mark, the \
invisible character U+FEFF, at the very start. upwire reads the first key without it and keeps \
the mark when `generate` merges into the file, but other tools do not all skip it: they read \
the first key as `\\u{feff}{var.tcp_url}`, so the variable seems unset. Save the file as UTF-8 \
without BOM (\"UTF-8\", not \"UTF-8 with BOM\").";
    EnvConflict = "env-conflict", Error,
        "the folders of a database's targets give one of its variables different values",
        "Each app of a project reads its variables from its own folder: a Next.js app in `apps/web` from \
`apps/web/.env.local`, a worker in `apps/worker` from `apps/worker/.env`. upwire reads a \
database's `${NAME}`s from the process environment, the `--env-file`s, the env files of the \
folders of the targets that use that database, then the `.env` beside the descriptor. When two \
of those folders set one name to different values, the apps are wired to different databases (or \
one of them holds a stale value): taking either value would have `generate` write it into the \
other app's env file, replacing that app's own. If the apps use different databases, give each \
its own `[database.NAME]` (the same `${NAME}`s are fine) and set `database = \"NAME\"` on its \
targets: each database then reads only its own targets' folders. If they use one database, make \
the values the same. The same holds across names: when a target's own folder already sets the \
variable `generate` would write for it (`{var.kv_rest_token}` in a Vercel Marketplace app) to \
another value than the database's field gives, which it reads under another name in another \
folder, `generate` writes nothing for that target instead of replacing the app's value. A value \
set in the environment or in an `--env-file` is taken as given, and is no conflict.";
    EnvOverridden = "env-overridden", Warning,
        "a value from the environment or an `--env-file` differs from an env file's, which `generate` would overwrite",
        "What is set in the process environment, then in each `--env-file`, wins over the env \
files upwire reads by convention (`.env`, `.env.local`, a target folder's files): an explicit \
value is taken as given, as CI sets its secrets. But a variable exported in a shell long ago \
(`export {var.tcp_url}=redis://localhost:6379`) or an `--env-file` meant for another app then \
replaces the project's own value without a word, and `generate` writes it into the env file \
that held the right one. This warning names both places. Unset the variable, or drop the \
`--env-file`, when the file's value is the one meant.";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Code {
    /// Whether an example env file (`.env.example`) is expected to carry this finding: it
    /// holds placeholders, or nothing, where the secrets go.
    #[must_use]
    pub(crate) fn expected_in_examples(self) -> bool {
        matches!(
            self,
            Code::PlaceholderValue | Code::TokenMissing | Code::UnresolvedVariable
        )
    }

    /// Looks a code up by its kebab-case name.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.name()), "duplicate {code}");
            assert!(
                code.name()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{code} is not kebab-case"
            );
            assert_eq!(Code::from_name(code.name()), Some(*code));
            assert!(code.explanation().len() > code.summary().len());
        }
    }
}
