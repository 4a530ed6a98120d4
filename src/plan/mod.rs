//! Descriptor → [`Plan`]: every target's transport, access, reasons and variables. This is
//! the one output of resolving; `resolve`, `docs` and `generate` all read it.

use std::collections::HashMap;

use serde::Serialize;

use crate::code::Code;
use crate::descriptor::{Database, Descriptor, Target, Text};
use crate::diagnostic::{Diagnostic, SourceFile};
use crate::endpoint::{Parsed, Role, from_database, lints};
use crate::family::name_of;
use crate::interpolate::Env;
use crate::model::{Access, Framework, Kind, Platform, Transport, did_you_mean};
use crate::parse::{RedisUrl, RestUrl};
use crate::project_path::escape_controls;
use crate::rule::{self, RuleInput};
use crate::secret::{Hint, Secret, SecretKind, Sensitive};

mod target_lints;

/// What the target lints see of one target (see [`target_lints`]).
#[derive(Clone, Copy)]
struct Facts<'a> {
    target: &'a Target,
    source: &'a SourceFile,
    access: Access,
    /// Decided by the rules; `None` before they ran or when they could not decide.
    transport: Option<Transport>,
    database: Option<&'a Database>,
    database_plan: Option<&'a DatabasePlan>,
}

/// The resolved deployment: one entry per target, in descriptor order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// `[project] name`.
    pub project: Option<String>,
    /// The descriptor's file name (`upwire.toml`), which the guide names as its source.
    pub descriptor: String,
    /// Databases in descriptor order, with what validated.
    pub databases: Vec<DatabasePlan>,
    /// Targets in descriptor order.
    pub targets: Vec<TargetPlan>,
    /// `[project] env_names`: the variable family the targets' names come from.
    pub env_names: crate::family::EnvNames,
    /// The project's JavaScript packages, where the CI job installs and tests and with which
    /// package manager (`package_manager::packages`): each target's workspace root, else its
    /// nearest folder with a `package.json` (`sam init`'s `hello-world/` beside
    /// `template.yaml`, `apps/web` and `apps/api` without a workspace, `frontend/` for its
    /// workspace's members). Empty for a plan made without a folder: the descriptor's, with
    /// npm.
    pub(crate) packages: Vec<crate::package_manager::Package>,
    /// The folders of the Rust crates the targets are in, where the CI job runs `cargo test`
    /// (`Project::resolve`): each target's Cargo workspace root (a `Cargo.toml` with
    /// `[workspace]`) at or above its folder, else its nearest folder with a `Cargo.toml`.
    /// Empty for a plan made without a folder: where the job runs.
    pub(crate) crates: Vec<String>,
    /// Whether the descriptor's folder has no `package.json`, so that a JavaScript target with
    /// no package at or above its folder has none at all: the CI job says so beside its
    /// install. False for a plan made without a folder.
    pub(crate) unpackaged_root: bool,
}

impl Plan {
    /// The JavaScript package the target in `dir` is installed and tested in.
    pub(crate) fn package_of(&self, dir: &str) -> &crate::package_manager::Package {
        crate::package_manager::package_of(&self.packages, dir)
    }

    /// The folder of the Rust crate the target in `dir` is tested in (empty: where the job
    /// runs).
    pub(crate) fn crate_of(&self, dir: &str) -> &str {
        crate::package_manager::holding(&self.crates, String::as_str, dir)
            .map_or("", String::as_str)
    }
}

/// What is known of a database after validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabasePlan {
    /// Its name.
    pub name: String,
    /// The TCP endpoint, when present and valid.
    pub redis_url: Option<RedisUrl>,
    /// The REST endpoint, when present and valid.
    pub rest_url: Option<RestUrl>,
    /// The resolved values (secrets included; `None` when absent or unresolved), for
    /// `check --both`, which logs in over both transports.
    pub values: DatabaseValues,
}

/// The resolved field values of a database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DatabaseValues {
    /// `redis_url`.
    pub redis_url: Option<Sensitive>,
    /// `rest_url`.
    pub rest_url: Option<Sensitive>,
    /// `rest_token`.
    pub rest_token: Option<Secret>,
    /// `rest_readonly_token`.
    pub rest_readonly_token: Option<Secret>,
}

