//! The framework table: per framework (the code a target is), its language, the kinds of code
//! it runs as, the env files it reads, the one `generate` writes, where a starter belongs and
//! how it reads its variables, and the command CI runs its tests with. Every fact names where
//! it comes from (`source`). `generate`, the plan's checks, the default env files, the CI job
//! and `explain framework` read it; nothing else spells these facts.

use crate::model::{Framework, Kind, Need, Platform};

/// The language of a framework's code, which decides its starter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Language {
    /// Rust: the tokio starter (`src/redis_client.rs`) or workers-rs on Cloudflare.
    Rust,
    /// JavaScript or TypeScript: `@upstash/redis` over REST, ioredis or node-redis over TCP.
    JavaScript,
    /// Python: redis-py, read by the framework from `REDIS_URL`.
    Python,
    /// Ruby: redis-rb, read by the framework from `REDIS_URL`.
    Ruby,
}

impl Language {
    /// The command a CI job runs the project's tests with.
    pub(crate) fn test_command(self) -> &'static str {
        match self {
            Language::Rust => "cargo test",
            Language::JavaScript => "npm test",
            Language::Python => "python -m pytest",
            Language::Ruby => "bundle exec rake test",
        }
    }
}

/// How a TypeScript starter reads its variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EnvAccess {
    /// `process.env.NAME` (Node.js, Next.js, Vercel and Netlify functions, Expo's inlining).
    ProcessEnv,
    /// `import { env } from "$env/dynamic/private"` (SvelteKit, read at run time, server only).
    SvelteKitPrivate,
}

/// One framework's facts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Facts {
    /// The framework.
    pub framework: Framework,
    /// Its language.
    pub language: Language,
    /// The kinds of code it runs as.
    pub kinds: &'static [Kind],
    /// The env files it reads from its folder, the one that wins first (as upwire reads them:
    /// the first value found wins).
    pub env_files: &'static [&'static str],
    /// The env file `generate` writes the values into: one the framework reads and that is
    /// meant for local secrets.
    pub env_file: &'static str,
    /// Where a TypeScript starter goes in its folder, and how it reads its variables; `None`
    /// for frameworks whose starter is not TypeScript.
    pub starter: Option<(&'static str, EnvAccess)>,
    /// What its Redis client always relies on, whatever the target's `needs` say: a job queue
    /// whose workers wait in blocking commands needs TCP (the `needs-tcp` rule reads these
    /// with `needs = [...]`).
    pub needs: &'static [Need],
    /// Whether its code reads its variables from the runtime (a Worker's `env`, Hono's
    /// `c.env`) rather than through a dev server of its own: on a platform whose local runtime
    /// reads an env file (`wrangler dev`'s `.dev.vars`), that file is its env file.
    pub runtime_env: bool,
    /// Whether its code may talk to Redis over the REST API: JavaScript and Rust always (the
    /// starters speak it); of the Python and Ruby ones only plain Python, with upstash-redis.
    /// django-redis (redis-py), Celery (kombu), `Rails.cache` and Action Cable (redis-rb) and
    /// Sidekiq (redis-client) speak the Redis protocol and read `REDIS_URL`.
    pub speaks_rest: bool,
    /// Where these facts come from.
    pub source: &'static str,
}

/// Next.js's order, also Expo's: `.env.$(mode).local`, `.env.local`, `.env.$(mode)`, `.env`,
/// the first value found wins (development mode shown).
const NEXT_ENV_FILES: &[&str] = &[
    ".env.development.local",
    ".env.local",
    ".env.development",
    ".env",
];

/// Vite's `loadEnv` (SvelteKit, Remix, Astro): `.env`, `.env.local`, `.env.[mode]`,
/// `.env.[mode].local`, each later file overriding: here the first that wins.
const VITE_ENV_FILES: &[&str] = &[
    ".env.development.local",
    ".env.development",
    ".env.local",
    ".env",
];

/// dotenv in the project folder (dotenv for Node, dotenvy for Rust, django-environ and
/// python-dotenv, dotenv-rails).
const DOTENV: &[&str] = &[".env"];

