//! What each runtime and each transport can do: the one place that says it.
//!
//! The transport rules, the rule texts, `serve`'s command policy and `check`'s hints read
//! these tables, so "an edge function cannot open TCP sockets" or "REST has no blocking
//! commands" is written once.

use std::borrow::Cow;

use crate::framework::{EnvAccess, Language};
use crate::model::{Access, Framework, Kind, Need, Platform, Transport};

/// Whether a kind of target, on its platform, can use a transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// It can.
    Yes,
    /// It can, with a caveat worth a warning when the transport is forced (what it takes).
    Caveat(&'static str),
    /// It cannot: why, as "a mobile app, which cannot use TCP", and the help for a target
    /// that forces it anyway.
    No {
        /// Why not, as "a mobile app, which cannot use TCP".
        why: &'static str,
        /// What to do instead.
        help: &'static str,
    },
}

impl Kind {
    /// Whether this kind can use `transport` on `platform`.
    #[must_use]
    pub fn can_use(self, transport: Transport, platform: Option<Platform>) -> Use {
        // One arm per kind, no `_`: a new kind is listed by the compiler here.
        match (self, transport) {
            (Kind::Mobile, Transport::Tcp) => Use::No {
                why: "a mobile app, which cannot use TCP",
                help: "remove `transport`: mobile apps use REST with the read-only token",
            },
            (Kind::Edge, Transport::Tcp) if platform == Some(Platform::Cloudflare) => Use::Caveat(
                "Cloudflare Workers, which needs `connect()` and the `nodejs_compat` flag",
            ),
            (Kind::Edge, Transport::Tcp) => Use::No {
                why: "an edge function, which cannot open TCP sockets",
                help: "remove `transport`: edge functions use REST",
            },
            (Kind::Server | Kind::Container | Kind::Lambda, Transport::Tcp)
            | (
                Kind::Server | Kind::Container | Kind::Lambda | Kind::Edge | Kind::Mobile,
                Transport::Rest,
            ) => Use::Yes,
        }
    }

    /// The transports this kind can use on `platform`.
    #[must_use]
    pub fn transports(self, platform: Option<Platform>) -> Vec<Transport> {
        Transport::ALL
            .iter()
            .copied()
            .filter(|&t| !matches!(self.can_use(t, platform), Use::No { .. }))
            .collect()
    }

    /// The example target `upwire init` writes for this kind (named after the kind): its
    /// platform, the transport the rules give it there (so that `init` writes only the
    /// database fields it uses) and the comment that says so (with [`crate::family::fill`]'s
    /// placeholders for the variable names).
    #[must_use]
    pub(crate) fn init_example(self) -> (Option<Platform>, Transport, &'static str) {
        use Platform::{AwsLambda, Docker, Expo, Vercel};
        use Transport::{Rest, Tcp};
        match self {
            Kind::Server => (None, Tcp, "servers use TCP ({var.tcp_url})."),
            Kind::Container => (Some(Docker), Tcp, "containers use TCP ({var.tcp_url})."),
            Kind::Lambda => (
                Some(AwsLambda),
                Rest,
                "lambdas use REST ({var.rest_url}, {var.rest_token}).",
            ),
            Kind::Edge => (
                Some(Vercel),
                Rest,
                "edge functions use REST ({var.rest_url}, {var.rest_token}).",
            ),
            Kind::Mobile => (
                Some(Expo),
                Rest,
                "mobile apps use REST with the read-only token.",
            ),
        }
    }

    /// What `check`'s TCP and REST latencies mean for this kind; `setup_ms` is the TCP setup
    /// (connect, TLS, AUTH) it measured.
    #[must_use]
    pub(crate) fn latency_meaning(self, setup_ms: f64) -> String {
        match self {
            Kind::Server | Kind::Container => {
                "a long-lived process pays the TCP setup once, then every command is a TCP round trip: tcp fits".to_owned()
            }
            Kind::Lambda => format!(
                "a lambda would pay the TCP setup ({setup_ms:.1} ms here) on every cold start and hold a connection while frozen: rest fits unless it needs blocking commands"
            ),
            Kind::Edge | Kind::Mobile => {
                "edge runtimes and apps cannot hold TCP connections: rest".to_owned()
            }
        }
    }

