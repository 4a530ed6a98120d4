//! Plan → files. Pure: every file is rendered from an askama template in `templates/` into a
//! string; [`crate::write`] decides what reaches the disk.

use std::path::PathBuf;

use askama::Template;

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Access, Platform, Transport};
use crate::plan::{EnvVar, Plan, TargetPlan};
use crate::secret::{SecretKind, Sensitive, url_password_range};
/// Kept here for existing callers; [`crate::build::cargo_dependencies`] is the documented path.
pub use crate::starter_client::cargo_dependencies;

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

/// One `NAME=value` line for a template, the value already formatted for the file type.
#[derive(Clone)]
struct Var {
    name: String,
    value: String,
    secret: bool,
}

macro_rules! var_template {
    ($name:ident, $path:literal) => {
        #[derive(Template)]
        #[template(path = $path, escape = "none")]
        #[allow(
            dead_code,
            reason = "one shape for every env-like file; not all show every field"
        )]
        struct $name<'a> {
            target: &'a str,
            transport: &'a str,
            file: &'a str,
            vars: &'a [Var],
        }
    };
}

var_template!(EnvTemplate, "env.txt");
var_template!(EnvExampleTemplate, "env_example.txt");
var_template!(DockerTemplate, "docker_env.txt");
var_template!(DevVarsTemplate, "dev_vars.txt");
var_template!(LambdaTemplate, "lambda_env.json");
var_template!(FlyTemplate, "fly_secrets.txt");
var_template!(VercelTemplate, "vercel_env.sh");
var_template!(NetlifyTemplate, "netlify_env.sh");

#[derive(Template)]
#[template(path = "kubernetes_secret.yaml", escape = "none")]
struct KubernetesTemplate<'a> {
    target: &'a str,
    file: &'a str,
    secret_name: String,
    vars: &'a [Var],
}

#[derive(Template)]
#[template(path = "wrangler.toml.txt", escape = "none")]
struct WranglerTemplate<'a> {
    target: &'a str,
    compat: bool,
    public_vars: Vec<Var>,
    secret_vars: Vec<Var>,
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

/// Renders the starter client of a target; `None` when its transport is undecided or its
/// variables are missing. Secrets never reach it: it names the variables, not their values.
fn client(t: &TargetPlan, for_include: bool) -> Option<String> {
    let transport = t.transport?;
    let url_var = t.env.first()?.name.as_str();
    let doc = if for_include { "//" } else { "//!" };
    let dependencies = cargo_dependencies(transport);
    Some(match transport {
        Transport::Tcp => render(&TcpClientTemplate {
            target: &t.name,
            doc,
            for_include,
            url_var,
            ca_var: ca_var(url_var),
            dependencies,
        }),
        Transport::Rest => render(&RestClientTemplate {
            target: &t.name,
            doc,
            for_include,
            read_only: t.access == Access::ReadOnly,
            url_var,
            token_var: &t.env.get(1)?.name,
            dependencies,
        }),
    })
}

/// `REDIS_URL` → `REDIS_CA_FILE`, keeping any prefix (`APP_REDIS_URL` → `APP_REDIS_CA_FILE`).
fn ca_var(url_var: &str) -> String {
    format!(
        "{}_CA_FILE",
        url_var.strip_suffix("_URL").unwrap_or(url_var)
    )
}