impl DatabaseValues {
    /// The token a client with `access` sends (see [`Role::token_for`]); with `fallback`, the
    /// other token when that one is missing (a login works with either).
    #[must_use]
    pub fn token_for(&self, access: Access, fallback: bool) -> Option<&Secret> {
        let (want, other) = match Role::token_for(access) {
            Role::ReadonlyToken => (&self.rest_readonly_token, &self.rest_token),
            _ => (&self.rest_token, &self.rest_readonly_token),
        };
        want.as_ref().or(other.as_ref().filter(|_| fallback))
    }
}

/// One target's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetPlan {
    /// Target name.
    pub name: String,
    /// Its kind, when valid.
    pub kind: Option<Kind>,
    /// Its platform, when set.
    pub platform: Option<Platform>,
    /// The code it is, when set.
    pub framework: Option<Framework>,
    /// The database it uses, when it resolves.
    pub database: Option<String>,
    /// The chosen transport; `None` when no rule could decide.
    pub transport: Option<Transport>,
    /// Read-write or read-only.
    pub access: Access,
    /// Rule ids, decisive first.
    pub rules: Vec<&'static str>,
    /// One reason per rule.
    pub reasons: Vec<String>,
    /// Variables to emit, in order.
    pub env: Vec<EnvVar>,
    /// Where `generate` writes (relative to the descriptor).
    pub dir: String,
    /// The prefix of emitted names.
    pub env_prefix: String,
    /// The variable family of its names: its own `env_names`, else `[project] env_names`.
    pub env_names: crate::family::EnvNames,
    /// Whether any error finding concerns this target or its database.
    pub has_errors: bool,
    /// Whether its database lacks a field its transport needs (the URL or the token), so
    /// nothing can be generated for it.
    pub lacks_transport: bool,
    /// Why `generate` may write nothing at all for it (its `dir` leaves the project, its
    /// name is not valid, another target writes into the same directory); `None` when it may.
    pub blocked: Option<&'static str>,
    /// The language of its folder when upwire writes no code in it (a Go module, a Maven
    /// project: `framework::FOREIGN`), for a target without `framework` whose runtime alone
    /// would give it the Rust starter; set where the plan meets the files.
    pub(crate) foreign: Option<&'static crate::framework::Foreign>,
}

/// A variable the target needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    /// Full name, prefix included.
    pub name: String,
    /// The value, its secrets known; `None` when a `${NAME}` in it is unresolved.
    pub value: Option<Sensitive>,
    /// How to mask it.
    pub secret: SecretKind,
}

impl EnvVar {
    /// The value for display: masked unless `show_secrets`.
    #[must_use]
    pub fn display(&self, show_secrets: bool) -> Option<String> {
        let v = self.value.as_ref()?;
        Some(if show_secrets {
            v.expose_secret().to_owned()
        } else {
            v.masked()
        })
    }

    /// The raw value, for the files that hold secrets (`.env`, platform secret files).
    #[must_use]
    pub fn expose_secret(&self) -> Option<&str> {
        self.value.as_ref().map(Sensitive::expose_secret)
    }

    fn new(name: String, value: Option<&String>, secret: SecretKind) -> EnvVar {
        let hint = match secret {
            SecretKind::Url => Hint::Url,
            SecretKind::Token => Hint::Credential,
            SecretKind::Public => Hint::Plain,
        };
        EnvVar {
            name,
            value: value.map(|v| Sensitive::classify(v.as_str(), hint)),
            secret,
        }
    }
}

/// The JSON shape of a target (docs/json.md).
#[derive(Debug, Serialize)]
pub struct TargetJson<'a> {
    name: &'a str,
    kind: Option<Kind>,
    platform: Option<Platform>,
    #[serde(skip_serializing_if = "Option::is_none")]
    framework: Option<Framework>,
    database: Option<&'a str>,
    transport: Option<Transport>,
    access: Access,
    rules: &'a [&'static str],
    reasons: &'a [String],
    env: serde_json_map::Map,
}

/// A tiny ordered map serialiser, so the library needs no JSON crate.
mod serde_json_map {
    use serde::ser::{Serialize, SerializeMap, Serializer};

    /// Ordered string → optional string pairs.
    #[derive(Debug, Default)]
    pub(super) struct Map(pub Vec<(String, Option<String>)>);

    impl Serialize for Map {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut m = s.serialize_map(Some(self.0.len()))?;
            for (k, v) in &self.0 {
                m.serialize_entry(k, v)?;
            }
            m.end()
        }
    }
}

