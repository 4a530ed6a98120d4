//! What the generated starter clients are and need: which starter file each target gets (from
//! the runtime its code runs on), where it goes, and the dependency lines it names. `generate`
//! writes them into the client's header, the guide lists them, and `build.rs` users read the
//! Rust ones through [`crate::build::cargo_dependencies`].

use crate::capability::{DenoHost, JsHost, Runtime, runtime};
use crate::framework::Language;
use crate::model::{Framework, Kind, Platform, Transport};
use crate::plan::TargetPlan;

/// The starter file of a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Starter {
    /// `src/redis_client.rs` on tokio: the redis crate over TCP, reqwest over REST.
    Native(Transport),
    /// `src/redis_client.rs` for workers-rs: REST through the Worker's `fetch`.
    Worker,
    /// A TypeScript module over `@upstash/redis`, reading its variables where its host keeps
    /// them.
    TypeScript(JsHost),
}

impl Starter {
    /// The starter of planned target `t`: `None` while its transport is undecided, none in a
    /// folder of a language upwire writes no code in (`TargetPlan::foreign`), else
    /// [`Starter::of`].
    pub(crate) fn for_target(t: &TargetPlan) -> Option<Result<Starter, &'static str>> {
        let transport = t.transport?;
        Some(match t.foreign {
            Some(foreign) => Err(foreign.no_starter),
            None => Starter::of(t.kind, t.platform, t.framework, transport),
        })
    }

    /// The starter a target of `kind` on `platform`, written with `framework`, gets over
    /// `transport`; `Err` with why it gets none (the Workers and JavaScript starters speak
    /// REST, so a forced TCP has none; Python and Ruby frameworks read `REDIS_URL` themselves).
    pub(crate) fn of(
        kind: Option<Kind>,
        platform: Option<Platform>,
        framework: Option<Framework>,
        transport: Transport,
    ) -> Result<Self, &'static str> {
        match (runtime(kind, platform, framework), transport) {
            (Runtime::Native, t) => Ok(Starter::Native(t)),
            (Runtime::Workers, Transport::Rest) => Ok(Starter::Worker),
            (Runtime::JavaScript(host), Transport::Rest) => Ok(Starter::TypeScript(host)),
            (Runtime::Workers, Transport::Tcp) => Err(
                "the Workers starter client speaks REST; over TCP use `connect()` with a Redis client of your choice",
            ),
            (Runtime::JavaScript(_), Transport::Tcp) => Err(
                "its runtime is JavaScript, whose starter module (`@upstash/redis`) speaks REST; over TCP use ioredis or node-redis with the URL (REDIS.md shows how)",
            ),
            // Plain Python (its client may be upstash-redis) against a framework's own client.
            (Runtime::Framework(Language::Python), _)
                if framework.is_some_and(|f| f.facts().speaks_rest()) =>
            {
                Err(
                    "upwire writes no Python module: REDIS.md shows the client lines (upstash-redis over REST, redis-py over TCP)",
                )
            }
            (Runtime::Framework(Language::Python), _) => Err(
                "the framework reads the URL itself: REDIS.md shows its settings (django-redis, Celery)",
            ),
            (Runtime::Framework(_), _) => Err(
                "the framework reads the URL itself: REDIS.md shows its settings (Rails, Sidekiq)",
            ),
        }
    }

    /// Why `target` gets no starter, `why` being what [`Starter::of`] said: with the way to
    /// the REST starter only where it is true, when the target set `transport = "tcp"` itself
    /// and nothing it needs (BullMQ's blocking commands, `needs`) requires TCP.
    pub(crate) fn none_for(target: &crate::plan::TargetPlan, why: &str) -> String {
        let explicit = target.rules.first() == Some(&"explicit-transport");
        let needs_tcp = target.rules.contains(&"needs-tcp")
            || target
                .framework
                .is_some_and(|f| !f.facts().needs.is_empty());
        let rest = matches!(
            runtime(target.kind, target.platform, target.framework),
            Runtime::Workers | Runtime::JavaScript(_)
        );
        if target.transport == Some(Transport::Tcp) && explicit && !needs_tcp && rest {
            format!("{why}, or drop `transport = \"tcp\"` to get the REST one")
        } else {
            why.to_owned()
        }
    }

    /// Its path, relative to the target's `dir`: Supabase's shared folder for its functions
    /// (`supabase/functions/_shared/`: Supabase docs, "Organizing your Edge Functions": shared code
    /// goes in a folder prefixed with an underscore, `_shared` in their layout), else the framework's place
    /// for a TypeScript module (SvelteKit's `src/lib/server/`, Nuxt's `server/utils/`, ...),
    /// else `lib/`, where Next.js and Expo projects keep shared modules (outside `app/` and
    /// `pages/`, whose files become routes), `src/` for a Worker, or the project folder on Deno
    /// Deploy, beside the `main.ts` that `deno init` writes and Deno Deploy runs by default.
    pub(crate) fn path(self, framework: Option<Framework>) -> &'static str {
        match self {
            Starter::Native(_) | Starter::Worker => "src/redis_client.rs",
            Starter::TypeScript(JsHost::Deno(DenoHost::Supabase)) => {
                "supabase/functions/_shared/redis.ts"
            }
            Starter::TypeScript(host) => match framework.and_then(|f| f.facts().starter) {
                Some((path, _)) => path,
                None if host == JsHost::Cloudflare => "src/redis.ts",
                None if host == JsHost::Deno(DenoHost::DenoDeploy) => "redis.ts",
                None => "lib/redis.ts",
            },
        }
    }

    /// A word that tells it from another starter in the same folder, for its file name.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Starter::Native(t) => t.as_str(),
            Starter::Worker => "worker",
            Starter::TypeScript(JsHost::Node) => "node",
            Starter::TypeScript(JsHost::SvelteKit) => "sveltekit",
            Starter::TypeScript(JsHost::Deno(DenoHost::NetlifyEdge)) => "edge",
            Starter::TypeScript(JsHost::Deno(DenoHost::DenoDeploy)) => "deno",
            Starter::TypeScript(JsHost::Deno(DenoHost::Supabase)) => "supabase",
            Starter::TypeScript(JsHost::Cloudflare) => "worker",
        }
    }

    /// Whether it is Rust (`build.rs` can write it).
    pub(crate) fn is_rust(self) -> bool {
        !matches!(self, Starter::TypeScript(_))
    }

    /// Its dependencies: `[dependencies]` lines for Rust, `npm install` arguments for
    /// TypeScript (the tests type-check and run it against 1.39.0), none in Deno, whose
    /// module imports `npm:@upstash/redis@^1.39.0` (`DenoHost::import`).
    pub(crate) fn dependencies(self) -> &'static [&'static str] {
        match self {
            Starter::Native(transport) => cargo_dependencies(transport),
            Starter::Worker => WORKER_DEPENDENCIES,
            // Deno resolves the module's `npm:` specifier itself: nothing to install.
            Starter::TypeScript(JsHost::Deno(DenoHost::DenoDeploy | DenoHost::Supabase)) => &[],
            Starter::TypeScript(_) => &["@upstash/redis@^1.39.0"],
        }
    }
}

