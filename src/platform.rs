//! The platform table: per platform, the files `generate` writes for a target, whether each
//! holds secrets, how values are quoted in it and the template that renders it. `generate`
//! renders every platform file from its row alone (a test holds it to the table), the guide
//! lists them, and docs/descriptor.md's tables are rendered from it. What else a new platform
//! touches is ARCHITECTURE.md's change map (the compiler lists every `match` over `Platform`).

use crate::envfile::dotenv_value;
use crate::model::{Framework, Kind, Platform};
use crate::template::{self, FileView};

/// How values are written into a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quoting {
    /// As dotenv reads them (`KEY="..."` when needed).
    Dotenv,
    /// JSON strings ([`crate::quote::json`]).
    Json,
    /// YAML double-quoted scalars ([`crate::quote::yaml`]).
    Yaml,
    /// TOML basic strings ([`crate::quote::toml`]).
    Toml,
    /// As they are (Docker env files take no quotes).
    Raw,
    /// Names only, no values (scripts that read `.env` at run time).
    NamesOnly,
}

impl Quoting {
    /// `value` as written in such a file; `None` when it cannot be (a line break where
    /// values are taken as they are).
    pub(crate) fn quote(self, value: &str) -> Option<String> {
        match self {
            Quoting::Dotenv => Some(dotenv_value(value)),
            Quoting::Json => Some(crate::quote::json(value)),
            Quoting::Yaml => Some(crate::quote::yaml(value)),
            Quoting::Toml => Some(crate::quote::toml(value)),
            Quoting::Raw => (!value.contains(['\n', '\r'])).then(|| value.to_owned()),
            Quoting::NamesOnly => Some(String::new()),
        }
    }
}

