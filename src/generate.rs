//! Plan → files. Pure: every file is rendered from an askama template in `templates/` into a
//! string; [`crate::write`] decides what reaches the disk.

use std::path::PathBuf;

use askama::Template;

use crate::capability::{DenoHost, JsHost};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Severity};
use crate::envfile::dotenv_value;
use crate::family::public_prefix;
use crate::model::{Access, Kind, Platform, Transport};
use crate::plan::{EnvVar, Plan, TargetPlan};
use crate::platform::Quoting;
use crate::secret::{SecretKind, Sensitive, url_password_range};
use crate::starter_client::Starter;
use crate::template::{self, FileView, Var, render};

/// How a file may be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WritePolicy {
    /// Always replace (the file is entirely upwire's).
    Replace,
    /// Create when absent; replace only with `--force` (user code).
    CreateOnly,
    /// Merge into an existing env file: replace the managed keys, keep every other line.
    MergeEnv(Vec<(String, String)>),
}

/// A file `generate` wants to write.
#[derive(Clone, PartialEq, Eq)]
pub struct Artifact {
    /// Path relative to the descriptor's directory.
    pub path: PathBuf,
    /// The complete contents (for [`WritePolicy::MergeEnv`], the contents of a new file).
    pub contents: String,
    /// Whether it holds secrets (mode 0600, must be git-ignored, masked in `--dry-run`).
    pub secret: bool,
    /// How to write it.
    pub policy: WritePolicy,
    /// The target it belongs to (`None` for the guide).
    pub target: Option<String>,
}

/// The starter client over TCP (`templates/redis_client_tcp.rs`).
#[derive(Template)]
#[template(path = "redis_client_tcp.rs", escape = "none")]
struct TcpClientTemplate<'a> {
    target: &'a str,
    /// `//!` for a module file, `//` inside `include!` (where inner docs are not allowed).
    doc: &'static str,
    for_include: bool,
    url_var: &'a str,
    /// The optional variable naming a PEM file with a private CA.
    ca_var: String,
    dependencies: &'static [&'static str],
}

/// The starter client over the Upstash REST API (`templates/redis_client_rest.rs`).
#[derive(Template)]
#[template(path = "redis_client_rest.rs", escape = "none")]
struct RestClientTemplate<'a> {
    target: &'a str,
    doc: &'static str,
    for_include: bool,
    read_only: bool,
    url_var: &'a str,
    token_var: &'a str,
    dependencies: &'static [&'static str],
}

/// The starter client for Cloudflare Workers in Rust (`templates/redis_client_worker.rs`).
#[derive(Template)]
#[template(path = "redis_client_worker.rs", escape = "none")]
struct WorkerClientTemplate<'a> {
    target: &'a str,
    doc: &'static str,
    for_include: bool,
    read_only: bool,
    url_var: &'a str,
    token_var: &'a str,
    dependencies: &'static [&'static str],
}

/// The starter module for JavaScript runtimes (`templates/redis.ts`).
#[derive(Template)]
#[template(path = "redis.ts", escape = "none")]
struct TypeScriptTemplate<'a> {
    target: &'a str,
    /// `edge on vercel`, for the header.
    runtime: String,
    read_only: bool,
    /// An app (its bundle ships to every device).
    mobile: bool,
    /// The variables carry a public prefix (the bundler inlines them).
    public: bool,
    /// The standard names, which `Redis.fromEnv()` reads.
    from_env: bool,
    /// Where the variables are read: `import.meta.env` under Vite's `VITE_` prefix (Vite
    /// defines no `process.env`), else `process.env`.
    env_object: &'static str,
    /// Where its host keeps variables: `node` (`process.env`), `sveltekit`
    /// (`$env/dynamic/private`), `deno` (`env_get`), `cloudflare` (the Worker's `env`).
    host: &'static str,
    /// In a Deno isolate: the call that reads a variable (`Deno.env.get`, `Netlify.env.get`),
    /// where `@upstash/redis` comes from, and how a function imports the module.
    env_get: &'static str,
    import: &'static str,
    usage_import: &'static str,
    url_var: &'a str,
    token_var: &'a str,
}