/// Code in a language upwire writes no starter or guide lines for, told by its folder's
/// manifest: a target there gets no starter (never a Rust one), and the CI job runs that
/// language's usual test command in its folder.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Foreign {
    /// The manifest that says so, in the target's folder.
    pub manifest: &'static str,
    /// Why the target gets no starter, for `generate`'s note.
    pub no_starter: &'static str,
    /// The command that runs its tests, in its folder (the tools GitHub's Ubuntu runners
    /// have: Go, Ruby, PHP with Composer, Java with Maven and Gradle, .NET).
    pub test: &'static str,
}

/// The languages a folder's manifest names, in the order they are looked for.
pub(crate) const FOREIGN: &[Foreign] = &[
    Foreign {
        manifest: "go.mod",
        no_starter: "its folder is a Go module (go.mod): upwire writes no Go code; REDIS.md names the variables it reads",
        test: "go test ./...",
    },
    Foreign {
        manifest: "Gemfile",
        no_starter: "its folder is a Ruby project (Gemfile): upwire writes no Ruby code; REDIS.md names the variables it reads",
        test: "bundle exec rake test",
    },
    Foreign {
        manifest: "composer.json",
        no_starter: "its folder is a PHP project (composer.json): upwire writes no PHP code; REDIS.md names the variables it reads",
        test: "composer test",
    },
    Foreign {
        manifest: "pom.xml",
        no_starter: "its folder is a Maven project (pom.xml): upwire writes no Java code; REDIS.md names the variables it reads",
        test: "mvn -B test",
    },
    Foreign {
        manifest: "build.gradle.kts",
        no_starter: "its folder is a Gradle project (build.gradle.kts): upwire writes no Kotlin or Java code; REDIS.md names the variables it reads",
        test: "gradle test",
    },
    Foreign {
        manifest: "build.gradle",
        no_starter: "its folder is a Gradle project (build.gradle): upwire writes no Java or Kotlin code; REDIS.md names the variables it reads",
        test: "gradle test",
    },
    Foreign {
        manifest: "mix.exs",
        no_starter: "its folder is an Elixir project (mix.exs): upwire writes no Elixir code; REDIS.md names the variables it reads",
        test: "mix test",
    },
    Foreign {
        manifest: "Package.swift",
        no_starter: "its folder is a Swift package (Package.swift): upwire writes no Swift code; REDIS.md names the variables it reads",
        test: "swift test",
    },
];

/// The files that make a folder a Python project: pip's requirements file, the
/// `pyproject.toml` of PEP 621 (and Poetry, uv, PDM) and Pipenv's `Pipfile`.
pub(crate) const PYTHON_MANIFESTS: &[&str] = &["requirements.txt", "pyproject.toml", "Pipfile"];

const SERVERS: &[Kind] = &[Kind::Server, Kind::Container];
/// What a web framework with deployment adapters runs as: functions, edge functions, or a
/// Node.js server in a container.
const WEB: &[Kind] = &[Kind::Lambda, Kind::Edge, Kind::Server, Kind::Container];

const fn row(
    framework: Framework,
    language: Language,
    kinds: &'static [Kind],
    env_files: &'static [&'static str],
    env_file: &'static str,
    starter: Option<(&'static str, EnvAccess)>,
    source: &'static str,
) -> Facts {
    Facts {
        framework,
        language,
        kinds,
        env_files,
        env_file,
        starter,
        needs: &[],
        runtime_env: false,
        speaks_rest: !matches!(language, Language::Python | Language::Ruby),
        source,
    }
}

/// A row whose code reads its variables from the runtime it runs in.
const fn runtime_env(facts: Facts) -> Facts {
    Facts {
        runtime_env: true,
        ..facts
    }
}

/// `facts` of Python or Ruby code whose own client may be a REST one (upstash-redis).
const fn rest_client(facts: Facts) -> Facts {
    Facts {
        speaks_rest: true,
        ..facts
    }
}

/// A row whose Redis client waits in blocking commands (a job queue's workers): it needs TCP.
const fn blocking(facts: Facts) -> Facts {
    Facts {
        needs: &[Need::Blocking],
        ..facts
    }
}

