//! `upwire check`: run the staged logins for the descriptor's targets or for URLs given on
//! the command line, and print them.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::check::net::tls_config;
use crate::check::{CheckOptions, CheckResult, check_rest, check_tcp};
use crate::cli::{Cli, Findings, Output, Report, exit_for, load_descriptor, select_targets};
use crate::error::Error;
use crate::model::{Access, Kind, Transport};
use crate::plan::{Plan, TargetPlan};
use crate::secret::{Hint, Secret, Sensitive};

/// Prove the login over TCP/TLS and REST: every stage timed, failures classified.
// (The same text as on `Command::Check`: with deferred subcommands, this doc comment is the
// `about` that `upwire check --help` shows.)
#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// Only this target.
    #[arg(long, value_hint = clap::ValueHint::Other)]
    target: Option<String>,
    /// How many PINGs to time (min / median / p95).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    samples: u32,
    /// Bound on every network step, in seconds.
    #[arg(long, default_value_t = 5.0, value_name = "SECS")]
    timeout: f64,
    /// Check both transports of each target's database and compare their latency.
    #[arg(long)]
    both: bool,
    /// Check this TCP URL instead of the descriptor.
    #[arg(long, value_name = "URL")]
    redis_url: Option<String>,
    /// Check this REST URL instead of the descriptor, with the REST token of the env files
    /// in this folder or of the process environment (or --rest-token).
    #[arg(long, value_name = "URL")]
    rest_url: Option<String>,
    /// The token for --rest-url, when neither the env files nor the environment hold it
    /// (a token on the command line stays in the shell's history).
    #[arg(long, value_name = "TOKEN", requires = "rest_url")]
    rest_token: Option<String>,
    /// Extra CA certificates (PEM) to trust, for private CAs. Verification is never skipped.
    #[arg(long, value_name = "PEM")]
    ca_file: Option<PathBuf>,
    /// Also tell whether each credential is read-only or read-write, without writing; fail
    /// when a target's `access` says otherwise.
    #[arg(long)]
    access: bool,
}

/// What to check: one endpoint, for one target (or a command-line flag).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Job {
    transport: Transport,
    url: Sensitive,
    token: Option<Secret>,
}

struct Checked {
    target: String,
    kind: Option<Kind>,
    result: CheckResult,
    /// Which probe this is: targets on one database share probes, run once and shown once.
    probe: usize,
    /// The target's `access` in the descriptor (none for a URL given on the command line).
    expected: Option<Access>,
}