/// Renders the starter client of a target (`Starter::of` says which); `None` when its
/// transport is undecided, it gets none, or its variables are missing. Secrets never reach
/// it: it names the variables, not their values.
fn client(t: &TargetPlan, for_include: bool) -> Option<String> {
    client_named(t, &t.name, for_include)
}

/// [`client`], its header naming `name` (the targets that share it).
fn client_named(t: &TargetPlan, name: &str, for_include: bool) -> Option<String> {
    let starter = Starter::for_target(t)?.ok()?;
    let url_var = t.env.first()?.name.as_str();
    let doc = if for_include { "//" } else { "//!" };
    let dependencies = starter.dependencies();
    let read_only = t.access == Access::ReadOnly;
    Some(match starter {
        Starter::Native(Transport::Tcp) => render(&TcpClientTemplate {
            target: name,
            doc,
            for_include,
            url_var,
            ca_var: ca_var(url_var),
            dependencies,
        }),
        Starter::Native(Transport::Rest) => render(&RestClientTemplate {
            target: name,
            doc,
            for_include,
            read_only,
            url_var,
            token_var: &t.env.get(1)?.name,
            dependencies,
        }),
        Starter::Worker => render(&WorkerClientTemplate {
            target: name,
            doc,
            for_include,
            read_only,
            url_var,
            token_var: &t.env.get(1)?.name,
            dependencies,
        }),
        // Not for `include!`: `build.rs` refuses a JavaScript target before asking.
        Starter::TypeScript(_) if for_include => return None,
        Starter::TypeScript(host) => {
            let token_var = &t.env.get(1)?.name;
            render(&TypeScriptTemplate {
                target: name,
                runtime: runtime_label(t.kind, t.platform),
                read_only,
                mobile: t.kind == Some(Kind::Mobile) || t.platform == Some(Platform::Expo),
                public: public_prefix(url_var).is_some(),
                // `Redis.fromEnv()` reads the Upstash names before the Marketplace's
                // (`crate::family::READERS`): a Marketplace target names its own.
                from_env: url_var == crate::family::UPSTASH_REST_URL
                    && token_var == crate::family::UPSTASH_REST_TOKEN,
                env_object: if public_prefix(url_var) == Some(crate::family::VITE_PUBLIC) {
                    "import.meta.env"
                } else {
                    "process.env"
                },
                host: match host {
                    JsHost::Node => "node",
                    JsHost::SvelteKit => "sveltekit",
                    JsHost::Deno(_) => "deno",
                    JsHost::Cloudflare => "cloudflare",
                },
                env_get: match host {
                    JsHost::Deno(d) => d.env_get(),
                    JsHost::Node | JsHost::SvelteKit | JsHost::Cloudflare => "",
                },
                import: match host {
                    JsHost::Deno(d) => d.import(),
                    JsHost::Node | JsHost::SvelteKit | JsHost::Cloudflare => "@upstash/redis",
                },
                usage_import: match host {
                    JsHost::Deno(DenoHost::Supabase) => {
                        "import { redis } from \"../_shared/redis.ts\"; // in supabase/functions/<name>/index.ts"
                    }
                    JsHost::Deno(DenoHost::DenoDeploy) => {
                        "import { redis } from \"./redis.ts\"; // Deno imports name the extension"
                    }
                    JsHost::SvelteKit => {
                        "import { redis } from \"$lib/server/redis\"; // server code only: +page.server.ts, +server.ts"
                    }
                    JsHost::Deno(DenoHost::NetlifyEdge) | JsHost::Node | JsHost::Cloudflare => {
                        "import { redis } from \"@/lib/redis\"; // or a relative path"
                    }
                },
                url_var,
                token_var,
            })
        }
    })
}