/// The table, one row per framework, in `Framework::ALL`'s order (a test holds it).
pub(crate) const TABLE: &[Facts] = &[
    row(
        Framework::NextJs,
        Language::JavaScript,
        WEB,
        NEXT_ENV_FILES,
        ".env.local",
        Some(("lib/redis.ts", EnvAccess::ProcessEnv)),
        "Next.js loadEnvConfig (packages/next-env/index.ts: .env.$(mode).local, .env.local, .env.$(mode), .env, first wins); route handlers run as Vercel Functions, middleware on the edge runtime; `vercel env pull` writes .env.local",
    ),
    row(
        Framework::SvelteKit,
        Language::JavaScript,
        WEB,
        VITE_ENV_FILES,
        ".env",
        Some(("src/lib/server/redis.ts", EnvAccess::SvelteKitPrivate)),
        "SvelteKit docs, $env/dynamic/private (server-only, read at run time; src/lib/server is never bundled for the browser); Vite loadEnv",
    ),
    row(
        Framework::Nuxt,
        Language::JavaScript,
        WEB,
        DOTENV,
        ".env",
        Some(("server/utils/redis.ts", EnvAccess::ProcessEnv)),
        "Nuxt docs, .env (read by nuxi in development; in production the platform's variables); server/utils is auto-imported by Nitro",
    ),
    row(
        Framework::Remix,
        Language::JavaScript,
        WEB,
        VITE_ENV_FILES,
        ".env",
        Some(("app/redis.server.ts", EnvAccess::ProcessEnv)),
        "Remix docs, environment variables (process.env on the server; .server modules stay out of the browser bundle); Vite loadEnv",
    ),
    row(
        Framework::Astro,
        Language::JavaScript,
        WEB,
        VITE_ENV_FILES,
        ".env",
        Some(("src/lib/redis.ts", EnvAccess::ProcessEnv)),
        "Astro docs, environment variables (Vite loadEnv; process.env at run time with the Node, Vercel and Netlify adapters)",
    ),
    runtime_env(row(
        Framework::Hono,
        Language::JavaScript,
        &[Kind::Edge, Kind::Lambda, Kind::Server, Kind::Container],
        DOTENV,
        ".env",
        Some(("src/redis.ts", EnvAccess::ProcessEnv)),
        "Hono docs, getting started per runtime (Workers: c.env; Node.js: process.env)",
    )),
    row(
        Framework::Expo,
        Language::JavaScript,
        &[Kind::Mobile],
        NEXT_ENV_FILES,
        ".env",
        Some(("lib/redis.ts", EnvAccess::ProcessEnv)),
        "Expo docs, environment variables (@expo/env: .env.$(mode).local, .env.local, .env.$(mode), .env; {prefix.expo} variables are inlined into the bundle)",
    ),
    row(
        Framework::Express,
        Language::JavaScript,
        &[Kind::Server, Kind::Container, Kind::Lambda],
        DOTENV,
        ".env",
        None,
        "dotenv (require('dotenv').config() reads .env); ioredis and node-redis take {var.tcp_url}, a rediss:// URL turning TLS on (ioredis README, TLS options)",
    ),
    row(
        Framework::Node,
        Language::JavaScript,
        &[Kind::Lambda, Kind::Server, Kind::Container],
        DOTENV,
        ".env",
        Some(("lib/redis.ts", EnvAccess::ProcessEnv)),
        "Node.js without a web framework (a Lambda handler, a script, a consumer): `node --env-file=.env` (Node.js docs, CLI options, since v20.6.0) or dotenv's `config()` reads .env into process.env; AWS Lambda's Node.js runtime hands the function's environment variables over in process.env",
    ),
    blocking(row(
        Framework::BullMq,
        Language::JavaScript,
        SERVERS,
        DOTENV,
        ".env",
        None,
        "BullMQ docs, connections and going to production (ioredis over TCP; Worker and QueueEvents wait in blocking commands on connections of their own, and a Worker refuses an ioredis connection whose maxRetriesPerRequest is not null: \"BullMQ: Your redis options maxRetriesPerRequest must be null.\", src/classes/redis-connection.ts)",
    )),
    rest_client(row(
        Framework::Python,
        Language::Python,
        &[Kind::Lambda, Kind::Server, Kind::Container],
        DOTENV,
        ".env",
        None,
        "Python code with a Redis client and no framework upwire configures (a Lambda handler, a script, a Flask or FastAPI app): upstash-redis's `Redis.from_env()` reads {var.rest_url} and {var.rest_token} (Upstash docs, Python SDK, getting started), redis-py's `Redis.from_url` takes {var.tcp_url}, a rediss:// URL turning TLS on, verified by default (redis-py docs, connecting); python-dotenv's `load_dotenv()` reads .env; AWS Lambda's Python runtime hands the function's environment variables over in os.environ",
    )),
    row(
        Framework::Django,
        Language::Python,
        SERVERS,
        DOTENV,
        ".env",
        None,
        "django-redis README (CACHES LOCATION a redis-py URL; rediss:// creates a TLS connection, verified by default); django-environ reads .env",
    ),
    blocking(row(
        Framework::Celery,
        Language::Python,
        SERVERS,
        DOTENV,
        ".env",
        None,
        "Celery docs, Redis broker and result backend: a rediss:// result_backend needs ssl_cert_reqs (celery/backends/redis.py, E_REDIS_SSL_CERT_REQS_MISSING_INVALID); the kombu Redis transport fetches tasks with BRPOP (kombu/transport/redis.py)",
    )),
    row(
        Framework::Rails,
        Language::Ruby,
        SERVERS,
        DOTENV,
        ".env",
        None,
        "Rails guides, caching with Redis (config.cache_store = :redis_cache_store, { url: ENV[\"{var.tcp_url}\"] }) and Action Cable (the generated config/cable.yml reads ENV.fetch(\"{var.tcp_url}\")); dotenv-rails reads .env",
    ),
    blocking(row(
        Framework::Sidekiq,
        Language::Ruby,
        SERVERS,
        DOTENV,
        ".env",
        None,
        "Sidekiq wiki, Using Redis (the URL from the variable REDIS_PROVIDER names, else {var.tcp_url}: lib/sidekiq/redis_connection.rb); its fetcher waits with BRPOP",
    )),
    row(
        Framework::Axum,
        Language::Rust,
        SERVERS,
        DOTENV,
        ".env",
        None,
        "dotenvy (dotenvy::dotenv() reads .env)",
    ),
    row(
        Framework::ActixWeb,
        Language::Rust,
        SERVERS,
        DOTENV,
        ".env",
        None,
        "dotenvy (dotenvy::dotenv() reads .env)",
    ),
    row(
        Framework::LambdaRuntime,
        Language::Rust,
        &[Kind::Lambda],
        DOTENV,
        ".env",
        None,
        "lambda_runtime crate (AWS Lambda functions in Rust); the function's environment in production",
    ),
    runtime_env(row(
        Framework::WorkersRs,
        Language::Rust,
        &[Kind::Edge],
        &[".dev.vars"],
        ".dev.vars",
        None,
        "workers-rs (the worker crate); wrangler dev reads .dev.vars",
    )),
    runtime_env(row(
        Framework::Workers,
        Language::JavaScript,
        &[Kind::Edge],
        &[".dev.vars"],
        ".dev.vars",
        Some(("src/redis.ts", EnvAccess::ProcessEnv)),
        "Cloudflare Workers docs, environment variables (a Worker in TypeScript without a framework: variables arrive in `env`; wrangler dev reads .dev.vars); @upstash/redis/cloudflare",
    )),
];