pub(crate) fn check(cli: &Cli, args: &CheckArgs) -> Result<u8, Error> {
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 3600.0) {
        return Err(Error::Usage(
            "--timeout takes seconds between 0 and 3600".to_owned(),
        ));
    }
    let options = CheckOptions {
        timeout: Duration::from_secs_f64(args.timeout),
        samples: args.samples as usize,
        access: args.access,
    };
    let tcp_tls = tls_config(args.ca_file.as_deref(), &[])?;
    let rest_tls = tls_config(args.ca_file.as_deref(), &[b"http/1.1"])?;
    let out = Output::new(cli);
    let direct = args.redis_url.is_some() || args.rest_url.is_some();
    let (mut plan_targets, mut diagnostics, mut sources) = (Vec::new(), Vec::new(), Vec::new());
    let mut jobs: Vec<(String, Option<Kind>, Option<Access>, Job)> = Vec::new();
    if direct {
        // The values are linted as `lint` lints an env file's before anything connects.
        use crate::endpoint::Role;
        // Without --rest-token, the token the env files or the environment hold.
        let found = match (&args.rest_url, &args.rest_token) {
            (Some(_), None) => Some(token_for_rest_url(cli)?),
            _ => None,
        };
        // A token read from a file or the environment is shown with where it came from.
        let found_label = found
            .as_ref()
            .map(|(name, _, origin)| format!("{name} (from {origin})"));
        let token = match (&args.rest_token, &found, &found_label) {
            (Some(token), _, _) => Some(("--rest-token", token.as_str())),
            (None, Some((_, token, _)), Some(label)) => Some((label.as_str(), token.as_str())),
            _ => None,
        };
        let mut flags = Vec::new();
        if let Some(url) = &args.redis_url {
            flags.push(("--redis-url", Role::TcpUrl, url.as_str()));
        }
        let rest = args.rest_url.as_deref().zip(token);
        if let Some((url, (label, token))) = rest {
            flags.push(("--rest-url", Role::RestUrl, url));
            flags.push((label, Role::Token, token));
        }
        // Every secret is known before anything is printed, whether or not it is probed;
        // a token that is a placeholder as a whole is none.
        let tcp_url = args
            .redis_url
            .as_deref()
            .map(|u| Sensitive::classify(u, Hint::Url));
        let rest = rest.map(|(url, (_, token))| {
            let placeholder = crate::secret::find_placeholder(token) == Some(0..token.len());
            (
                Sensitive::classify(url, Hint::Url),
                (!placeholder).then(|| Secret::new(token)),
            )
        });
        let (source, found) = crate::lint::lint_values("command line", &flags);
        diagnostics = found;
        sources.push(source);
        if let Some(url) = tcp_url {
            let job = Job {
                transport: Transport::Tcp,
                url,
                token: None,
            };
            jobs.push(("--redis-url".into(), None, None, job));
        }
        if let Some((url, token)) = rest {
            let job = Job {
                transport: Transport::Rest,
                url,
                token,
            };
            jobs.push(("--rest-url".into(), None, None, job));
        }
    } else if let Some(files) = crate::cli::folder_env_files(cli, "checking the credentials in") {
        // Linted first: a line that `lint` reports (an unquoted `Bearer ...` token) may be
        // one that no env file reader parses, and its finding says what to do.
        for file in &files {
            let (source, found) =
                crate::lint::lint_env(crate::input::load_source_keeping_bom(file)?);
            diagnostics.extend(found);
            sources.push(source);
        }
        if !diagnostics
            .iter()
            .any(crate::diagnostic::Diagnostic::is_error)
        {
            let env = crate::project::env_files(crate::interpolate::Env::default(), &files)?;
            let from = files
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ");
            jobs = env_jobs(&env, &from)?
                .into_iter()
                .map(|(name, job)| (name, None, None, job))
                .collect();
        }
    } else if let Some(found) = process_credentials(cli) {
        // No descriptor and no env file: the credentials a CI job or a Fly machine has in
        // its environment, linted as `lint` lints an env file's.
        let names: Vec<&str> = found.iter().map(|(name, _, _)| name.as_str()).collect();
        crate::cli::say!(
            "note: no {} and no env file here; checking the credentials in the process environment ({})",
            cli.config.display(),
            names.join(", ")
        );
        let values: Vec<(&str, crate::endpoint::Role, &str)> = found
            .iter()
            .map(|(name, role, value)| (name.as_str(), *role, value.as_str()))
            .collect();
        let (source, found) = crate::lint::lint_values("process environment", &values);
        diagnostics = found;
        sources.push(source);
        if !diagnostics
            .iter()
            .any(crate::diagnostic::Diagnostic::is_error)
        {
            jobs = env_jobs(
                &crate::interpolate::Env::from_process(),
                crate::interpolate::PROCESS_ENVIRONMENT,
            )?
            .into_iter()
            .map(|(name, job)| (name, None, None, job))
            .collect();
        }
    } else {
        let r = load_descriptor(cli)?;
        let targets = select_targets(&r, args.target.as_deref())?;
        for t in &targets {
            for job in jobs_for(&r.plan, t, args.both) {
                jobs.push((t.name.clone(), t.kind, Some(t.access), job));
            }
        }
        plan_targets = targets.into_iter().cloned().collect();
        diagnostics = r.diagnostics;
        sources.push(r.source);
    }
    // An error among them (a REST URL to a Fly database, a TCP password as the token, a
    // placeholder) says the login cannot work as given: nothing connects.
    let blocked = diagnostics
        .iter()
        .any(crate::diagnostic::Diagnostic::is_error);
    if blocked {
        jobs.clear();
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Runtime(format!("cannot start the async runtime: {e}")))?;
    let mut cache: HashMap<Job, (usize, CheckResult)> = HashMap::new();
    let mut results = Vec::new();
    for (target, kind, expected, job) in jobs {
        let (probe, result) = match cache.get(&job) {
            Some(r) => r.clone(),
            None => {
                let r = runtime.block_on(run(&job, &options, &tcp_tls, &rest_tls));
                let probe = cache.len();
                cache.insert(job, (probe, r.clone()));
                (probe, r)
            }
        };
        let mut checked = Checked {
            target,
            kind,
            result,
            probe,
            expected,
        };
        access_mismatch(&mut checked);
        results.push(checked);
    }
    // A DNS lookup that timed out still runs on a blocking thread; dropping the runtime
    // would wait for it and make `--timeout 1` exit seconds later. The results are in.
    runtime.shutdown_background();
    let failed = results.iter().any(|c| !c.result.ok);
    #[derive(serde::Serialize)]
    struct Checks<'a> {
        #[serde(flatten)]
        findings: Findings<'a>,
        checks: Vec<CheckJson<'a>>,
    }
    Report::new(Checks {
        findings: Findings::new(&diagnostics, &plan_targets),
        checks: results.iter().map(CheckJson::from).collect(),
    })
    .print(out.format, || {
        let mut stdout = crate::cli::stdout();
        // Each probe once, headed by every target it stands for (targets whose verdict on
        // it differs, an access mismatch for one of them, are shown apart).
        let same = |a: &Checked, b: &Checked| {
            a.probe == b.probe && a.result.ok == b.result.ok && a.result.message == b.result.message
        };
        let mut probes: Vec<&Checked> = Vec::new();
        for c in &results {
            if probes.iter().all(|p| !same(p, c)) {
                probes.push(c);
            }
        }
        for p in &probes {
            let targets: Vec<&str> = results
                .iter()
                .filter(|c| same(p, c))
                .map(|c| c.target.as_str())
                .collect();
            let _ = write!(stdout, "{}", render(&targets.join(", "), &p.result));
        }
        if args.both {
            for line in comparisons(&results) {
                let _ = writeln!(stdout, "{line}");
            }
        }
        drop(stdout);
        if !diagnostics.is_empty() {
            out.diagnostics(&diagnostics, &sources);
        }
        if blocked {
            crate::cli::say!(
                "error: not connecting: the credentials have the errors above (`upwire check` runs `upwire lint`'s checks first); fix them and run it again"
            );
            return;
        }
        let n = probes.len();
        let bad = probes.iter().filter(|c| !c.result.ok).count();
        let mut targets: Vec<&str> = results.iter().map(|c| c.target.as_str()).collect();
        targets.dedup();
        let of_targets = match targets.len() {
            0 | 1 => String::new(),
            t => format!(" for {t} targets"),
        };
        if bad == 0 {
            crate::cli::say!(
                "ok: {n} check{} passed{of_targets}",
                if n == 1 { "" } else { "s" }
            );
        } else {
            crate::cli::say!("error: {bad} of {n} checks failed{of_targets}");
        }
    });
    Ok(if failed { 1 } else { exit_for(&diagnostics) })
}