    /// The access a target of this kind gets when it does not set `access`: an app ships
    /// whatever it holds to every user's device, so mobile gets the read-only token.
    #[must_use]
    pub(crate) fn default_access(self) -> Access {
        match self {
            Kind::Mobile => Access::ReadOnly,
            Kind::Server | Kind::Container | Kind::Lambda | Kind::Edge => Access::ReadWrite,
        }
    }

    /// Whether this kind can hold a connection open (what blocking commands and WATCH need).
    #[must_use]
    pub fn holds_connections(self) -> bool {
        match self {
            Kind::Server | Kind::Container | Kind::Lambda => true,
            Kind::Edge | Kind::Mobile => false,
        }
    }

    /// Whether this kind runs in a platform's edge runtime (Netlify Edge Functions on Deno,
    /// a Cloudflare Worker in TypeScript) rather than as a function or process.
    #[must_use]
    pub(crate) fn runs_at_edge(self) -> bool {
        match self {
            Kind::Edge => true,
            Kind::Server | Kind::Container | Kind::Lambda | Kind::Mobile => false,
        }
    }
}

/// What a target's code runs on, which decides the starter file `generate` writes for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Runtime {
    /// A native process with threads and sockets (servers, containers, AWS Lambda): tokio.
    Native,
    /// Cloudflare Workers, in Rust through workers-rs (`wasm32-unknown-unknown`, `fetch`).
    Workers,
    /// JavaScript or TypeScript, and where its variables come from.
    JavaScript(JsHost),
    /// Python or Ruby: the framework reads `REDIS_URL` itself (REDIS.md shows its settings).
    Framework(Language),
}

/// Where a JavaScript target's variables come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JsHost {
    /// `process.env` (Node.js, Vercel and Netlify functions, Next.js, Expo's inlining).
    Node,
    /// SvelteKit's `$env/dynamic/private`.
    SvelteKit,
    /// A Deno isolate, which has no `process.env` of its own.
    Deno(DenoHost),
    /// A Cloudflare Worker in TypeScript: the Worker's `env`.
    Cloudflare,
}

/// The platforms that run JavaScript in Deno isolates, which differ in where the module sits,
/// how it reads a variable and how it imports `@upstash/redis`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DenoHost {
    /// Netlify Edge Functions: `Netlify.env.get` (Netlify docs, Edge Functions API), the
    /// package from the site's `package.json`.
    NetlifyEdge,
    /// Deno Deploy: `Deno.env.get`, `npm:` specifiers (docs.deno.com, Deno Deploy environment
    /// variables and npm packages).
    DenoDeploy,
    /// Supabase Edge Functions: `Deno.env.get` and `npm:` specifiers (Supabase docs, Edge
    /// Functions environment variables and managing dependencies).
    Supabase,
}

impl DenoHost {
    /// The call that reads a variable: `Deno.env.get`, or Netlify's `Netlify.env.get`.
    pub(crate) fn env_get(self) -> &'static str {
        match self {
            DenoHost::NetlifyEdge => "Netlify.env.get",
            DenoHost::DenoDeploy | DenoHost::Supabase => "Deno.env.get",
        }
    }

    /// Where `@upstash/redis` is imported from: Netlify bundles the site's npm packages; Deno
    /// Deploy and Supabase resolve an `npm:` specifier, pinned to the range the tests run
    /// (Supabase's own examples import `npm:@supabase/supabase-js@2` the same way).
    pub(crate) fn import(self) -> &'static str {
        match self {
            DenoHost::NetlifyEdge => "@upstash/redis",
            DenoHost::DenoDeploy | DenoHost::Supabase => "npm:@upstash/redis@^1.39.0",
        }
    }
}