/// The Workers client's `[dependencies]`: the `worker` crate (its `fetch`, `Env`, and its
/// re-exported `wasm_bindgen`) and `serde_json` for the REST API's JSON.
const WORKER_DEPENDENCIES: &[&str] = &[r#"worker = "0.8""#, r#"serde_json = "1""#];

/// The `[dependencies]` lines the generated client needs, one `name = ...` line each.
///
/// Both clients use rustls with its default crypto provider, aws-lc-rs, as rustls and the
/// `redis` crate's README now recommend: ring's provider is deprecated since rustls 0.23.48
/// (no post-quantum key exchange), and aws-lc-sys builds with the C compiler alone (the `cc`
/// crate; no cmake, prebuilt NASM objects on Windows), as ring does. redis enables rustls
/// without a provider, so the TCP client names `rustls` to install aws-lc-rs and trusts the
/// webpki roots (Mozilla's list, compiled in: it works in an image without CA files);
/// reqwest 0.13's `rustls` feature brings aws-lc-rs and the platform verifier (the system's
/// trust store).
#[must_use]
pub fn cargo_dependencies(transport: Transport) -> &'static [&'static str] {
    match transport {
        Transport::Tcp => &[
            r#"redis = { version = "1", default-features = false, features = ["tokio-rustls-comp", "tls-rustls-webpki-roots", "connection-manager"] }"#,
            r#"rustls = { version = "0.23", default-features = false, features = ["aws_lc_rs", "prefer-post-quantum", "std", "tls12"] }"#,
            r#"tokio = { version = "1", features = ["macros", "rt-multi-thread"] }"#,
        ],
        // base64 decodes the `Upstash-Encoding: base64` replies (the crate serve encodes them
        // with); tokio's `time` is the wait between retries.
        Transport::Rest => &[
            r#"base64 = "0.22""#,
            r#"reqwest = { version = "0.13", default-features = false, features = ["rustls"] }"#,
            r#"serde_json = "1""#,
            r#"tokio = { version = "1", features = ["macros", "rt-multi-thread", "time"] }"#,
        ],
    }
}

/// A starter file of a folder: the starter, the target it is rendered for and the names of
/// the targets that share it, the file it goes to (relative to the folder) and, when that file
/// carries a suffix, the Rust module name it is used under.
pub(crate) struct StarterFile<'a> {
    pub(crate) starter: Starter,
    pub(crate) first: &'a TargetPlan,
    pub(crate) sharing: Vec<&'a str>,
    pub(crate) path: String,
    pub(crate) module: Option<String>,
}