/// Fails a check whose credential's access, as the `--access` probe found it, is not the
/// target's `access`, with what to change.
fn access_mismatch(c: &mut Checked) {
    let (Some(expected), Some(found)) = (c.expected, c.result.access.clone()) else {
        return;
    };
    let Some(actual) = found.access.filter(|&a| a != expected) else {
        return;
    };
    let r = &mut c.result;
    let what = match r.transport {
        Transport::Tcp => "its TCP login",
        Transport::Rest => "its REST token",
    };
    r.ok = false;
    r.message = format!(
        "target `{}` has access = \"{expected}\", but {what} is {actual} ({})",
        c.target, found.detail
    );
    r.help = Some(match (expected, r.transport) {
        (Access::ReadOnly, Transport::Rest) => format!(
            "`{}` sends the database's `rest_readonly_token` (`rest_token` when there is none): make that the console's read-only token; or set access = \"read-write\" if it must write",
            c.target
        ),
        (Access::ReadOnly, Transport::Tcp) => "log in as the read-only user: rediss://default_ro:<password>@host:6379 on Upstash (an ACL user without +@write elsewhere); or set access = \"read-write\" if it must write".to_owned(),
        (Access::ReadWrite, Transport::Rest) => format!("use the full token (`rest_token`, {}), not the read-only one; or set access = \"read-only\" if it only reads", crate::family::UPSTASH_REST_TOKEN),
        (Access::ReadWrite, Transport::Tcp) => "log in as a user that may write (`default` on Upstash, not `default_ro`); or set access = \"read-only\" if it only reads".to_owned(),
    });
}