impl TargetPlan {
    /// The env file its platform decides for it (`Platform::target_env_file`): Supabase's,
    /// `wrangler dev`'s `.dev.vars`.
    #[must_use]
    pub(crate) fn platform_env_file(&self) -> Option<&'static str> {
        self.platform
            .and_then(|p| p.target_env_file(self.kind, self.framework))
    }

    /// The env file that holds its values among `folder` (the targets of its folder): the one
    /// its platform decides, else the one the folder's frameworks read
    /// ([`framework_env_file`]). `generate` writes it and the guide names it.
    #[must_use]
    pub(crate) fn env_file_among<'t>(
        &self,
        folder: impl IntoIterator<Item = &'t TargetPlan>,
    ) -> &'static str {
        self.platform_env_file()
            .unwrap_or_else(|| framework_env_file(folder))
    }

    /// The JSON view, secrets masked unless `show_secrets`.
    #[must_use]
    pub fn to_json(&self, show_secrets: bool) -> TargetJson<'_> {
        TargetJson {
            name: &self.name,
            kind: self.kind,
            platform: self.platform,
            framework: self.framework,
            database: self.database.as_deref(),
            transport: self.transport,
            access: self.access,
            rules: &self.rules,
            reasons: &self.reasons,
            env: serde_json_map::Map(
                self.env
                    .iter()
                    .map(|v| (v.name.clone(), v.display(show_secrets)))
                    .collect(),
            ),
        }
    }
}

/// The result of resolving a descriptor.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The descriptor source with its secrets registered, for rendering diagnostics.
    pub source: SourceFile,
    /// The plan; empty when the TOML did not parse.
    pub plan: Plan,
    /// Every finding, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Resolved {
    /// Drops `unresolved-variable`: for what needs no values (`docs`, `lint --no-env`).
    pub(crate) fn ignore_unresolved(&mut self) {
        self.diagnostics
            .retain(|d| d.code != Code::UnresolvedVariable);
    }
}

/// Parses, validates and resolves a descriptor.
#[must_use]
pub fn resolve(source: SourceFile, env: &Env) -> Resolved {
    let fallback = source.clone();
    let (descriptor, mut diagnostics) = Descriptor::parse(source, env);
    let Some(descriptor) = descriptor else {
        return Resolved {
            source: crate::descriptor::with_line_secrets(fallback),
            plan: Plan::default(),
            diagnostics,
        };
    };
    let plan = plan(&descriptor, env, &mut diagnostics);
    diagnostics.sort_by_key(|d| d.location.as_ref().map_or(0, |l| l.span.start));
    Resolved {
        source: descriptor.source,
        plan,
        diagnostics,
    }
}