/// `edge on vercel`, `mobile`, `vercel`: what a target runs on, in words.
fn runtime_label(kind: Option<Kind>, platform: Option<Platform>) -> String {
    match (kind, platform) {
        (Some(k), Some(p)) => format!("{k} on {p}"),
        (Some(k), None) => k.to_string(),
        (None, Some(p)) => p.to_string(),
        (None, None) => "JavaScript".to_owned(),
    }
}

/// `REDIS_URL` → `REDIS_CA_FILE`, keeping any prefix (`APP_REDIS_URL` → `APP_REDIS_CA_FILE`).
fn ca_var(url_var: &str) -> String {
    format!(
        "{}_CA_FILE",
        url_var.strip_suffix("_URL").unwrap_or(url_var)
    )
}

/// The `.env.example` value: the real shape with every secret part replaced by a
/// placeholder (the password by `<PASSWORD>`, a `?_token=` or fragment by `<SECRET>`).
fn placeholder(var: &EnvVar, access: Access) -> String {
    match (var.secret, var.value.as_ref()) {
        (SecretKind::Token, _) => {
            if access == Access::ReadOnly || var.name.contains("READONLY") {
                "<READONLY_TOKEN>".to_owned()
            } else {
                "<TOKEN>".to_owned()
            }
        }
        (SecretKind::Url | SecretKind::Public, Some(v)) => {
            let raw = v.expose_secret();
            let password = url_password_range(raw);
            let mut out = String::with_capacity(raw.len());
            let mut pos = 0;
            for r in v.secret_ranges() {
                out.push_str(&raw[pos..r.start]);
                out.push_str(if password.as_ref() == Some(r) {
                    "<PASSWORD>"
                } else {
                    "<SECRET>"
                });
                pos = r.end;
            }
            out.push_str(&raw[pos..]);
            out
        }
        (SecretKind::Url, None) if var.name.ends_with("REST_URL") => "https://<HOST>".to_owned(),
        (SecretKind::Url, None) => "rediss://default:<PASSWORD>@<HOST>:6379".to_owned(),
        (SecretKind::Public, None) => String::new(),
    }
}

/// Whether a variable is secret as a whole in platform files (URLs with any secret part
/// are).
fn is_secret(var: &EnvVar) -> bool {
    match var.secret {
        SecretKind::Token => true,
        SecretKind::Url | SecretKind::Public => {
            var.value.as_ref().is_none_or(Sensitive::has_secret)
        }
    }
}

impl Var {
    fn new(var: &EnvVar, value: String) -> Self {
        Self {
            name: var.name.clone(),
            value,
            secret: is_secret(var),
        }
    }
}

/// `file` in the target directory `dir`.
pub(crate) fn join(dir: &str, file: &str) -> PathBuf {
    if dir.is_empty() || dir == "." {
        PathBuf::from(file)
    } else {
        PathBuf::from(dir).join(file)
    }
}

/// Renders every file for every target, plus the guide. Targets that share a `dir` share its
/// files: one env file with the union of their variables, one starter per language and
/// transport, one set of platform files (the plan has refused a folder whose targets need
/// different values under one name: `dir-conflict`). Targets that cannot be generated are
/// reported in `diags` (notes and errors) and get no files.
#[must_use]
pub fn artifacts(plan: &Plan, diags: &mut Vec<Diagnostic>) -> Vec<Artifact> {
    let mut out = Vec::new();
    // In the order of their directories, as the files are listed; within a folder, in the
    // descriptor's order.
    let mut folders: std::collections::BTreeMap<&str, Vec<&TargetPlan>> = Default::default();
    for t in &plan.targets {
        // The plan has reported why (`dir-outside-project`, `dir-conflict`, `invalid-name`).
        if let Some(why) = t.blocked {
            diags.push(skipped(t, why));
            continue;
        }
        if generated(t, diags) {
            folders.entry(t.dir.as_str()).or_default().push(t);
        }
    }
    for (dir, targets) in &folders {
        out.extend(folder_artifacts(dir, targets, diags));
    }
    // The CI job for the REST targets, beside the workflows (never among them).
    if let Some(job) = crate::ci_serve::snippet(plan) {
        out.push(Artifact {
            path: PathBuf::from(crate::ci_serve::PATH),
            contents: job,
            secret: false,
            policy: WritePolicy::Replace,
            target: None,
        });
    }
    out.push(Artifact {
        path: PathBuf::from("REDIS.md"),
        contents: crate::docs::guide(plan),
        secret: false,
        policy: WritePolicy::Replace,
        target: None,
    });
    out
}