/// The runtime of a target of `kind` on `platform` that is `framework`: a framework says its
/// language; without one, a mobile app is JavaScript (Expo, React Native), a Cloudflare
/// target a Worker in Rust (a container there is a native process), an edge function elsewhere
/// and whatever Vercel, Netlify, Expo, Deno Deploy or Supabase run JavaScript, and the rest
/// native processes. JavaScript on Deno Deploy and Supabase, and at the edge on Netlify, runs
/// in Deno (a SvelteKit app keeps `$env/dynamic/private`, which its adapter fills).
#[must_use]
pub(crate) fn runtime(
    kind: Option<Kind>,
    platform: Option<Platform>,
    framework: Option<Framework>,
) -> Runtime {
    let js = || Runtime::JavaScript(js_host(kind, platform, framework));
    if let Some(f) = framework {
        return match f.facts().language {
            Language::JavaScript => js(),
            Language::Rust if f == Framework::WorkersRs => Runtime::Workers,
            Language::Rust => Runtime::Native,
            other @ (Language::Python | Language::Ruby) => Runtime::Framework(other),
        };
    }
    // Every platform and kind by name (no `_`): the compiler lists this place for a new one.
    use Platform::{
        AwsLambda, Cloudflare, DenoDeploy, Docker, Expo, Fly, Generic, Kubernetes, Netlify,
        Railway, Render, Supabase, Vercel,
    };
    match platform {
        Some(Cloudflare) => match kind {
            Some(Kind::Mobile) => js(),
            Some(Kind::Container) => Runtime::Native,
            Some(Kind::Server | Kind::Lambda | Kind::Edge) | None => Runtime::Workers,
        },
        Some(Vercel | Netlify | Expo | DenoDeploy | Supabase) => js(),
        Some(Generic | Docker | Kubernetes | Fly | AwsLambda | Railway | Render) | None => {
            match kind {
                Some(Kind::Mobile | Kind::Edge) => js(),
                Some(Kind::Server | Kind::Container | Kind::Lambda) | None => Runtime::Native,
            }
        }
    }
}

/// Where the variables of JavaScript of `kind` on `platform`, written with `framework`,
/// come from. Supabase runs its functions from `supabase/functions/`, whatever their
/// framework; a SvelteKit app keeps `$env/dynamic/private` (the framework table's
/// `EnvAccess`) on any other platform.
fn js_host(kind: Option<Kind>, platform: Option<Platform>, framework: Option<Framework>) -> JsHost {
    use Platform::{
        AwsLambda, Cloudflare, DenoDeploy, Docker, Expo, Fly, Generic, Kubernetes, Netlify,
        Railway, Render, Supabase, Vercel,
    };
    let edge = kind.is_some_and(Kind::runs_at_edge);
    let host = match platform {
        Some(Supabase) => return JsHost::Deno(DenoHost::Supabase),
        Some(DenoDeploy) => JsHost::Deno(DenoHost::DenoDeploy),
        Some(Netlify) if edge => JsHost::Deno(DenoHost::NetlifyEdge),
        Some(Cloudflare) if edge => JsHost::Cloudflare,
        Some(
            Generic | Docker | Kubernetes | Fly | AwsLambda | Vercel | Netlify | Cloudflare | Expo
            | Railway | Render,
        )
        | None => JsHost::Node,
    };
    let sveltekit = framework
        .and_then(|f| f.facts().starter)
        .is_some_and(|(_, access)| access == EnvAccess::SvelteKitPrivate);
    if sveltekit { JsHost::SvelteKit } else { host }
}