fn render(t: &impl Template) -> String {
    // Templates are compiled in; rendering fails only on a formatting error of a value,
    // which our plain strings never produce.
    let mut out = t
        .render()
        .unwrap_or_else(|e| format!("# upwire template error: {e}\n"));
    // askama drops the template's final newline; every generated file ends with one.
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// Formats a value for a dotenv file so that dotenv parsers read back exactly `value`.
#[must_use]
pub fn dotenv_value(value: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-.:/@%+=?&,~[]<>".contains(c);
    if !value.is_empty() && value.chars().all(plain) {
        value.to_owned()
    } else if !value.contains(['\'', '\\', '\n', '\r']) {
        // No backslash in single quotes: dotenvy reads `\'` there as an escaped quote.
        format!("'{value}'")
    } else {
        let mut out = String::from("\"");
        for c in value.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '$' => out.push_str("\\$"),
                '\n' => out.push_str("\\n"),
                // Raw: dotenvy knows no `\r` escape and rejects the whole file.
                '\r' => out.push('\r'),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
}

/// A JSON (and YAML, and TOML basic) string literal.
#[must_use]
pub(crate) fn json_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
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

fn vars(target: &TargetPlan, format: fn(&str) -> String) -> Vec<Var> {
    target
        .env
        .iter()
        .map(|v| Var {
            name: v.name.clone(),
            value: format(v.expose_secret().unwrap_or("")),
            secret: is_secret(v),
        })
        .collect()
}

fn join(dir: &str, file: &str) -> PathBuf {
    if dir.is_empty() || dir == "." {
        PathBuf::from(file)
    } else {
        PathBuf::from(dir).join(file)
    }
}

/// Renders every file for every target, plus the guide. Targets that cannot be generated
/// are reported in `diags` (notes and errors) and get no files.
#[must_use]
pub fn artifacts(plan: &Plan, diags: &mut Vec<Diagnostic>) -> Vec<Artifact> {
    let mut out = Vec::new();
    // In the order of their directories, as the files are listed.
    let mut targets: Vec<&TargetPlan> = plan.targets.iter().collect();
    targets.sort_by(|a, b| a.dir.cmp(&b.dir));
    for t in targets {
        // The plan has reported why (`dir-outside-project`, `dir-conflict`, `invalid-name`).
        if let Some(why) = t.blocked {
            diags.push(skipped(t, why));
            continue;
        }
        out.extend(target_artifacts(t, diags));
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

/// The files of one target.
fn target_artifacts(t: &TargetPlan, diags: &mut Vec<Diagnostic>) -> Vec<Artifact> {
    let Some(transport) = t.transport else {
        diags.push(skipped(t, "its transport could not be decided"));
        return Vec::new();
    };
    if t.env.is_empty() {
        diags.push(skipped(t, "its database is missing"));
        return Vec::new();
    }
    // The core has said which field is missing; files with a placeholder where the URL
    // should be would only hide that.
    if t.lacks_transport {
        return Vec::new();
    }
    let resolved = t.env.iter().all(|v| v.value.is_some());
    if t.has_errors && resolved {
        diags.push(skipped(t, "fix the errors above first"));
        return Vec::new();
    }
    let mut out = Vec::new();
    let name = t.name.as_str();
    let tr = transport.as_str();
    let file = |f: &str| join(&t.dir, f);
    let art = |path: PathBuf, contents: String, secret: bool, policy: WritePolicy| Artifact {
        path,
        contents,
        secret,
        policy,
        target: Some(t.name.clone()),
    };
    let example = vars(t, str::to_owned)
        .into_iter()
        .zip(&t.env)
        .map(|(mut v, e)| {
            v.value = dotenv_value(&placeholder(e, t.access));
            v
        })
        .collect::<Vec<_>>();
    out.push(art(
        file(".env.example"),
        render(&EnvExampleTemplate {
            target: name,
            transport: tr,
            file: ".env.example",
            vars: &example,
        }),
        false,
        WritePolicy::Replace,
    ));
    // Always `Some` here: the transport is decided and the variables are there.
    if let Some(client) = client(t, false) {
        out.push(art(
            file("src/redis_client.rs"),
            client,
            false,
            WritePolicy::CreateOnly,
        ));
    }
    out.extend(platform_scripts(t, &file));
    if !resolved {
        diags.push(
            Diagnostic::new(
                Code::TargetSkipped,
                format!("skipped the files with secrets for target `{name}`: some variables are unresolved"),
            )
            .severity(Severity::Note)
            .help("set the variables reported above (or pass --env-file) and run `upwire generate` again"),
        );
        return out;
    }
    let dotenv = vars(t, dotenv_value);
    let merge = dotenv
        .iter()
        .map(|v| (v.name.clone(), v.value.clone()))
        .collect();
    out.push(art(
        file(".env"),
        render(&EnvTemplate {
            target: name,
            transport: tr,
            file: ".env",
            vars: &dotenv,
        }),
        true,
        WritePolicy::MergeEnv(merge),
    ));
    out.extend(platform_secrets(t, &file, diags));
    out
}

/// Platform files without secrets (safe to commit).
fn platform_scripts(t: &TargetPlan, file: &dyn Fn(&str) -> PathBuf) -> Vec<Artifact> {
    let name = t.name.as_str();
    let tr = t.transport.map_or("", Transport::as_str);
    let plain = vars(t, str::to_owned);
    let (path, contents) = match t.platform {
        Some(Platform::Vercel) => (
            "vercel-env.sh",
            render(&VercelTemplate {
                target: name,
                transport: tr,
                file: "vercel-env.sh",
                vars: &plain,
            }),
        ),
        Some(Platform::Netlify) => (
            "netlify-env.sh",
            render(&NetlifyTemplate {
                target: name,
                transport: tr,
                file: "netlify-env.sh",
                vars: &plain,
            }),
        ),
        Some(Platform::Cloudflare) => {
            let all = vars(t, json_string);
            let (secret_vars, public_vars) = all.into_iter().partition(|v| v.secret);
            (
                "wrangler.redis.toml",
                render(&WranglerTemplate {
                    target: name,
                    compat: t.transport == Some(Transport::Tcp),
                    public_vars,
                    secret_vars,
                }),
            )
        }
        _ => return Vec::new(),
    };
    vec![platform_artifact(t, file, path, contents)]
}

/// An artifact for a file of the platform table, with the table's secrecy.
fn platform_artifact(
    t: &TargetPlan,
    file: &dyn Fn(&str) -> PathBuf,
    path: &'static str,
    contents: String,
) -> Artifact {
    let secret = t
        .platform
        .and_then(|p| p.files().iter().find(|f| f.path == path))
        .is_none_or(|f| f.secret);
    Artifact {
        path: file(path),
        contents,
        secret,
        policy: WritePolicy::Replace,
        target: Some(t.name.clone()),
    }
}

/// Platform files that carry the secret values (mode 0600, never committed).
fn platform_secrets(
    t: &TargetPlan,
    file: &dyn Fn(&str) -> PathBuf,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Artifact> {
    let name = t.name.as_str();
    let tr = t.transport.map_or("", Transport::as_str);
    let (path, contents) = match t.platform {
        Some(Platform::Docker) => {
            if let Some(v) = t
                .env
                .iter()
                .find(|v| v.expose_secret().is_some_and(|x| x.contains(['\n', '\r'])))
            {
                diags.push(skipped(
                    t,
                    &format!("docker env-files cannot hold the line break in {}", v.name),
                ));
                return Vec::new();
            }
            let raw = vars(t, str::to_owned);
            (
                "docker.env",
                render(&DockerTemplate {
                    target: name,
                    transport: tr,
                    file: "docker.env",
                    vars: &raw,
                }),
            )
        }
        Some(Platform::Kubernetes) => {
            let quoted = vars(t, json_string);
            (
                "redis-secret.yaml",
                render(&KubernetesTemplate {
                    target: name,
                    file: "redis-secret.yaml",
                    secret_name: format!("{name}-redis"),
                    vars: &quoted,
                }),
            )
        }
        Some(Platform::Cloudflare) => {
            let secrets: Vec<Var> = vars(t, dotenv_value)
                .into_iter()
                .filter(|v| v.secret)
                .collect();
            (
                ".dev.vars",
                render(&DevVarsTemplate {
                    target: name,
                    transport: tr,
                    file: ".dev.vars",
                    vars: &secrets,
                }),
            )
        }
        Some(Platform::AwsLambda) => {
            let quoted: Vec<Var> = vars(t, json_string)
                .into_iter()
                .map(|mut v| {
                    v.name = json_string(&v.name);
                    v
                })
                .collect();
            (
                "lambda-env.json",
                render(&LambdaTemplate {
                    target: name,
                    transport: tr,
                    file: "lambda-env.json",
                    vars: &quoted,
                }),
            )
        }
        Some(Platform::Fly) => {
            let raw = vars(t, dotenv_value);
            (
                "fly-secrets.env",
                render(&FlyTemplate {
                    target: name,
                    transport: tr,
                    file: "fly-secrets.env",
                    vars: &raw,
                }),
            )
        }
        _ => return Vec::new(),
    };
    vec![platform_artifact(t, file, path, contents)]
}

/// The starter client for `build.rs` users: the same template, with `//` comments instead of
/// `//!` inner docs so that it can be `include!`d inside a module.
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

impl std::fmt::Debug for Var {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Var")
            .field("name", &self.name)
            .field("secret", &self.secret)
            .finish_non_exhaustive()
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotenv_values_read_back_exactly() {
        let dir = tempfile::tempdir().unwrap();
        for value in [
            "rediss://default:AXpw@eu1-cat.upstash.io:6379",
            "pa ss#word",
            "it's $HOME \"quoted\"",
            "multi\nline",
            "",
        ] {
            let path = dir.path().join(".env");
            std::fs::write(&path, format!("K={}\n", dotenv_value(value))).unwrap();
            let got: Vec<(String, String)> = dotenvy::from_path_iter(&path)
                .unwrap()
                .map(Result::unwrap)
                .collect();
            assert_eq!(got, [("K".to_owned(), value.to_owned())], "{value:?}");
        }
    }

    #[test]
    fn json_strings_escape_controls() {
        assert_eq!(json_string("a\"b\\c\n\u{1}"), "\"a\\\"b\\\\c\\n\\u0001\"");
    }
}