/// One file a platform gets.
#[derive(Debug, Clone, Copy)]
pub struct PlatformFile {
    /// Its path, relative to the target's `dir`.
    pub path: &'static str,
    /// Whether it holds secret values (mode 0600, never committed).
    pub secret: bool,
    /// How values are quoted in it.
    pub quoting: Quoting,
    /// What it is for, for the guide and docs/descriptor.md.
    pub note: &'static str,
    /// Its template (`templates/`), which sees the values quoted as `quoting` says.
    pub(crate) render: fn(&FileView<'_>) -> String,
}

const fn file(
    path: &'static str,
    secret: bool,
    quoting: Quoting,
    render: fn(&FileView<'_>) -> String,
    note: &'static str,
) -> PlatformFile {
    PlatformFile {
        path,
        secret,
        quoting,
        note,
        render,
    }
}

const DOCKER_FILES: &[PlatformFile] = &[file(
    "docker.env",
    true,
    Quoting::Raw,
    template::docker_env,
    "`docker run --env-file docker.env`",
)];

const KUBERNETES_FILES: &[PlatformFile] = &[file(
    "redis-secret.yaml",
    true,
    Quoting::Yaml,
    template::kubernetes_secret,
    "a `Secret` with `stringData`: `kubectl apply -f redis-secret.yaml`",
)];

const CLOUDFLARE_FILES: &[PlatformFile] = &[file(
    "wrangler.redis.toml",
    false,
    Quoting::Toml,
    template::wrangler,
    "a `[vars]` snippet without the token (set it with `wrangler secret put`)",
)];

const AWS_LAMBDA_FILES: &[PlatformFile] = &[file(
    "lambda-env.json",
    true,
    Quoting::Json,
    template::lambda_env,
    "`aws lambda update-function-configuration --environment file://lambda-env.json` replaces the function's whole environment: merge first (REDIS.md shows how)",
)];

const FLY_FILES: &[PlatformFile] = &[file(
    "fly-secrets.env",
    true,
    Quoting::Dotenv,
    template::fly_secrets,
    "`fly secrets import < fly-secrets.env`",
)];

const VERCEL_FILES: &[PlatformFile] = &[file(
    "vercel-env.sh",
    false,
    Quoting::NamesOnly,
    template::vercel_env,
    "sets the variables with `vercel env add`, reading the values from the folder's env file (not written when the Vercel Marketplace integration manages every variable)",
)];

const NETLIFY_FILES: &[PlatformFile] = &[file(
    "netlify-env.sh",
    false,
    Quoting::NamesOnly,
    template::netlify_env,
    "sets the variables in every deploy context with `netlify env:import` (through a private temporary file, never on a command line), reading the values from the folder's env file",
)];

/// Railway CLI (railwayapp/cli, src/commands/variable.rs): `railway variable set KEY --stdin`
/// reads one value from stdin; `--skip-deploys` leaves the redeploy to the last one.
const RAILWAY_FILES: &[PlatformFile] = &[file(
    "railway-env.sh",
    false,
    Quoting::NamesOnly,
    template::railway_env,
    "sets the service's variables with `railway variable set NAME --stdin` (each value on stdin, never on a command line), reading the values from the env file",
)];

/// Render Blueprint spec (render.com/docs/blueprint-spec): a service's `envVars`, where
/// `sync: false` makes Render ask for the value in the Dashboard instead of the file holding it.
const RENDER_FILES: &[PlatformFile] = &[file(
    "render.redis.yaml",
    false,
    Quoting::Yaml,
    template::render_env,
    "an `envVars` snippet for render.yaml: secrets as `sync: false` (Render asks for their values in the Dashboard), never their values",
)];

/// `deno deploy env load FILE` (docs.deno.com, runtime/reference/cli/deploy): loads a `.env`
/// file into the app; names with TOKEN, KEY, SECRET or PASSWORD become secrets, and
/// `--non-secrets NAME...` keeps the others plain text.
const DENO_DEPLOY_FILES: &[PlatformFile] = &[file(
    "deno-deploy-env.sh",
    false,
    Quoting::NamesOnly,
    template::deno_deploy_env,
    "sets the app's variables with `deno deploy env load` (through a private temporary file, never on a command line), reading the values from the env file",
)];

/// Supabase docs, Edge Functions environment variables (supabase.com/docs/guides/functions/
/// secrets): `supabase secrets set --env-file FILE`; `supabase start` and `supabase functions
/// serve` read `supabase/functions/.env` locally.
const SUPABASE_FILES: &[PlatformFile] = &[file(
    "supabase-secrets.sh",
    false,
    Quoting::NamesOnly,
    template::supabase_secrets,
    "sets the project's Edge Function secrets with `supabase secrets set --env-file` (through a private temporary file, never on a command line), reading the values from `supabase/functions/.env`",
)];

/// One platform's row of the table.
struct Row {
    /// Its own files.
    files: &'static [PlatformFile],
    /// The env file its own tooling reads for local runs, where it has one.
    env_file: Option<&'static str>,
    /// The env file its local runtime reads into the variables it hands the code, for code
    /// that reads them from the runtime rather than through a dev server of its own.
    runtime_env_file: Option<&'static str>,
    /// The env file its CLI pulls the deployed variables into, where it has one: read by
    /// default beside a descriptor with a target on the platform.
    pulled: Option<&'static str>,
    /// The prefix its bundler needs on a variable's name.
    env_prefix: &'static str,
}

/// A row with these files, no env file of its own and no prefix.
const fn row(files: &'static [PlatformFile]) -> Row {
    Row {
        files,
        env_file: None,
        runtime_env_file: None,
        pulled: None,
        env_prefix: "",
    }
}

impl Platform {
    /// Its row: one arm per platform, so the compiler lists this place for a new one.
    fn row(self) -> Row {
        match self {
            Platform::Generic => row(&[]),
            Platform::Docker => row(DOCKER_FILES),
            Platform::Kubernetes => row(KUBERNETES_FILES),
            Platform::Fly => row(FLY_FILES),
            Platform::AwsLambda => row(AWS_LAMBDA_FILES),
            // `vercel env pull` writes `.env.local` by default (Vercel CLI docs, `vercel env`).
            Platform::Vercel => Row {
                pulled: Some(".env.local"),
                ..row(VERCEL_FILES)
            },
            Platform::Netlify => row(NETLIFY_FILES),
            // `wrangler dev` (and the Vite plugin) read a Worker's local secrets from
            // `.dev.vars` beside the Wrangler configuration into the `env` the Worker gets;
            // "choose to use either .dev.vars or .env but not both: if you define a .dev.vars
            // file, then values in .env files will not be included" (Cloudflare docs,
            // developers.cloudflare.com/workers/local-development/environment-variables/). So
            // a Worker's values go into `.dev.vars`, never a second `.env` beside it.
            Platform::Cloudflare => Row {
                runtime_env_file: Some(".dev.vars"),
                ..row(CLOUDFLARE_FILES)
            },
            // Expo inlines only `EXPO_PUBLIC_*` into the app.
            Platform::Expo => Row {
                env_prefix: crate::family::EXPO_PUBLIC,
                ..row(&[])
            },
            Platform::Railway => row(RAILWAY_FILES),
            Platform::Render => row(RENDER_FILES),
            Platform::DenoDeploy => row(DENO_DEPLOY_FILES),
            Platform::Supabase => Row {
                env_file: Some("supabase/functions/.env"),
                ..row(SUPABASE_FILES)
            },
        }
    }

    /// The platform's own files, besides `.env`, `.env.example` and the starter client.
    #[must_use]
    pub fn files(self) -> &'static [PlatformFile] {
        self.row().files
    }

    /// The env file the platform's own tooling reads for local runs, where the platform has
    /// one wherever the code is: Supabase's `supabase start` and `supabase functions serve`
    /// load `supabase/functions/.env` (Supabase docs, Edge Functions environment variables).
    /// `None` leaves it to the framework (`.env` without one).
    #[must_use]
    pub(crate) fn env_file(self) -> Option<&'static str> {
        self.row().env_file
    }