impl StarterFile<'_> {
    /// Whether target `name` uses this file.
    pub(crate) fn serves(&self, name: &str) -> bool {
        self.sharing.contains(&name)
    }
}

/// The starters of a folder's `targets`: one per starter file, shared by the targets that get
/// the same one (a Next.js app's route handlers and middleware share `lib/redis.ts`). Two
/// different starters that would go to one path (the TCP and the REST Rust client) each get
/// the path with their own suffix (`src/redis_client_tcp.rs`, `src/redis_client_rest.rs`);
/// two of one kind on different variable names (`env_names`, `env_prefix`) the name of their
/// first target (`lib/redis_web.ts`). `no_starter` hears of each target that gets none, and
/// why. `generate` writes these; the guide names them.
pub(crate) fn starter_files<'a>(
    targets: &[&'a TargetPlan],
    mut no_starter: impl FnMut(&TargetPlan, &'static str),
) -> Vec<StarterFile<'a>> {
    // Each starter once, with the targets that share it (same file, same variable names).
    let mut chosen: Vec<(Starter, &TargetPlan, Vec<&str>)> = Vec::new();
    let names = |x: &TargetPlan| x.env.iter().map(|v| v.name.clone()).collect::<Vec<_>>();
    for &t in targets {
        match Starter::for_target(t) {
            Some(Ok(s)) => match chosen
                .iter_mut()
                .find(|(c, first, _)| *c == s && names(first) == names(t))
            {
                Some((_, _, sharing)) => sharing.push(&t.name),
                None => chosen.push((s, t, vec![&t.name])),
            },
            Some(Err(why)) => no_starter(t, why),
            None => {}
        }
    }
    let paths: Vec<(&str, &str)> = chosen
        .iter()
        .map(|(s, t, _)| (s.path(t.framework), s.label()))
        .collect();
    chosen
        .into_iter()
        .zip(&paths)
        .map(|((starter, first, sharing), (path, label))| {
            let shared = paths.iter().filter(|(p, _)| p == path).count() > 1;
            let (path, module) = if shared {
                let suffix = if paths.iter().filter(|x| *x == &(*path, *label)).count() > 1 {
                    first.name.replace('-', "_")
                } else {
                    (*label).to_owned()
                };
                (
                    suffixed(path, &suffix),
                    Some(format!("redis_client_{suffix}")),
                )
            } else {
                ((*path).to_owned(), None)
            };
            StarterFile {
                starter,
                first,
                sharing,
                path,
                module,
            }
        })
        .collect()
}