/// A target's variable that its own folder's env files already set to another value, under a
/// name its database does not read (`KV_REST_API_TOKEN` in a Marketplace app's `.env.local`,
/// where the database reads `${UPSTASH_REDIS_REST_TOKEN}` in another app's folder): `generate`
/// would overwrite the app's own value with the database's. Two folders of one database
/// disagree, as `env-conflict` says of one name, and the target is written nothing; when the
/// database's value is given (the environment, an `--env-file`), `env-overridden` warns, as
/// for one name. Runs once the target's variables are decided.
fn values_under_other_names(
    facts: &Facts<'_>,
    env: &Env,
    tp: &mut TargetPlan,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(db) = facts.database else {
        return;
    };
    if !env.has_folder_files() || tp.blocked.is_some() {
        return;
    }
    let names = |text: Option<&Text>| -> Vec<String> {
        text.map(|t| crate::interpolate::references(&t.raw))
            .unwrap_or_default()
            .iter()
            .filter_map(|r| r.name().map(str::to_owned))
            .collect()
    };
    let read: Vec<String> = db
        .fields()
        .into_iter()
        .flat_map(|(_, t)| names(t))
        .collect();
    let folder = crate::framework::folder_key(&tp.dir);
    for v in &tp.env {
        let Some(value) = v.expose_secret() else {
            continue;
        };
        if read.contains(&v.name) {
            continue;
        }
        let Some((theirs, file)) = env.in_folder(&folder, &v.name) else {
            continue;
        };
        // Fly's user-slot form is the form `generate` writes its URL in.
        if theirs.is_empty()
            || crate::parse::same_value(theirs, value)
            || crate::parse::fly_user_slot_fixed(theirs).as_deref() == Some(value)
        {
            continue;
        }
        // The database's field of the variable's role.
        let (field, field_name) = match crate::family::composed(&v.name).map(|k| k.variable.role) {
            Some(Role::TcpUrl) => (&db.redis_url, "redis_url"),
            Some(Role::RestUrl) => (&db.rest_url, "rest_url"),
            _ => crate::endpoint::token_field(db, tp.access),
        };
        let given = names(field.as_ref()).iter().any(|n| env.given(n));
        let raw = field.as_ref().map_or("", |t| t.raw.as_str());
        let message = format!(
            "database `{}`: target `{}` gets `{}` from `{field_name} = {}`, and {} already sets `{}` to another value",
            db.name,
            tp.name,
            v.name,
            crate::quote::toml(raw),
            file.display(),
            v.name
        );
        let mut finding = if given {
            Diagnostic::new(Code::EnvOverridden, message).help(format!(
                "`generate` would write the value given in the environment or an --env-file over {}'s; unset it, or drop the --env-file, if the file's value is the one meant",
                file.display()
            ))
        } else {
            tp.blocked = Some(
                "its folder's env file holds another value for one of its variables (env-conflict)",
            );
            Diagnostic::new(Code::EnvConflict, message).help(format!(
                "the two values are two databases, or one of them is stale; upwire writes nothing for `{}` until they agree: if {} is right, have the database read it (`{field_name} = \"${{{}}}\"`) or give that app its own `[database.NAME]`; if not, update it there",
                tp.name,
                file.display(),
                v.name
            ))
        };
        if let Some(t) = field {
            finding = finding.at(facts.source, t.span.clone());
        }
        diags.push(finding);
    }
}

fn plan(d: &Descriptor, env: &Env, diags: &mut Vec<Diagnostic>) -> Plan {
    let mut databases = Vec::with_capacity(d.databases.len());
    let mut db_errors = HashMap::new();
    for db in &d.databases {
        let before = diags.iter().filter(|x| x.is_error()).count();
        databases.push(validate_database(db, &d.source, diags));
        let after = diags.iter().filter(|x| x.is_error()).count();
        // `env-conflict` is found while the descriptor is read, before this count.
        db_errors.insert(db.name.as_str(), after > before || db.conflicted);
    }
    // Each target finds its database by name: a map, not a search, for thousands of them.
    let by_name: HashMap<&str, usize> = d
        .databases
        .iter()
        .enumerate()
        .map(|(i, db)| (db.name.as_str(), i))
        .collect();
    let targets = d
        .targets
        .iter()
        .map(|t| {
            let before = diags.len();
            let mut tp = plan_target(d, t, (&databases, &by_name), env, diags);
            tp.has_errors = diags[before..].iter().any(Diagnostic::is_error)
                || tp
                    .database
                    .as_deref()
                    .is_some_and(|n| db_errors.get(n).copied().unwrap_or(false));
            tp
        })
        .collect::<Vec<TargetPlan>>();
    let mut targets = targets;
    report_dir_conflicts(d, &mut targets, diags);
    Plan {
        project: d.project_name.as_ref().map(|p| p.value.clone()),
        descriptor: std::path::Path::new(&d.source.name)
            .file_name()
            .map_or_else(
                || "upwire.toml".to_owned(),
                |n| n.to_string_lossy().into_owned(),
            ),
        databases,
        targets,
        env_names: d.env_names.as_ref().map(|f| f.value).unwrap_or_default(),
        // The folder's, set where the plan meets the files (`Project::resolve`).
        packages: Vec::new(),
        crates: Vec::new(),
        unpackaged_root: false,
    }
}

fn url(text: &Option<Text>) -> Option<Sensitive> {
    let v = text.as_ref()?.value.as_deref()?;
    Some(Sensitive::classify(v, Hint::Url))
}

fn secret(text: &Option<Text>) -> Option<Secret> {
    Some(Secret::new(text.as_ref()?.value.as_deref()?))
}