fn skipped(target: &TargetPlan, why: &str) -> Diagnostic {
    Diagnostic::new(
        Code::TargetSkipped,
        format!(
            "no files for target `{}`: {why}",
            crate::project_path::escape_controls(&target.name)
        ),
    )
}

/// Whether files are generated for `t`; when not, why is reported (or was, by the core).
fn generated(t: &TargetPlan, diags: &mut Vec<Diagnostic>) -> bool {
    if t.transport.is_none() {
        diags.push(skipped(t, "its transport could not be decided"));
        return false;
    }
    if t.env.is_empty() {
        diags.push(skipped(t, "its database is missing"));
        return false;
    }
    // The core has said which field is missing; files with a placeholder where the URL
    // should be would only hide that.
    if t.lacks_transport {
        return false;
    }
    if t.has_errors && resolved(t) {
        diags.push(skipped(t, "fix the errors above first"));
        return false;
    }
    true
}

/// Whether every variable of `t` has its value.
fn resolved(t: &TargetPlan) -> bool {
    t.env.iter().all(|v| v.value.is_some())
}

/// The targets of one folder, as the files they share see them.
struct Folder<'a> {
    dir: &'a str,
    targets: &'a [&'a TargetPlan],
}

impl<'a> Folder<'a> {
    /// The variables of `targets`, each name once, in the order they first appear (the plan
    /// has made sure a name has one value in a folder).
    fn vars_of<'t>(targets: impl IntoIterator<Item = &'t &'t TargetPlan>) -> Vec<&'t EnvVar> {
        let mut vars: Vec<&EnvVar> = Vec::new();
        for t in targets {
            for v in &t.env {
                if !vars.iter().any(|w| w.name == v.name) {
                    vars.push(v);
                }
            }
        }
        vars
    }