/// The env file `generate` writes a folder's values into, from the frameworks of the folder's
/// targets (those whose platform has no env file of its own): the one their framework reads
/// for local secrets (`.env.local` for Next.js), `.env` without one or when they disagree.
#[must_use]
pub(crate) fn folder_env_file(
    frameworks: impl IntoIterator<Item = Option<Framework>>,
) -> &'static str {
    let mut files = frameworks
        .into_iter()
        .map(|f| f.map_or(".env", |f| f.facts().env_file));
    let first = files.next().unwrap_or(".env");
    if files.all(|f| f == first) {
        first
    } else {
        ".env"
    }
}

/// Where an env file stands among the files a framework loads together from one folder:
/// Next.js and Expo load `.env.$(mode).local`, `.env.local`, `.env.$(mode)`, `.env`, the
/// first value found winning (Vite's `loadEnv` the same files, `.env.$(mode)` before
/// `.env.local`). Returns the file's mode (`development` for `.env.development.local`; none
/// for `.env` and `.env.local`, which every mode loads) and its rank, 0 winning; `None` for
/// a name no framework loads this way (`.env.example`, `.dev.vars`, `prod.env`).
#[must_use]
pub(crate) fn load_rank(name: &str) -> Option<(Option<&str>, u8)> {
    match name {
        ".env" => return Some((None, 3)),
        ".env.local" => return Some((None, 1)),
        _ => {}
    }
    let rest = name.strip_prefix(".env.")?;
    let (mode, rank) = rest.strip_suffix(".local").map_or((rest, 2), |m| (m, 0));
    let word = !mode.is_empty()
        && mode
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    (word && !["example", "sample", "template", "dist"].contains(&mode))
        .then_some((Some(mode), rank))
}