    /// The env file of a target on this platform whose framework is `framework`, where the
    /// platform decides it: its own tooling's ([`Platform::env_file`], Supabase's), else its
    /// local runtime's (`wrangler dev`'s `.dev.vars`) for code that reads its variables from
    /// the runtime (no framework, Hono, a Worker: `Facts::runtime_env`). `None` leaves it to
    /// the framework.
    /// A container (Cloudflare Containers: a native process) reads its own environment, not
    /// the Worker's.
    #[must_use]
    pub(crate) fn target_env_file(
        self,
        kind: Option<Kind>,
        framework: Option<Framework>,
    ) -> Option<&'static str> {
        let row = self.row();
        row.env_file.or_else(|| {
            row.runtime_env_file.filter(|_| {
                kind != Some(Kind::Container) && framework.is_none_or(|f| f.facts().runtime_env)
            })
        })
    }

    /// The env files read by default beside a descriptor with a target on this platform:
    /// the one its CLI pulls the variables into (Vercel's `.env.local`), then the one its own
    /// tooling reads ([`Platform::env_file`]), then the one its local runtime reads
    /// (Cloudflare's `.dev.vars`, whatever the framework: `wrangler dev` reads it).
    pub(crate) fn convention_env_files(self) -> impl Iterator<Item = &'static str> {
        let row = self.row();
        row.pulled
            .into_iter()
            .chain(row.env_file)
            .chain(row.runtime_env_file)
    }

    /// The prefix the platform's bundler needs on a variable's name to hand it to the app
    /// (Expo inlines only `EXPO_PUBLIC_*`; anything else is undefined at run time); the
    /// target's `env_prefix` by default.
    #[must_use]
    pub(crate) fn default_env_prefix(self) -> &'static str {
        self.row().env_prefix
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::SourceFile;
    use crate::interpolate::Env;
    use crate::model::Kind;

    /// The platforms that run long-lived processes get TCP by default, the Deno isolates REST;
    /// Supabase's env file is its own.
    #[test]
    fn the_new_platforms_run_what_their_docs_say() {
        use crate::model::Transport;
        for (platform, kinds) in [
            (Platform::Railway, &[Kind::Server, Kind::Container][..]),
            (Platform::Render, &[Kind::Server, Kind::Container][..]),
            (Platform::DenoDeploy, &[Kind::Edge][..]),
            (Platform::Supabase, &[Kind::Edge][..]),
        ] {
            assert_eq!(platform.runs().0, kinds, "{platform}");
            for kind in kinds {
                let tcp = kind.transports(Some(platform)).contains(&Transport::Tcp);
                assert_eq!(tcp, *kind != Kind::Edge, "{kind} on {platform}");
            }
            assert_eq!(platform.files().len(), 1, "{platform}");
            assert!(!platform.files()[0].secret, "{platform}: no secret file");
        }
        assert_eq!(
            Platform::Supabase.env_file(),
            Some("supabase/functions/.env")
        );
        assert_eq!(Platform::DenoDeploy.env_file(), None);
        assert_eq!(Platform::parse("deno-deploy"), Some(Platform::DenoDeploy));
    }

    /// `generate` writes exactly the table's files for every platform, with its secrecy.
    #[test]
    fn generate_writes_what_the_table_says() {
        for &platform in Platform::ALL {
            // The kind `init` pairs with the platform, else the first kind it runs: a new
            // platform needs no line here.
            let kind = Kind::ALL
                .iter()
                .find(|k| k.init_example().0 == Some(platform))
                .unwrap_or(&platform.runs().0[0])
                .as_str();
            let text = format!(
                "[database.main]\nredis_url = \"${{U}}\"\nrest_url = \"https://eu1-cat.upstash.io\"\nrest_token = \"${{T}}\"\nrest_readonly_token = \"${{R}}\"\n\n[target.t]\nkind = \"{kind}\"\nplatform = \"{platform}\"\n"
            );
            let env = Env::from_pairs([
                ("U", "rediss://default:AXpw@eu1-cat.upstash.io:6379"),
                ("T", "AXtoken"),
                ("R", "AoReadonly"),
            ]);
            let r = crate::plan::resolve(SourceFile::new("upwire.toml", text), &env);
            let mut diags = Vec::new();
            let mut files: Vec<(String, bool)> = crate::generate::artifacts(&r.plan, &mut diags)
                .into_iter()
                .map(|a| (a.path.display().to_string(), a.secret))
                .filter(|(p, _)| {
                    platform.target_env_file(None, None) != Some(p.as_str())
                        && ![
                            ".env",
                            ".env.local",
                            ".env.example",
                            "src/redis_client.rs",
                            "lib/redis.ts",
                            "redis.ts",
                            "supabase/functions/_shared/redis.ts",
                            "REDIS.md",
                            crate::ci_serve::PATH,
                        ]
                        .contains(&p.as_str())
                })
                .collect();
            files.sort();
            let mut want: Vec<(String, bool)> = platform
                .files()
                .iter()
                .map(|f| (f.path.to_owned(), f.secret))
                .collect();
            want.sort();
            assert_eq!(files, want, "{platform}: {diags:?}");
        }
    }
}