/// Without a descriptor and an env file: the variables of the families (`crate::family`,
/// SRH's left out) that the process environment sets, as (name, role, value), by name;
/// `None` when a descriptor is there or named, or none is set.
fn process_credentials(cli: &Cli) -> Option<Vec<(String, crate::endpoint::Role, String)>> {
    if cli.config_given || cli.config.is_file() {
        return None;
    }
    let vars: Vec<(String, String)> = crate::interpolate::process_vars()
        .filter(|(_, value)| !value.is_empty())
        .collect();
    // `ANALYTICS_REDIS_URL` is read only when a value confirms its prefix as Upstash's.
    let mut scope = crate::family::Scope::default();
    scope.confirm(
        vars.iter().map(|(n, v)| (n.as_str(), v.as_str())),
        crate::parse::points_at_upstash,
    );
    let mut found: Vec<(String, crate::endpoint::Role, String)> = vars
        .into_iter()
        .filter_map(|(name, value)| {
            let known = scope.lookup(&name)?;
            (known.variable.family != crate::family::Family::Srh).then_some((
                name.clone(),
                known.variable.role,
                value,
            ))
        })
        .collect();
    found.sort();
    (!found.is_empty()).then_some(found)
}

/// The token for `--rest-url` without `--rest-token`: the first of the names
/// `Redis.fromEnv()` reads (`crate::family::READERS`), then the read-only ones, set in the
/// process environment or in the env files of this folder (every `--env-file`, then the
/// files any framework reads, unless `--no-dotenv`), as (name, value). Says where it came
/// from; an error that says where to put it when none is set.
fn token_for_rest_url(cli: &Cli) -> Result<(&'static str, String, String), Error> {
    use crate::family::{KV_REST_READONLY_TOKEN, READERS, UPSTASH_REST_READONLY_TOKEN};
    let env = crate::project::env_files(
        crate::interpolate::Env::from_process(),
        &crate::cli::env_files_here(cli),
    )?;
    let names = READERS[0]
        .token
        .iter()
        .chain([&UPSTASH_REST_READONLY_TOKEN, &KV_REST_READONLY_TOKEN]);
    for name in names {
        if let Some(value) = env.get(name).filter(|v| !v.is_empty()) {
            let origin = env.origin(name).unwrap_or_default();
            crate::cli::say!("note: the token for --rest-url is `{name}` from {origin}");
            return Ok((name, value.to_owned(), origin));
        }
    }
    Err(Error::Usage(format!(
        "--rest-url needs its token: set {} in .env (or the environment), or pass --rest-token (which keeps it in the shell's history)",
        READERS[0].token[0]
    )))
}