impl Platform {
    /// The kinds of code this platform runs, and what it runs, in words (for
    /// `kind-platform-mismatch`). From each platform's documentation: Vercel Functions and the
    /// Edge runtime; Netlify Functions and Edge Functions; AWS Lambda functions; Workers and
    /// Cloudflare Containers; Fly Machines; Expo apps; Railway services (docs.railway.com:
    /// services run a long-lived deployment, cron jobs a service on a schedule); Render web
    /// services, private services, background workers and cron jobs (render.com/docs, service
    /// types); Deno Deploy applications (docs.deno.com/deploy: isolates started on demand per
    /// request); Supabase Edge Functions (supabase.com/docs/guides/functions/architecture: a
    /// Deno isolate per request).
    #[must_use]
    pub(crate) fn runs(self) -> (&'static [Kind], &'static str) {
        use Kind::{Container, Edge, Lambda, Mobile, Server};
        match self {
            Platform::Generic => (Kind::ALL, "any kind of code"),
            Platform::Docker | Platform::Kubernetes => (
                &[Server, Container],
                "containers, which run long-lived processes",
            ),
            Platform::Fly => (
                &[Server, Container],
                "Fly Machines: containers that run long-lived processes",
            ),
            Platform::AwsLambda => (
                &[Lambda],
                "functions (`kind = \"lambda\"`); a server on AWS runs on ECS, EC2 or App Runner",
            ),
            Platform::Vercel => (
                &[Lambda, Edge],
                "Vercel Functions on Node.js (`kind = \"lambda\"`: route handlers, server components, API routes) and the edge runtime (`kind = \"edge\"`: middleware, `runtime = \"edge\"` routes); no long-lived server",
            ),
            Platform::Netlify => (
                &[Lambda, Edge],
                "Netlify Functions (`kind = \"lambda\"`) and Edge Functions on Deno (`kind = \"edge\"`); no long-lived server",
            ),
            Platform::Cloudflare => (
                &[Edge, Container],
                "Workers (`kind = \"edge\"`) and Cloudflare Containers (`kind = \"container\"`)",
            ),
            Platform::Expo => (&[Mobile], "apps (`kind = \"mobile\"`)"),
            Platform::Railway => (
                &[Server, Container],
                "services: containers that run long-lived processes (and cron jobs, a service on a schedule)",
            ),
            Platform::Render => (
                &[Server, Container],
                "web services, private services, background workers and cron jobs: long-lived processes in containers",
            ),
            Platform::DenoDeploy => (
                &[Edge],
                "JavaScript and TypeScript in Deno isolates started per request (`kind = \"edge\"`); no long-lived server",
            ),
            Platform::Supabase => (
                &[Edge],
                "Edge Functions: TypeScript in Deno isolates started per request (`kind = \"edge\"`); a server beside Supabase runs elsewhere",
            ),
        }
    }
}

/// Something the REST API does not offer, and the commands it takes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RestGap {
    /// The need in `needs = [...]` that asks for it, when there is one.
    pub need: Option<Need>,
    /// What it is, as prose.
    pub what: &'static str,
    /// What it is, in a list ("blocking commands and WATCH").
    pub short: &'static str,
    /// Its commands, lower case.
    pub commands: &'static [&'static str],
}

/// What REST lacks. Besides Upstash's contract, each of these commands would also
/// change or hijack the connection that `serve` shares between requests. Blocking `XREAD` and
/// `XREADGROUP` (with `BLOCK`) belong to the first row; their plain forms work.
pub(crate) const REST_LACKS: &[RestGap] = &[
    RestGap {
        need: Some(Need::Blocking),
        what: "blocking commands (BLPOP, BRPOP, BLMOVE, ...)",
        short: "blocking commands",
        commands: &[
            "blpop",
            "brpop",
            "brpoplpush",
            "blmove",
            "blmpop",
            "bzpopmin",
            "bzpopmax",
            "bzmpop",
            "wait",
            "waitaof",
        ],
    },
    RestGap {
        need: Some(Need::Watch),
        what: "WATCH (optimistic transactions)",
        short: "WATCH",
        // Transactions go through /multi-exec; WATCH needs a connection of one's own.
        commands: &["multi", "exec", "discard", "watch", "unwatch"],
    },
    RestGap {
        need: None,
        what: "connection commands other than PING and ECHO",
        short: "connection commands",
        commands: &[
            "auth",
            "select",
            "hello",
            "quit",
            "reset",
            "client",
            "readonly",
            "readwrite",
            "asking",
        ],
    },
    RestGap {
        // `needs = ["pubsub"]` is met over REST: Upstash streams subscriptions as SSE.
        need: None,
        what: "subscriptions, except as server-sent events (PUBLISH works)",
        short: "subscriptions",
        commands: &[
            "subscribe",
            "psubscribe",
            "ssubscribe",
            "unsubscribe",
            "punsubscribe",
            "sunsubscribe",
        ],
    },
    RestGap {
        need: None,
        what: "replies that never end",
        short: "endless replies",
        commands: &["monitor", "sync", "psync", "replconf"],
    },
];