    /// The env file the folder's framework reads for local secrets (`.env.local` for
    /// Next.js), `.env` without one, or when its targets' frameworks disagree; for the targets
    /// whose platform does not decide their env file.
    fn env_file(&self) -> &'static str {
        crate::plan::framework_env_file(self.targets.iter().copied())
    }

    /// The folder's env files, each with the targets whose values it holds: the one a
    /// platform decides (Supabase's `supabase/functions/.env`, `wrangler dev`'s `.dev.vars`)
    /// for its targets, the framework's for the others (a Next.js app and its Supabase
    /// functions share a folder, not an env file).
    fn env_files(&self) -> Vec<(&'static str, Vec<&'a TargetPlan>)> {
        let mut out: Vec<(&'static str, Vec<&TargetPlan>)> = Vec::new();
        for &t in self.targets {
            let file = self.target_env_file(t);
            match out.iter_mut().find(|(f, _)| *f == file) {
                Some((_, ts)) => ts.push(t),
                None => out.push((file, vec![t])),
            }
        }
        out
    }

    /// The env file that holds the values of `t`, one of this folder's.
    fn target_env_file(&self, t: &TargetPlan) -> &'static str {
        t.env_file_among(self.targets.iter().copied())
    }

    /// One file of the folder, rendered from `vars`; replaced whole when written.
    fn file(
        &self,
        name: &str,
        env_file: &str,
        vars: &[Var],
        render: fn(&FileView<'_>) -> String,
        secret: bool,
    ) -> Artifact {
        self.file_for(self.targets, name, env_file, vars, render, secret)
    }

    /// One file of the folder for some of its `targets` (a platform's), named after them.
    fn file_for(
        &self,
        targets: &[&TargetPlan],
        name: &str,
        env_file: &str,
        vars: &[Var],
        render: fn(&FileView<'_>) -> String,
        secret: bool,
    ) -> Artifact {
        let transports = distinct(
            targets
                .iter()
                .filter_map(|t| t.transport.map(Transport::as_str)),
        );
        let names = targets
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let view = FileView {
            target: &names,
            transport: &transports.join(", "),
            file: name,
            env_file,
            vars,
        };
        Artifact {
            path: join(self.dir, name),
            contents: render(&view),
            secret,
            policy: WritePolicy::Replace,
            target: Some(names),
        }
    }
}

/// The files of the targets in one folder.
fn folder_artifacts(
    dir: &str,
    targets: &[&TargetPlan],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Artifact> {
    let folder = Folder { dir, targets };
    let vars = Folder::vars_of(targets);
    let access = |v: &EnvVar| {
        targets
            .iter()
            .find(|t| t.env.iter().any(|w| w.name == v.name))
            .map_or(Access::ReadWrite, |t| t.access)
    };
    let mut out = Vec::new();
    let example: Vec<Var> = vars
        .iter()
        .map(|e| Var::new(e, dotenv_value(&placeholder(e, access(e)))))
        .collect();
    out.push(folder.file(
        ".env.example",
        folder.env_file(),
        &example,
        template::env_example,
        false,
    ));
    out.extend(starters(&folder, diags));
    out.extend(platform_files(&folder, false, diags));
    let unresolved: Vec<&&TargetPlan> = targets.iter().filter(|t| !resolved(t)).collect();
    if !unresolved.is_empty() {
        for t in unresolved {
            diags.push(
                Diagnostic::new(
                    Code::TargetSkipped,
                    format!("skipped the files with secrets for target `{}`: some variables are unresolved", t.name),
                )
                .severity(Severity::Note)
                .help("set the variables reported above (or pass --env-file) and run `upwire generate` again"),
            );
        }
        return out;
    }
    // Every env file is written one way: merged into what is there, so that the user's other
    // lines, comments and order survive whatever the platform or framework.
    for (name, holders) in folder.env_files() {
        // Dotenv quoting writes any value.
        let dotenv = quoted(&Folder::vars_of(&holders), Quoting::Dotenv).unwrap_or_default();
        let merge = dotenv
            .iter()
            .map(|v| (v.name.clone(), v.value.clone()))
            .collect();
        let mut env_file = folder.file_for(&holders, name, name, &dotenv, template::env, true);
        env_file.policy = WritePolicy::MergeEnv(merge);
        out.push(env_file);
    }
    out.extend(platform_files(&folder, true, diags));
    out
}

/// The starters of a folder, rendered ([`crate::starter_client::starter_files`]); a starter
/// whose variables are missing is left out.
fn starters(folder: &Folder<'_>, diags: &mut Vec<Diagnostic>) -> Vec<Artifact> {
    let files = crate::starter_client::starter_files(folder.targets, |t, why| {
        diags.push(
            Diagnostic::new(
                Code::TargetSkipped,
                format!(
                    "no starter client for target `{}`: {}",
                    t.name,
                    Starter::none_for(t, why)
                ),
            )
            .severity(Severity::Note),
        );
    });
    files
        .into_iter()
        .filter_map(|f| {
            let code = client_named(f.first, &f.sharing.join(", "), false)?;
            // A Rust module is named after its file: the usage lines say the new name.
            let code = match &f.module {
                Some(module) if f.starter.is_rust() => code
                    .replace("mod redis_client;", &format!("mod {module};"))
                    .replace("redis_client::", &format!("{module}::")),
                _ => code,
            };
            Some(Artifact {
                path: join(folder.dir, &f.path),
                contents: code,
                secret: false,
                policy: WritePolicy::CreateOnly,
                target: Some(f.first.name.clone()),
            })
        })
        .collect()
}

/// Each item once, in the order it first comes (a folder's targets are few).
fn distinct<T: PartialEq>(items: impl Iterator<Item = T>) -> Vec<T> {
    let mut out = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// The variables `vars`, each value quoted as `quoting` says; `Err` with the first one that
/// cannot be written that way.
fn quoted<'v>(vars: &[&'v EnvVar], quoting: Quoting) -> Result<Vec<Var>, &'v EnvVar> {
    vars.iter()
        .map(|v| {
            quoting
                .quote(v.expose_secret().unwrap_or(""))
                .map(|value| Var::new(v, value))
                .ok_or(*v)
        })
        .collect()
}