fn validate_database(
    db: &Database,
    source: &SourceFile,
    diags: &mut Vec<Diagnostic>,
) -> DatabasePlan {
    let mut plan = DatabasePlan {
        name: db.name.clone(),
        redis_url: None,
        rest_url: None,
        values: DatabaseValues {
            redis_url: url(&db.redis_url),
            rest_url: url(&db.rest_url),
            rest_token: secret(&db.rest_token),
            rest_readonly_token: secret(&db.rest_readonly_token),
        },
    };
    let endpoints = from_database(db);
    lints::run_all(&endpoints, source, diags);
    for e in endpoints {
        match e.parsed {
            Parsed::Tcp(url) => plan.redis_url = url,
            Parsed::Rest(url) => plan.rest_url = url,
            Parsed::Token => {}
        }
    }
    plan
}

fn plan_target(
    d: &Descriptor,
    t: &Target,
    (dbs, by_name): (&[DatabasePlan], &HashMap<&str, usize>),
    env: &Env,
    diags: &mut Vec<Diagnostic>,
) -> TargetPlan {
    let source = &d.source;
    let kind = t.kind.as_ref().map(|k| k.value);
    let access = match (&t.access, kind) {
        (Some(a), _) => a.value,
        (None, kind) => kind.map_or(Access::ReadWrite, Kind::default_access),
    };
    let index = d.database_index(t, by_name);
    let database = index.map(|i| &d.databases[i]);
    if database.is_none() {
        report_database(d, t, diags);
    }
    let mut tp = TargetPlan {
        // Shown in every output and in the guide: a control character as its escape, so a
        // name cannot start a new line in a generated file.
        name: escape_controls(&t.name),
        kind,
        platform: t.platform.as_ref().map(|p| p.value),
        framework: t.framework.as_ref().map(|f| f.value),
        database: database.map(|db| db.name.clone()),
        transport: None,
        access,
        rules: Vec::new(),
        reasons: Vec::new(),
        env: Vec::new(),
        dir: ".".to_owned(),
        env_prefix: match (&t.env_prefix, &t.platform) {
            (Some(p), _) => p.value.clone(),
            (None, p) => p
                .as_ref()
                .map_or("", |p| p.value.default_env_prefix())
                .to_owned(),
        },
        env_names: t
            .env_names
            .as_ref()
            .or(d.env_names.as_ref())
            .map(|f| f.value)
            .unwrap_or_default(),
        has_errors: false,
        lacks_transport: false,
        blocked: None,
        foreign: None,
    };
    let facts = Facts {
        target: t,
        source,
        access,
        transport: None,
        database,
        database_plan: None,
    };
    target_lints::run(target_lints::Stage::Declared, &facts, &mut tp, diags);
    let Some(kind) = kind else { return tp };
    let input = RuleInput {
        target: t,
        kind,
        platform: tp.platform,
        database,
        source,
    };
    let outcome = rule::decide(&input, diags);
    tp.transport = outcome.transport;
    tp.rules = outcome.rules;
    tp.reasons = outcome.reasons;
    let (Some(transport), Some(db)) = (tp.transport, database) else {
        return tp;
    };
    let db_plan = index.and_then(|i| dbs.get(i));
    let prefix = tp.env_prefix.clone();
    let names = tp.env_names;
    fn value(text: &Option<Text>) -> Option<&String> {
        text.as_ref().and_then(|x| x.value.as_ref())
    }
    match transport {
        Transport::Tcp => {
            // Fly's user-slot form (`redis://<password>@fly-...`) is written as
            // `redis://default:<password>@fly-...:6379`: clients read the first as a user name.
            let url = value(&db.redis_url);
            let fly_fixed = url.and_then(|u| crate::parse::fly_user_slot_fixed(u));
            tp.env.push(EnvVar::new(
                crate::family::compose(&prefix, name_of(names.family(), Role::TcpUrl)),
                fly_fixed.as_ref().or(url),
                SecretKind::Url,
            ));
        }
        Transport::Rest => {
            let (token, _) = crate::endpoint::token_field(db, access);
            tp.env.push(EnvVar::new(
                crate::family::compose(&prefix, name_of(names.family(), Role::RestUrl)),
                value(&db.rest_url),
                SecretKind::Url,
            ));
            tp.env.push(EnvVar::new(
                crate::family::compose(&prefix, names.token_name(access)),
                value(token),
                SecretKind::Token,
            ));
        }
    }
    let facts = Facts {
        transport: Some(transport),
        database_plan: db_plan,
        ..facts
    };
    target_lints::run(target_lints::Stage::Decided, &facts, &mut tp, diags);
    values_under_other_names(&facts, env, &mut tp, diags);
    tp
}