/// The env files any framework in the table reads, for a folder without a descriptor:
/// each row's files in the table's order (Next.js's first: `.env.development.local`,
/// `.env.local`, `.env.development`, `.env`, then the others', `.dev.vars`), first found
/// wins.
#[must_use]
pub(crate) fn every_env_file() -> Vec<&'static str> {
    let mut files: Vec<&'static str> = Vec::new();
    for row in TABLE {
        for f in row.env_files {
            if !files.contains(f) {
                files.push(f);
            }
        }
    }
    if !files.contains(&".env") {
        files.push(".env");
    }
    files
}

/// What the env-file conventions need of a descriptor's target, read from its text alone.
struct TargetShape {
    name: String,
    /// Its `dir` with a `/` after it (empty for the descriptor's folder).
    dir: String,
    kind: Option<Kind>,
    framework: Option<Framework>,
    platform: Option<Platform>,
    /// Its `database`, when it names one.
    database: Option<String>,
}

/// The targets of a descriptor whose text is `text`, from their `dir`, `framework` and
/// `platform` fields alone (before `${NAME}` can be resolved; a descriptor that does not parse
/// has none), each `dir` in its normal form (`./web/` is `web/`). A `dir` that leaves the
/// project (`crate::project_path::normalize`: absolute, `..` out of it, into `.git`, a
/// control character) or is interpolated is left out: the plan reports it, and nothing is
/// read from outside the project.
fn target_shapes(text: &str) -> Vec<TargetShape> {
    // Only a descriptor with a target needs parsing: the common case is not parsed twice.
    if !text.contains("target") {
        return Vec::new();
    }
    text.parse::<toml::Table>()
        .map(|root| shapes_of(&root))
        .unwrap_or_default()
}

/// EAS Build's configuration file in an Expo app (`crate::eas` reads it).
pub(crate) const EAS_FILE: &str = "eas.json";

/// The `eas.json` paths (relative to the descriptor's folder, each once) of the Expo apps of
/// the descriptor whose text is `text`: the folders of its targets on `platform = "expo"` or
/// written with `framework = "expo"`, where EAS Build reads its profiles' variables.
#[must_use]
pub(crate) fn eas_files(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in target_shapes(text) {
        let expo = t.platform == Some(Platform::Expo) || t.framework == Some(Framework::Expo);
        let path = format!("{}{EAS_FILE}", t.dir);
        if expo && !out.contains(&path) {
            out.push(path);
        }
    }
    out
}

/// [`target_shapes`] of a descriptor already parsed.
/// A target folder as the env files read for it are filed (`crate::interpolate::Env`): its
/// `dir` in normal form with a `/` after it, empty for the descriptor's folder (`.`).
#[must_use]
pub(crate) fn folder_key(dir: &str) -> String {
    if dir == "." {
        String::new()
    } else {
        format!("{dir}/")
    }
}