/// Without a descriptor, what the env files in the folder (or the process environment)
/// hold, by variable family (`crate::family`), first value found wins: each TCP URL, and the
/// REST URL of each family and prefix with its token (the full one, else the read-only one),
/// named by the URL's variable. SRH's variables configure `upwire serve`, not an app, and
/// are left out. `from` says where the values were looked for.
fn env_jobs(env: &crate::interpolate::Env, from: &str) -> Result<Vec<(String, Job)>, Error> {
    use crate::endpoint::Role;
    use crate::family::{Family, Scope};
    let mut names: Vec<&str> = env.names().collect();
    names.sort_unstable();
    names.dedup();
    // `ANALYTICS_REDIS_URL` is read only when a value confirms its prefix as Upstash's.
    let mut scope = Scope::default();
    scope.confirm(
        names.iter().filter_map(|n| Some((*n, env.get(n)?))),
        crate::parse::points_at_upstash,
    );
    // Unprefixed names first, and Upstash's before the Marketplace's: `Redis.fromEnv()`'s
    // order (`crate::family::READERS`).
    let mut known: Vec<_> = names
        .iter()
        .filter_map(|n| scope.lookup(n))
        .filter(|k| k.variable.family != Family::Srh)
        .collect();
    known.sort_by_key(|k| {
        (
            !k.prefix.is_empty(),
            k.prefix,
            k.variable.family,
            k.variable.role,
        )
    });
    let name = |k: &crate::family::Known<'_>| format!("{}{}", k.prefix, k.variable.name);
    let value = |k: &crate::family::Known<'_>| env.get(&name(k)).filter(|v| !v.is_empty());
    let mut jobs = Vec::new();
    for k in &known {
        let Some(url) = value(k) else { continue };
        match k.variable.role {
            Role::TcpUrl => jobs.push((
                name(k),
                Job {
                    transport: Transport::Tcp,
                    url: Sensitive::classify(url, Hint::Url),
                    token: None,
                },
            )),
            Role::RestUrl => {
                let token = [Role::Token, Role::ReadonlyToken].iter().find_map(|role| {
                    known
                        .iter()
                        .find(|t| {
                            t.prefix == k.prefix
                                && t.variable.family == k.variable.family
                                && t.variable.role == *role
                        })
                        .and_then(value)
                });
                if let Some(token) = token {
                    jobs.push((
                        name(k),
                        Job {
                            transport: Transport::Rest,
                            url: Sensitive::classify(url, Hint::Url),
                            token: Some(Secret::new(token)),
                        },
                    ));
                }
            }
            Role::Token | Role::ReadonlyToken => {}
        }
    }
    if jobs.is_empty() {
        return Err(Error::Usage(format!(
            "{from} set no Redis URL, nor a REST URL with its token ({}, {} and {}, or the Vercel Marketplace's {} and {}); add them, run `upwire init` to write a descriptor, or pass --redis-url / --rest-url",
            crate::family::REDIS_URL,
            crate::family::UPSTASH_REST_URL,
            crate::family::UPSTASH_REST_TOKEN,
            crate::family::KV_REST_URL,
            crate::family::KV_REST_TOKEN,
        )));
    }
    Ok(jobs)
}

/// The endpoints to check for a target: its transport, or both with `--both`.
fn jobs_for(plan: &Plan, t: &TargetPlan, both: bool) -> Vec<Job> {
    let Some(db) = t
        .database
        .as_deref()
        .and_then(|n| plan.databases.iter().find(|d| d.name == n))
    else {
        return Vec::new();
    };
    let v = &db.values;
    let token = v.token_for(t.access, true).cloned();
    let tcp = v.redis_url.clone().map(|url| Job {
        transport: Transport::Tcp,
        url,
        token: None,
    });
    let rest = v.rest_url.clone().zip(token).map(|(url, token)| Job {
        transport: Transport::Rest,
        url,
        token: Some(token),
    });
    match (both, t.transport) {
        (true, _) => tcp.into_iter().chain(rest).collect(),
        (false, Some(Transport::Tcp)) => tcp.into_iter().collect(),
        (false, Some(Transport::Rest)) => rest.into_iter().collect(),
        (false, None) => Vec::new(),
    }
}

async fn run(
    job: &Job,
    options: &CheckOptions,
    tcp_tls: &Arc<rustls::ClientConfig>,
    rest_tls: &Arc<rustls::ClientConfig>,
) -> CheckResult {
    match job.transport {
        Transport::Tcp => check_tcp(job.url.expose_secret(), options, Arc::clone(tcp_tls)).await,
        Transport::Rest => {
            check_rest(
                job.url.expose_secret(),
                job.token.as_ref().map_or("", Secret::expose_secret),
                options,
                Arc::clone(rest_tls),
            )
            .await
        }
    }
}

/// A check in JSON (docs/json.md).
#[derive(serde::Serialize)]
struct CheckJson<'a> {
    target: &'a str,
    transport: Transport,
    ok: bool,
    stage: crate::check::Stage,
    error_kind: Option<crate::check::ErrorKind>,
    message: &'a str,
    help: Option<&'a str>,
    endpoint: &'a str,
    stages: Vec<StageJson>,
    latency_ms: Option<LatencyJson>,
    /// Only on a TLS failure: the TLS library's own words, which `message` puts in plain ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    tls_error: Option<&'a str>,
    /// With `--access`: `read-only`, `read-write`, or null when it could not be told.
    #[serde(skip_serializing_if = "Option::is_none")]
    access: Option<Option<Access>>,
    /// With `--access`: how the access was told, or why it could not be.
    #[serde(skip_serializing_if = "Option::is_none")]
    access_detail: Option<&'a str>,
}

#[derive(serde::Serialize)]
struct StageJson {
    stage: crate::check::Stage,
    ms: f64,
}