/// `dir-conflict`: two targets in one directory (however it is spelled) that need different
/// values under one variable name, such as the read-only and the full token under one
/// public name. Targets that agree share the folder's files; these two are blocked, as
/// either's values would overwrite the other's.
fn report_dir_conflicts(d: &Descriptor, targets: &mut [TargetPlan], diags: &mut Vec<Diagnostic>) {
    let mut conflicts: Vec<(usize, usize, String, &'static str)> = Vec::new();
    for (second, t) in targets.iter().enumerate() {
        // A target that writes nothing cannot overwrite anything.
        if t.blocked.is_some() {
            continue;
        }
        // Targets of one folder share its files where they write the same env file (a
        // platform's own, as Supabase's, or the folder's) or the same platform files.
        let own_env_file = |x: &TargetPlan| x.platform.and_then(Platform::env_file);
        let earlier = targets[..second].iter().enumerate().filter(|(_, e)| {
            e.blocked.is_none()
                && e.dir == t.dir
                && (e.platform == t.platform || own_env_file(e) == own_env_file(t))
        });
        'pairs: for (first, e) in earlier {
            for v in &t.env {
                let Some(w) = e.env.iter().find(|w| w.name == v.name) else {
                    continue;
                };
                let (a, b) = (w.expose_secret(), v.expose_secret());
                if a.is_some() && b.is_some() && a != b {
                    let how = if v.secret == SecretKind::Token && e.access != t.access {
                        "one the read-only token, the other the full one"
                    } else {
                        "different values"
                    };
                    conflicts.push((first, second, v.name.clone(), how));
                    break 'pairs;
                }
            }
        }
    }
    for (first, second, name, how) in conflicts {
        let dir = targets[second].dir.clone();
        let at = d.targets.get(second).map(|t| {
            t.dir
                .as_ref()
                .map_or_else(|| t.span.clone(), |f| f.span.clone())
        });
        let mut diag = Diagnostic::new(
            Code::DirConflict,
            format!(
                "targets `{}` and `{}` share `{dir}` but need {how} under `{name}`, and a folder has one env file",
                targets[first].name, targets[second].name
            ),
        )
        .help(if how == "different values" {
            format!(
                "give one of them an `env_prefix` (its variables get their own names) or its own `dir`, so that `{name}` has one value"
            )
        } else {
            format!(
                "give one of them an `env_prefix` (its variables get their own names), its own `dir`, or the same `access`, so that `{name}` has one value"
            )
        });
        if let Some(at) = at {
            diag = diag.at(&d.source, at);
        }
        diags.push(diag);
        for i in [first, second] {
            targets[i].blocked.get_or_insert(
                "another target in the same directory needs other values under the same names",
            );
        }
    }
}

fn report_database(d: &Descriptor, t: &Target, diags: &mut Vec<Diagnostic>) {
    let names: Vec<&str> = d.databases.iter().map(|db| db.name.as_str()).collect();
    match &t.database {
        Some(name) => {
            let help = match did_you_mean(&name.value, &names) {
                Some(s) => format!("did you mean `{s}`?"),
                None if names.is_empty() => "add a [database.NAME] table".to_owned(),
                None => format!("the databases are: {}", names.join(", ")),
            };
            diags.push(
                Diagnostic::new(
                    Code::UnknownDatabase,
                    format!(
                        "target `{}` names database `{}`, which does not exist",
                        t.name, name.value
                    ),
                )
                .at(&d.source, name.span.clone())
                .help(help),
            );
        }
        None if names.len() > 1 => diags.push(
            Diagnostic::new(
                Code::MissingField,
                format!("target `{}` does not say which database it uses", t.name),
            )
            .at(&d.source, t.span.clone())
            .help(format!(
                "add `database = \"...\"`, one of: {}",
                names.join(", ")
            )),
        ),
        None => {}
    }
}

/// The env file the frameworks of `folder` (the targets of one folder) share, for those whose
/// platform does not decide theirs (`crate::framework::folder_env_file`).
pub(crate) fn framework_env_file<'t>(
    folder: impl IntoIterator<Item = &'t TargetPlan>,
) -> &'static str {
    crate::framework::folder_env_file(
        folder
            .into_iter()
            .filter(|t| t.platform_env_file().is_none())
            .map(|t| t.framework),
    )
}