fn shapes_of(root: &toml::Table) -> Vec<TargetShape> {
    let Some(targets) = root.get("target").and_then(|t| t.as_table()) else {
        return Vec::new();
    };
    targets
        .iter()
        .filter_map(|(name, t)| Some((name, t.as_table()?)))
        .filter_map(|(name, target)| {
            let field = |name: &str| target.get(name).and_then(|v| v.as_str());
            let dir = field("dir").unwrap_or("");
            // In its normal form, as the plan checks it (`dir-outside-project`): nothing is
            // read from a folder the plan refuses.
            let dir = crate::project_path::normalize(dir)
                .ok()
                .filter(|d| !d.contains("${") && !d.contains('\\'))?;
            Some(TargetShape {
                name: name.clone(),
                dir: folder_key(&dir),
                kind: field("kind").and_then(Kind::parse),
                framework: field("framework").and_then(Framework::parse),
                platform: field("platform").and_then(Platform::parse),
                database: field("database").map(str::to_owned),
            })
        })
        .collect()
}

/// The env files read beside a descriptor whose text is `text` (paths relative to its
/// folder), first found wins: for each target, in its `dir`, the files its framework reads
/// (Next.js's order), those of its platform (`Platform::convention_env_files`: Vercel's
/// `.env.local`, which `vercel env pull` writes, `wrangler dev`'s `.dev.vars`, Supabase's
/// `supabase/functions/.env`) and `.env`; then `.env` beside the descriptor in any case. Read
/// from the descriptor's `dir`, `framework` and `platform` fields alone, before `${NAME}` can
/// be resolved; `crate::project` reads the descriptor.
///
/// Each comes with the target folder it is read for (a `dir` with a `/` after it, empty for
/// the descriptor's folder): `web/.env.local` for `web/`, and Supabase's
/// `supabase/functions/.env` for the target's `dir`, not for the folder the file is in;
/// `None` for the `.env` beside the descriptor, which is read for every target. A database
/// reads the files of its own targets' folders (`crate::interpolate::Scope`).
#[must_use]
pub(crate) fn convention_env_files_by_folder(text: &str) -> Vec<(String, Option<String>)> {
    let mut files: Vec<(String, Option<String>)> = Vec::new();
    for t in target_shapes(text) {
        let names = t
            .framework
            .map_or(&[][..], |f| f.facts().env_files)
            .iter()
            .copied()
            .chain(
                t.platform
                    .into_iter()
                    .flat_map(Platform::convention_env_files),
            )
            .chain([".env"]);
        files.extend(names.map(|name| {
            let path = format!("{}{name}", t.dir);
            let folder = (path != ".env").then(|| t.dir.clone());
            (path, folder)
        }));
    }
    files.push((".env".to_owned(), None));
    // A set, not a list: a monorepo of thousands of apps has thousands of files.
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    files.retain(|(f, _)| seen.insert(f.clone()));
    files
}

/// The targets of the descriptor whose text is `text`, each as (name, `dir` with a `/` after
/// it, empty for the descriptor's folder): where `init` finds a folder already described.
#[must_use]
pub(crate) fn target_folders(text: &str) -> Vec<(String, String)> {
    target_shapes(text)
        .into_iter()
        .map(|t| (t.name, t.dir))
        .collect()
}

/// The target folders of a descriptor (`dir` with a `/` after it, as
/// [`convention_env_files_by_folder`] names them), which decide the env files a `${NAME}` is
/// read from.
#[derive(Debug, Default)]
pub(crate) struct Folders {
    /// For each database, the folders of the targets that use it: a target's `database`, or
    /// the only database when it names none. A database no target uses is not listed.
    pub by_database: std::collections::HashMap<String, Vec<String>>,
    /// Each target's own folder.
    pub by_target: std::collections::HashMap<String, String>,
}

/// The [`Folders`] of the descriptor whose text is `text`.
#[must_use]
pub(crate) fn folders(text: &str) -> Folders {
    let mut out = Folders::default();
    let Ok(root) = text.parse::<toml::Table>() else {
        return out;
    };
    let only = root
        .get("database")
        .and_then(|d| d.as_table())
        .filter(|d| d.len() == 1)
        .and_then(|d| d.keys().next().cloned());
    let mut seen = std::collections::HashSet::new();
    for t in shapes_of(&root) {
        if let Some(db) = t.database.or_else(|| only.clone())
            && seen.insert((db.clone(), t.dir.clone()))
        {
            out.by_database.entry(db).or_default().push(t.dir.clone());
        }
        out.by_target.insert(t.name, t.dir);
    }
    out
}