/// `src/redis_client.rs` with `tcp` → `src/redis_client_tcp.rs` (still a module name).
fn suffixed(path: &str, label: &str) -> String {
    match path.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}_{label}.{ext}"),
        None => format!("{path}_{label}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table docs/generate.md's "Starter clients" section prints.
    #[test]
    fn each_runtime_gets_the_starter_that_runs_there() {
        use crate::capability::JsHost::{Cloudflare as CfJs, Deno, Node, SvelteKit};
        use DenoHost::NetlifyEdge;
        use Framework::{Django, Hono, NextJs, Rails, WorkersRs};
        use Kind::{Container, Edge, Lambda, Mobile, Server};
        use Platform::{AwsLambda, Cloudflare, Docker, Expo, Fly, Netlify, Vercel};
        let rest = |k, p| Starter::of(Some(k), p, None, Transport::Rest);
        let with = |k, p, f| Starter::of(Some(k), p, Some(f), Transport::Rest);
        assert_eq!(
            Starter::of(Some(Server), Some(Fly), None, Transport::Tcp),
            Ok(Starter::Native(Transport::Tcp))
        );
        assert_eq!(
            rest(Container, Some(Docker)),
            Ok(Starter::Native(Transport::Rest))
        );
        assert_eq!(
            rest(Lambda, Some(AwsLambda)),
            Ok(Starter::Native(Transport::Rest))
        );
        assert_eq!(rest(Lambda, None), Ok(Starter::Native(Transport::Rest)));
        assert_eq!(rest(Edge, Some(Cloudflare)), Ok(Starter::Worker));
        assert_eq!(with(Edge, Some(Cloudflare), WorkersRs), Ok(Starter::Worker));
        assert_eq!(
            rest(Container, Some(Cloudflare)),
            Ok(Starter::Native(Transport::Rest))
        );
        for js in [
            rest(Edge, Some(Vercel)),
            rest(Edge, None),
            rest(Lambda, Some(Vercel)),
            rest(Server, Some(Netlify)),
            rest(Mobile, Some(Expo)),
            rest(Mobile, None),
            with(Lambda, Some(Vercel), NextJs),
            with(Edge, Some(Vercel), NextJs),
        ] {
            assert_eq!(js, Ok(Starter::TypeScript(Node)));
        }
        assert_eq!(
            rest(Edge, Some(Netlify)),
            Ok(Starter::TypeScript(Deno(NetlifyEdge)))
        );
        assert_eq!(
            with(Edge, Some(Cloudflare), Hono),
            Ok(Starter::TypeScript(CfJs))
        );
        assert_eq!(
            with(Lambda, Some(Vercel), Framework::SvelteKit),
            Ok(Starter::TypeScript(SvelteKit))
        );
        assert!(with(Server, None, Django).is_err() && with(Server, None, Rails).is_err());
        assert!(Starter::of(Some(Edge), Some(Cloudflare), None, Transport::Tcp).is_err());
        assert!(Starter::of(Some(Server), Some(Vercel), None, Transport::Tcp).is_err());
        // Deno isolates: Deno Deploy and Supabase, whatever the framework says of its folder.
        use DenoHost::{DenoDeploy, Supabase};
        use Platform::{DenoDeploy as Deploy, Supabase as Supa};
        assert_eq!(
            rest(Edge, Some(Deploy)),
            Ok(Starter::TypeScript(Deno(DenoDeploy)))
        );
        assert_eq!(
            with(Edge, Some(Deploy), Hono),
            Ok(Starter::TypeScript(Deno(DenoDeploy)))
        );
        assert_eq!(
            rest(Edge, Some(Supa)),
            Ok(Starter::TypeScript(Deno(Supabase)))
        );
        assert_eq!(
            with(Edge, Some(Supa), Hono),
            Ok(Starter::TypeScript(Deno(Supabase)))
        );
        assert_eq!(Starter::TypeScript(Deno(DenoDeploy)).path(None), "redis.ts");
        assert_eq!(
            Starter::TypeScript(Deno(DenoDeploy)).path(Some(Hono)),
            "src/redis.ts"
        );
        assert_eq!(
            Starter::TypeScript(Deno(Supabase)).path(Some(Hono)),
            "supabase/functions/_shared/redis.ts"
        );
        // Railway and Render run processes: the native starter, TCP or REST.
        assert_eq!(
            Starter::of(Some(Server), Some(Platform::Railway), None, Transport::Tcp),
            Ok(Starter::Native(Transport::Tcp))
        );
        assert_eq!(
            rest(Container, Some(Platform::Render)),
            Ok(Starter::Native(Transport::Rest))
        );
        assert_eq!(Starter::TypeScript(Node).path(None), "lib/redis.ts");
        assert_eq!(Starter::TypeScript(CfJs).path(Some(Hono)), "src/redis.ts");
        assert_eq!(
            Starter::TypeScript(SvelteKit).path(Some(Framework::SvelteKit)),
            "src/lib/server/redis.ts"
        );
    }

    /// The way to the REST starter is offered only to a target that set `transport = "tcp"`
    /// itself and needs nothing that requires TCP.
    #[test]
    fn the_advice_for_a_target_without_starter_is_true_to_it() {
        use crate::diagnostic::SourceFile;
        use crate::interpolate::Env;
        let why = |target: &str| {
            let text = format!(
                "[database.main]\nredis_url = \"rediss://default:AXpw@eu1-cat.upstash.io:6379\"\nrest_url = \"https://eu1-cat.upstash.io\"\nrest_token = \"AXtoken\"\n\n[target.t]\n{target}"
            );
            let r = crate::plan::resolve(SourceFile::new("upwire.toml", text), &Env::default());
            let t = &r.plan.targets[0];
            let Err(why) = Starter::of(t.kind, t.platform, t.framework, t.transport.unwrap())
            else {
                panic!("{target}: a starter");
            };
            Starter::none_for(t, why)
        };
        let drop = "drop `transport = \"tcp\"`";
        // No `transport` field: nothing to drop (BullMQ, Express on Railway or Render).
        for target in [
            "kind = \"server\"\nplatform = \"railway\"\nframework = \"bullmq\"\n",
            "kind = \"server\"\nplatform = \"render\"\nframework = \"express\"\n",
        ] {
            assert!(
                !why(target).contains("transport"),
                "{target}: {}",
                why(target)
            );
        }
        // Set, but BullMQ needs TCP: REST is no way out.
        let bullmq = "kind = \"server\"\nframework = \"bullmq\"\ntransport = \"tcp\"\n";
        assert!(!why(bullmq).contains(drop), "{}", why(bullmq));
        // Set on an edge function that could use REST: the way out is named.
        let worker = "kind = \"edge\"\nplatform = \"cloudflare\"\ntransport = \"tcp\"\n";
        assert!(why(worker).contains(drop), "{}", why(worker));
    }
}