/// Whether the REST API lacks the command `name` (any case).
#[must_use]
pub(crate) fn rest_lacks_command(name: &[u8]) -> bool {
    REST_LACKS
        .iter()
        .flat_map(|g| g.commands)
        .any(|c| c.as_bytes().eq_ignore_ascii_case(name))
}

impl Need {
    /// Whether only TCP can meet this need.
    #[must_use]
    pub fn needs_tcp(self) -> bool {
        REST_LACKS.iter().any(|g| g.need == Some(self))
    }
}

/// The rows of [`REST_LACKS`] that a `needs = [...]` entry asks for: what only TCP meets.
fn tcp_only_gaps() -> impl Iterator<Item = &'static RestGap> {
    REST_LACKS.iter().filter(|g| g.need.is_some())
}

/// The TCP-only needs among `needs`, as prose: one as what it is ("WATCH (optimistic
/// transactions)"), several in a list ("blocking commands and WATCH").
#[must_use]
pub(crate) fn tcp_only_needs(needs: &[Need]) -> Cow<'static, str> {
    let gaps: Vec<&RestGap> = tcp_only_gaps()
        .filter(|g| g.need.is_some_and(|n| needs.contains(&n)))
        .collect();
    match gaps[..] {
        [one] => Cow::Borrowed(one.what),
        _ => Cow::Owned(list(gaps.iter().map(|g| g.short), "and")),
    }
}

/// Every need only TCP meets, by what it is, joined by `conj`: "blocking commands or WATCH".
#[must_use]
pub(crate) fn describe_tcp_only_needs(conj: &str) -> String {
    list(tcp_only_gaps().map(|g| g.short), conj)
}

/// Every need only TCP meets, as spelled in `needs = [...]`: "blocking or watch".
#[must_use]
pub(crate) fn tcp_only_need_names(conj: &str) -> String {
    list(
        tcp_only_gaps().filter_map(|g| g.need).map(Need::as_str),
        conj,
    )
}

/// The kinds that cannot hold a connection open, joined by `conj`: "edge or mobile".
#[must_use]
pub(crate) fn kinds_without_connections(conj: &str) -> String {
    list(
        Kind::ALL
            .iter()
            .filter(|k| !k.holds_connections())
            .map(|k| k.as_str()),
        conj,
    )
}

/// "a", "a or b", "a, b or c".
fn list<'a>(words: impl Iterator<Item = &'a str>, conj: &str) -> String {
    let words: Vec<&str> = words.collect();
    match words.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} {conj} {last}", rest.join(", ")),
        _ => words.concat(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_kind_can_use_which_transport() {
        assert_eq!(
            Kind::Server.transports(None),
            [Transport::Tcp, Transport::Rest]
        );
        assert_eq!(Kind::Edge.transports(None), [Transport::Rest]);
        assert_eq!(
            Kind::Edge.transports(Some(Platform::Cloudflare)),
            [Transport::Tcp, Transport::Rest]
        );
        assert_eq!(
            Kind::Mobile.transports(Some(Platform::Expo)),
            [Transport::Rest]
        );
        assert!(Kind::Lambda.holds_connections() && !Kind::Edge.holds_connections());
    }

    #[test]
    fn rest_lacks_blocking_and_watch_but_not_pubsub() {
        assert!(Need::Blocking.needs_tcp() && Need::Watch.needs_tcp());
        assert!(!Need::Pubsub.needs_tcp());
        assert!(rest_lacks_command(b"BLPOP") && rest_lacks_command(b"watch"));
        assert!(!rest_lacks_command(b"publish") && !rest_lacks_command(b"ping"));
    }

    #[test]
    fn tcp_only_needs_in_prose() {
        assert_eq!(
            tcp_only_needs(&[Need::Watch, Need::Blocking]),
            "blocking commands and WATCH"
        );
        assert_eq!(
            tcp_only_needs(&[Need::Watch, Need::Pubsub]),
            "WATCH (optimistic transactions)"
        );
        assert_eq!(describe_tcp_only_needs("or"), "blocking commands or WATCH");
        assert_eq!(tcp_only_need_names("or"), "blocking or watch");
        assert_eq!(kinds_without_connections("or"), "edge or mobile");
        assert_eq!(list(["a", "b", "c"].into_iter(), "or"), "a, b or c");
    }
}