/// The env files `generate` writes the values of the targets of `text` into (paths relative
/// to the descriptor's folder, each once): the one a target's platform decides
/// (`Platform::target_env_file`), else its framework's, else `.env`, in its `dir`. What a
/// variable that is not set is told to go into.
#[must_use]
pub(crate) fn written_env_files(text: &str) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for t in target_shapes(text) {
        let name = t
            .platform
            .and_then(|p| p.target_env_file(t.kind, t.framework))
            .or(t.framework.map(|f| f.facts().env_file))
            .unwrap_or(".env");
        let path = format!("{}{name}", t.dir);
        if seen.insert(path.clone()) {
            files.push(path);
        }
    }
    if files.is_empty() {
        files.push(".env".to_owned());
    }
    files
}

impl Facts {
    /// Whether the framework's own Redis client can use the REST API ([`Facts::speaks_rest`]).
    #[must_use]
    pub(crate) fn speaks_rest(&self) -> bool {
        self.speaks_rest
    }
}

impl Framework {
    /// Its row of the table.
    #[must_use]
    pub(crate) fn facts(self) -> &'static Facts {
        // The table is in `ALL`'s order (a test holds it): the index is the variant's.
        &TABLE[self as usize]
    }
}

/// `upwire explain framework`: the table in words.
#[must_use]
pub(crate) fn explain() -> String {
    let mut out = String::from(
        "topic `framework`\n\n`framework = \"...\"` says what code a target is. It decides which env file `generate` \
writes and which ones upwire reads by default, where a starter goes and how it reads its \
variables, which kinds of code the framework runs as (a kind it does not run as is \
`kind-framework-mismatch`), and the test command of the CI job. Several targets may share a \
folder: a Next.js app's route handlers (`kind = \"lambda\"`) and middleware (`kind = \"edge\"`) \
are two targets with one `dir`.\n\n",
    );
    for f in TABLE {
        let kinds: Vec<&str> = f.kinds.iter().map(|k| k.as_str()).collect();
        let starter = match f.starter {
            Some((path, _)) => path.to_owned(),
            None if f.language == Language::Rust => "src/redis_client.rs".to_owned(),
            None => "none (REDIS.md shows the settings)".to_owned(),
        };
        let needs = if f.needs.is_empty() {
            String::new()
        } else {
            let needs: Vec<&str> = f.needs.iter().map(|n| n.as_str()).collect();
            format!("; needs: {} (TCP)", needs.join(", "))
        };
        out.push_str(&format!(
            "  {}\n    runs as: {}{needs}; writes {}; reads {}\n    starter: {}; tests: {}\n    source: {}\n",
            f.framework,
            kinds.join(", "),
            f.env_file,
            f.env_files.join(", "),
            starter,
            f.language.test_command(),
            f.source,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_framework_in_order() {
        assert_eq!(TABLE.len(), Framework::ALL.len());
        for (row, f) in TABLE.iter().zip(Framework::ALL) {
            assert_eq!(row.framework, *f);
            assert_eq!(f.facts().framework, *f);
            assert!(
                row.env_files.contains(&row.env_file),
                "{f} writes a file it reads"
            );
            assert!(!row.kinds.is_empty() && !row.source.is_empty());
            assert_eq!(
                row.starter.is_some(),
                row.language == Language::JavaScript
                    && !matches!(f, Framework::Express | Framework::BullMq),
                "{f}: TypeScript starters for JavaScript frameworks that use REST clients"
            );
        }
    }

    /// The job queues wait for jobs in blocking commands, so they need TCP whatever the
    /// target says; nothing else implies a need.
    #[test]
    fn job_queues_imply_blocking() {
        for f in Framework::ALL {
            let queue = matches!(
                f,
                Framework::BullMq | Framework::Celery | Framework::Sidekiq
            );
            assert_eq!(
                f.facts().needs,
                if queue { &[Need::Blocking][..] } else { &[] },
                "{f}"
            );
        }
        let bullmq = Framework::BullMq.facts();
        assert_eq!(bullmq.language, Language::JavaScript);
        assert_eq!(bullmq.kinds, &[Kind::Server, Kind::Container]);
        assert_eq!(bullmq.env_file, ".env");
        assert_eq!(Framework::parse("bullmq"), Some(Framework::BullMq));
        assert!(explain().contains("  bullmq\n    runs as: server, container;"));
        assert!(explain().contains("needs: blocking"));
    }

    /// The env files read by default come from the frameworks, then the platforms' own
    /// (Vercel's pulled `.env.local`, `wrangler dev`'s `.dev.vars`, Supabase's functions file),
    /// then `.env`, each once, in each target's `dir`, then `.env` beside the descriptor.
    #[test]
    fn env_files_loaded_together_rank_as_nextjs_loads_them() {
        assert_eq!(
            load_rank(".env.development.local"),
            Some((Some("development"), 0))
        );
        assert_eq!(load_rank(".env.local"), Some((None, 1)));
        assert_eq!(load_rank(".env.production"), Some((Some("production"), 2)));
        assert_eq!(load_rank(".env"), Some((None, 3)));
        for other in [
            ".env.example",
            ".env.local.example",
            ".dev.vars",
            "prod.env",
            ".envrc",
        ] {
            assert_eq!(load_rank(other), None, "{other}");
        }
    }

    fn convention_env_files(text: &str) -> Vec<String> {
        convention_env_files_by_folder(text)
            .into_iter()
            .map(|(file, _)| file)
            .collect()
    }

    #[test]
    fn convention_env_files_follow_frameworks_then_platforms() {
        let target =
            |fields: &str| format!("[database.main]\n\n[target.t]\nkind = \"edge\"\n{fields}");
        assert_eq!(convention_env_files(&target("")), [".env"]);
        assert_eq!(
            convention_env_files(&target("platform = \"vercel\"\n")),
            [".env.local", ".env"]
        );
        assert_eq!(
            convention_env_files(&target("platform = \"supabase\"\n")),
            ["supabase/functions/.env", ".env"]
        );
        assert_eq!(
            convention_env_files(&target(
                "platform = \"vercel\"\nframework = \"sveltekit\"\n"
            )),
            [
                ".env.development.local",
                ".env.development",
                ".env.local",
                ".env"
            ]
        );
        assert_eq!(
            convention_env_files(&target("platform = \"netlify\"\n")),
            [".env"]
        );
        // `wrangler dev` reads `.dev.vars` whatever the framework.
        for fields in ["", "framework = \"hono\"\n", "framework = \"sveltekit\"\n"] {
            let files =
                convention_env_files(&target(&format!("platform = \"cloudflare\"\n{fields}")));
            assert!(
                files.contains(&".dev.vars".to_owned()),
                "{fields}: {files:?}"
            );
        }
        // A target's folder is where its framework reads.
        assert_eq!(
            convention_env_files(&target("dir = \"web\"\nframework = \"nextjs\"\n")),
            [
                "web/.env.development.local",
                "web/.env.local",
                "web/.env.development",
                "web/.env",
                ".env"
            ]
        );
        // Nothing outside the project.
        assert_eq!(
            convention_env_files(&target("dir = \"../other\"\nframework = \"nextjs\"\n")),
            [".env"]
        );
        assert_eq!(
            written_env_files(&target("dir = \"web/\"\nframework = \"nextjs\"\n")),
            ["web/.env.local"]
        );
        assert_eq!(
            written_env_files(&target("platform = \"cloudflare\"\nframework = \"hono\"\n")),
            [".dev.vars"]
        );
        assert_eq!(written_env_files(&target("")), [".env"]);
    }

    #[test]
    fn explain_names_every_framework() {
        let text = explain();
        for f in Framework::ALL {
            assert!(text.contains(&format!("  {f}\n")), "{f}");
        }
    }
}