#[derive(serde::Serialize)]
struct LatencyJson {
    min: f64,
    median: f64,
    p95: f64,
}

impl<'a> From<&'a Checked> for CheckJson<'a> {
    fn from(c: &'a Checked) -> Self {
        let r = &c.result;
        Self {
            target: &c.target,
            transport: r.transport,
            ok: r.ok,
            stage: r.stage,
            error_kind: r.error_kind,
            message: &r.message,
            help: r.help.as_deref(),
            endpoint: &r.endpoint,
            stages: r
                .stages
                .iter()
                .map(|s| StageJson {
                    stage: s.stage,
                    ms: round(s.ms),
                })
                .collect(),
            latency_ms: r.latency.map(|l| LatencyJson {
                min: round(l.min),
                median: round(l.median),
                p95: round(l.p95),
            }),
            tls_error: r.tls_error.as_deref(),
            access: r.access.as_ref().map(|a| a.access),
            access_detail: r.access.as_ref().map(|a| a.detail.as_str()),
        }
    }
}

fn round(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

fn render(targets: &str, r: &CheckResult) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{targets}: {} {}", r.transport, r.endpoint);
    for st in &r.stages {
        let extra = match (st.stage, r.latency) {
            (crate::check::Stage::Command, Some(l)) => format!(
                "  (PING round trips: min {:.2} ms, median {:.2} ms, p95 {:.2} ms)",
                l.min, l.median, l.p95
            ),
            _ => String::new(),
        };
        let _ = writeln!(s, "  {:<8} {:>8.2} ms{extra}", st.stage.as_str(), st.ms);
    }
    if let Some(found) = &r.access {
        let access = found.access.map_or("unknown", Access::as_str);
        let _ = writeln!(s, "  access   {access} ({})", found.detail);
    }
    if r.ok {
        let _ = writeln!(s, "  ok: {}", r.message);
    } else if r.error_kind.is_none() {
        // The login worked; its access is not the target's.
        let _ = writeln!(s, "  FAILED [access]: {}", r.message);
        if let Some(help) = &r.help {
            let _ = writeln!(s, "  help: {help}");
        }
    } else {
        let kind = r.error_kind.map_or("error", |k| match k {
            crate::check::ErrorKind::Dns => "dns",
            crate::check::ErrorKind::Refused => "refused",
            crate::check::ErrorKind::Timeout => "timeout",
            crate::check::ErrorKind::Tls => "tls",
            crate::check::ErrorKind::Auth => "auth",
            crate::check::ErrorKind::Protocol => "protocol",
            crate::check::ErrorKind::Http => "http",
            crate::check::ErrorKind::Limit => "limit",
        });
        let _ = writeln!(
            s,
            "  FAILED at {} [{kind}]: {}",
            r.stage.as_str(),
            r.message
        );
        if let Some(help) = &r.help {
            let _ = writeln!(s, "  help: {help}");
        }
    }
    s.push('\n');
    s
}

/// With `--both`: one line per target comparing the transports, and what it means for the
/// target's kind.
fn comparisons(results: &[Checked]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut seen = Vec::new();
    for c in results {
        if seen.contains(&c.target) {
            continue;
        }
        seen.push(c.target.clone());
        let of = |t: Transport| {
            results
                .iter()
                .find(|x| x.target == c.target && x.result.transport == t && x.result.ok)
        };
        let (Some(tcp), Some(rest)) = (of(Transport::Tcp), of(Transport::Rest)) else {
            continue;
        };
        let (Some(tl), Some(rl)) = (tcp.result.latency, rest.result.latency) else {
            continue;
        };
        let setup: f64 = tcp
            .result
            .stages
            .iter()
            .filter(|s| s.stage != crate::check::Stage::Command)
            .map(|s| s.ms)
            .sum();
        let meaning = c
            .kind
            .map_or_else(String::new, |k| k.latency_meaning(setup));
        let ratio = if tl.median > 0.0 {
            rl.median / tl.median
        } else {
            0.0
        };
        lines.push(format!(
            "{}: tcp median {:.2} ms (setup {setup:.1} ms) vs rest median {:.2} ms ({ratio:.1}×){}{meaning}",
            c.target,
            tl.median,
            rl.median,
            if meaning.is_empty() { "" } else { "; " },
        ));
    }
    lines
}