/// The platform table's files of the folder's targets that hold secrets (`secret`) or not,
/// one per file of each platform, with the variables of the targets on that platform, each
/// rendered by its row with the row's quoting; a file that cannot hold a value is skipped
/// and reported.
fn platform_files(folder: &Folder<'_>, secret: bool, diags: &mut Vec<Diagnostic>) -> Vec<Artifact> {
    let mut out = Vec::new();
    for platform in distinct(folder.targets.iter().filter_map(|t| t.platform)) {
        let on: Vec<&TargetPlan> = folder
            .targets
            .iter()
            .copied()
            .filter(|t| t.platform == Some(platform))
            .collect();
        let mut vars = Folder::vars_of(on.iter());
        // The Vercel Marketplace integration sets its own variables in the Vercel project
        // (Vercel docs, Marketplace storage: `vercel env pull` brings them down): a script
        // that adds them again would fail on names that exist. Left out of the script (with
        // `REDIS_URL`, which it sets too) beside a target on other names in the folder; not
        // written when every variable is the integration's.
        if platform == Platform::Vercel
            && !secret
            && !crate::family::marketplace_only(vars.iter().map(|v| v.name.as_str()))
            && vars
                .iter()
                .any(|v| crate::family::integration_sets(&v.name) == Some(true))
        {
            vars.retain(|v| crate::family::integration_sets(&v.name).is_none());
        }
        if platform == Platform::Vercel
            && !secret
            && crate::family::marketplace_only(vars.iter().map(|v| v.name.as_str()))
        {
            for t in &on {
                diags.push(
                    Diagnostic::new(
                        Code::TargetSkipped,
                        format!(
                            "no vercel-env.sh for target `{}`: its variables are the Vercel Marketplace integration's, which the integration already sets in the Vercel project",
                            crate::project_path::escape_controls(&t.name)
                        ),
                    )
                    .severity(Severity::Note),
                );
            }
            continue;
        }
        for f in platform.files().iter().filter(|f| f.secret == secret) {
            match quoted(&vars, f.quoting) {
                Ok(vars) => {
                    let env_file = on
                        .first()
                        .map_or_else(|| folder.env_file(), |t| folder.target_env_file(t));
                    let mut file =
                        folder.file_for(&on, f.path, env_file, &vars, f.render, f.secret);
                    // A platform file in dotenv form (`fly-secrets.env`) is an env file too:
                    // merged like one, so that lines the user added survive.
                    if f.quoting == Quoting::Dotenv {
                        file.policy = WritePolicy::MergeEnv(
                            vars.iter()
                                .map(|v| (v.name.clone(), v.value.clone()))
                                .collect(),
                        );
                    }
                    out.push(file);
                }
                // Only a file that takes values as they are refuses one (a line break).
                Err(v) => {
                    for t in &on {
                        diags.push(skipped(
                            t,
                            &format!(
                                "{platform} env-files cannot hold the line break in {}",
                                v.name
                            ),
                        ));
                    }
                }
            }
        }
    }
    out
}

/// The starter client for `build.rs` users: the same template, with `//` comments instead of
/// `//!` inner docs so that it can be `include!`d inside a module; `None` for a target whose
/// starter is not Rust.
#[must_use]
pub fn client_for_include(t: &TargetPlan) -> Option<String> {
    client(t, true)
}

/// The contents of a secret file are never shown.
impl std::fmt::Debug for Artifact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let contents = if self.secret {
            format!("<{} bytes with secrets>", self.contents.len())
        } else {
            crate::secret::scrub(&self.contents).into_owned()
        };
        f.debug_struct("Artifact")
            .field("path", &self.path)
            .field("contents", &contents)
            .field("secret", &self.secret)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}
