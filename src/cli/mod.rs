//! Command-line types and dispatch: the only module that knows about clap and prints.

#[cfg(feature = "check")]
mod check;
mod generate;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use serde_json::json;

use crate::diagnostic::{Diagnostic, DiagnosticJson, SourceFile, TextRenderer, summary};
use crate::error::{Error, load_source};
use crate::interpolate::Env;
use crate::model::{Kind, did_you_mean};
use crate::plan::{Resolved, TargetPlan, resolve};

/// Decide TCP `REDIS_URL` or the Upstash REST API for every deployment target, validate
/// URLs and tokens, and write the config.
#[derive(Debug, Parser)]
#[command(name = "upwire", version, about, max_term_width = 100)]
pub struct Cli {
    /// The descriptor.
    #[arg(
        short = 'c',
        long = "config",
        global = true,
        env = "UPWIRE_CONFIG",
        default_value = "upwire.toml"
    )]
    pub(crate) config: PathBuf,
    /// An env file to resolve `${NAME}` from, after the process environment (repeatable).
    #[arg(long = "env-file", global = true, value_name = "PATH")]
    env_files: Vec<PathBuf>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// When to colour diagnostics.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    color: Color,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

// `defer`: only the subcommand that runs gets its arguments built; building all nine cost
// 8% of a short `lint` run (callgrind).
#[derive(Debug, Subcommand)]
#[command(defer = true)]
enum Command {
    /// Write a commented upwire.toml.
    Init {
        /// Add a target of this kind (repeatable): server, container, lambda, edge, mobile.
        #[arg(long = "kind", value_parser = parse_kind)]
        kinds: Vec<Kind>,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Check the descriptor and/or env files (.env, .env.local, .dev.vars, any KEY=VALUE file).
    Lint {
        /// Files to check; `*.toml` are descriptors, anything else an env file. Default: the
        /// descriptor and every --env-file.
        paths: Vec<PathBuf>,
    },
    /// Show every target's transport, the rules that decided it, and its variables.
    Resolve {
        /// Only this target.
        #[arg(long)]
        target: Option<String>,
        /// Print secrets instead of `****`.
        #[arg(long)]
        show_secrets: bool,
    },
    /// Print the long explanation of a rule id or diagnostic code (all ids without one).
    Explain {
        /// A rule id (`kind-lambda`) or diagnostic code (`tls-required`).
        id: Option<String>,
    },
    /// Write env files, platform files, starter client code and REDIS.md for every target.
    Generate {
        /// Only this target (REDIS.md is still written).
        #[arg(long)]
        target: Option<String>,
        /// Show what would change, as a diff; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Also replace existing starter code (src/redis_client.rs).
        #[arg(long)]
        force: bool,
    },
    /// Print the Markdown connection guide (or write it with --out).
    Docs {
        /// Write the guide to this file instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Run a local Upstash-compatible REST endpoint over a Redis server, for development and CI.
    #[cfg(feature = "serve")]
    Serve {
        /// The Redis to serve (plain redis://, e.g. a local redis-server).
        #[arg(long, value_name = "URL", default_value = crate::serve::DEFAULT_REDIS)]
        redis: String,
        /// Where to listen. A non-loopback address needs --token.
        #[arg(long, value_name = "ADDR", default_value = crate::serve::DEFAULT_LISTEN,
              value_parser = |s: &str| crate::serve::parse_listen(s).map_err(|e| e.to_string()))]
        listen: std::net::SocketAddr,
        /// The full-access token clients send as `Authorization: Bearer TOKEN` or `?_token=`.
        /// Without it, serve makes a random one and prints it once.
        #[arg(
            long,
            value_name = "TOKEN",
            env = "UPWIRE_SERVE_TOKEN",
            hide_env_values = true
        )]
        token: Option<String>,
        /// A token that may only run reads (needs --token).
        #[arg(
            long,
            value_name = "TOKEN",
            env = "UPWIRE_SERVE_READONLY_TOKEN",
            hide_env_values = true
        )]
        readonly_token: Option<String>,
        /// Serve without any token (loopback addresses only).
        #[arg(long, conflicts_with_all = ["token", "readonly_token"])]
        no_auth: bool,
        /// Also accept this name in the Host header (repeatable); the listen address and
        /// localhost always work.
        #[arg(long, value_name = "NAME")]
        allow_host: Vec<String>,
        /// Let browser pages from this origin call (repeatable, or `*` for any); requests
        /// from other origins are refused.
        #[arg(long, value_name = "ORIGIN")]
        cors_origin: Vec<String>,
        /// Let the read-only token run read-only scripts and functions (EVAL_RO, FCALL_RO).
        #[arg(long)]
        readonly_scripts: bool,
        /// Bytes of request bodies all requests together may hold at once; past it, 503.
        #[arg(long, value_name = "BYTES", default_value_t = crate::serve::DEFAULT_MAX_BODY_BUDGET)]
        max_body_budget: usize,
        /// Open client connections at most; past it, 503.
        #[arg(long, value_name = "N", default_value_t = crate::serve::DEFAULT_MAX_CONNECTIONS)]
        max_connections: usize,
        /// Do not log one line per request.
        #[arg(long)]
        quiet: bool,
    },
    /// Prove the login over TCP/TLS and REST: every stage timed, failures classified.
    #[cfg(feature = "check")]
    Check(check::CheckArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    Kind::parse(s).ok_or_else(|| {
        let hint = did_you_mean(s, Kind::NAMES)
            .map(|k| format!(" (did you mean `{k}`?)"))
            .unwrap_or_default();
        format!(
            "unknown kind `{s}`{hint}; use one of: {}",
            Kind::NAMES.join(", ")
        )
    })
}

/// Runs the command line and returns the process exit code (0, 1 or 2).
#[must_use]
pub fn run() -> ExitCode {
    // `Cli::try_parse()`, except that the clap `Command` tree is not freed: freeing its many
    // small allocations cost 5% of a `lint` run (callgrind), and the process exits soon anyway.
    remember_argv_secrets();
    let mut command = std::mem::ManuallyDrop::new(Cli::command());
    let parsed = command
        .try_get_matches_from_mut(std::env::args_os())
        .and_then(|mut matches| Cli::from_arg_matches_mut(&mut matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let e = e.format(&mut command);
            // clap quotes rejected values: through the scrubber like everything else.
            let styled = e.render();
            let color = if e.use_stderr() {
                std::io::stderr().is_terminal()
            } else {
                std::io::stdout().is_terminal()
            } && std::env::var_os("NO_COLOR").is_none();
            let text = if color {
                styled.ansi().to_string()
            } else {
                styled.to_string()
            };
            let _ = if e.use_stderr() {
                write!(stderr(), "{text}")
            } else {
                write!(stdout(), "{text}")
            };
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match dispatch(&cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            say!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Classifies every command-line argument when it is read: the value of a flag whose name
/// says credential (`--token`, `--rest-token`, ...) is secret as a whole; any other argument
/// is secret where it looks like one (a URL's password, `?_token=`, a token-shaped word).
fn remember_argv_secrets() {
    let mut credential_flag = false;
    for arg in std::env::args_os().skip(1) {
        let arg = arg.to_string_lossy();
        let (flag, value) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (Some(f), v),
            _ if arg.starts_with("--") => (Some(arg.as_ref()), ""),
            _ => (None, arg.as_ref()),
        };
        let hint = if credential_flag || flag.is_some_and(is_credential_flag) {
            crate::secret::Hint::Credential
        } else {
            flag.map_or(crate::secret::Hint::Plain, crate::secret::hint_for_name)
        };
        // A path is not a secret: its directory names would otherwise be scrubbed from
        // every message that names the file.
        let path = value.contains('/') && !value.contains("://") && !value.contains('@');
        if !(value.is_empty() || path && hint == crate::secret::Hint::Plain) {
            let _ = crate::secret::Sensitive::classify(value, hint);
        }
        credential_flag = value.is_empty() && flag.is_some_and(is_credential_flag);
    }
}

fn is_credential_flag(flag: &str) -> bool {
    ["token", "password", "pass", "secret"]
        .iter()
        .any(|w| flag.ends_with(w))
}

pub(crate) struct Output {
    pub(crate) format: Format,
    renderer: TextRenderer,
}

impl Output {
    pub(crate) fn new(cli: &Cli) -> Self {
        let color = match cli.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        Self {
            format: cli.format,
            renderer: TextRenderer::new(color),
        }
    }

    /// Text: diagnostics to stderr, rustc-style, with a closing count.
    pub(crate) fn diagnostics(&self, diags: &[Diagnostic], sources: &[SourceFile]) {
        let mut err = stderr();
        for d in diags {
            let _ = write!(err, "{}", self.renderer.render(d, sources));
        }
        let (errors, warnings) = summary(diags);
        let names: Vec<&str> = sources.iter().map(|s| s.name.as_str()).collect();
        let line = match (errors, warnings) {
            // Notes (things to double-check) are shown above; "no problems" would contradict them.
            (0, 0) if !diags.is_empty() => {
                format!("ok: no errors or warnings in {}", names.join(", "))
            }
            (0, 0) => format!("ok: no problems found in {}", names.join(", ")),
            (0, w) => format!("warning: {} in {}", plural(w, "warning"), names.join(", ")),
            (e, w) => format!(
                "error: {}, {} in {}",
                plural(e, "error"),
                plural(w, "warning"),
                names.join(", ")
            ),
        };
        let _ = writeln!(err, "{line}");
    }

    pub(crate) fn json(value: &serde_json::Value) {
        Self::json_revealing(value, false);
    }

    /// JSON on stdout; secrets shown only when `reveal` (`--show-secrets`).
    pub(crate) fn json_revealing(value: &serde_json::Value, reveal: bool) {
        let mut out = Scrubbed::revealing(std::io::stdout().lock(), reveal);
        let _ = serde_json::to_writer_pretty(&mut out, value);
        let _ = writeln!(out);
    }
}

/// Standard output through the secret scrubber: every remembered secret prints as `****`.
pub(crate) fn stdout() -> Scrubbed<std::io::StdoutLock<'static>> {
    Scrubbed::new(std::io::stdout().lock())
}

/// Standard error through the secret scrubber.
pub(crate) fn stderr() -> Scrubbed<std::io::StderrLock<'static>> {
    Scrubbed::new(std::io::stderr().lock())
}

/// Prints a line on stderr through the secret scrubber.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!($crate::cli::stderr(), $($arg)*);
    }};
}
pub(crate) use say;

/// A writer that passes whole lines through [`crate::secret::scrub`]: the one way out of
/// the command line for text, so a message that quotes a secret by mistake prints `****`.
pub(crate) struct Scrubbed<W: Write> {
    inner: W,
    pending: Vec<u8>,
    /// `resolve --show-secrets` only: the user asked to see the secrets.
    reveal: bool,
}

impl<W: Write> Scrubbed<W> {
    pub(crate) fn new(inner: W) -> Self {
        Self {
            inner,
            pending: Vec::new(),
            reveal: false,
        }
    }

    /// A writer that shows secrets: for `--show-secrets`, the one output where the user asked
    /// for them.
    pub(crate) fn revealing(inner: W, reveal: bool) -> Self {
        Self {
            inner,
            pending: Vec::new(),
            reveal,
        }
    }

    fn emit(&mut self, upto: usize) -> std::io::Result<()> {
        let chunk: Vec<u8> = self.pending.drain(..upto).collect();
        if self.reveal {
            return self.inner.write_all(&chunk);
        }
        self.inner.write_all(&crate::secret::scrub_bytes(&chunk))
    }
}

impl<W: Write> Write for Scrubbed<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if let Some(last) = self.pending.iter().rposition(|&b| b == b'\n') {
            self.emit(last + 1)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let n = self.pending.len();
        self.emit(n)?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for Scrubbed<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

pub(crate) fn exit_for(diags: &[Diagnostic]) -> u8 {
    u8::from(diags.iter().any(Diagnostic::is_error))
}

fn dispatch(cli: &Cli) -> Result<u8, Error> {
    match &cli.command {
        Command::Init { kinds, force } => init(cli, kinds, *force),
        Command::Lint { paths } => lint(cli, paths),
        Command::Resolve {
            target,
            show_secrets,
        } => resolve_cmd(cli, target.as_deref(), *show_secrets),
        Command::Explain { id } => explain(cli, id.as_deref()),
        Command::Generate {
            target,
            dry_run,
            force,
        } => generate::generate(cli, target.as_deref(), *dry_run, *force),
        Command::Docs { out } => generate::docs(cli, out.as_deref()),
        #[cfg(feature = "check")]
        Command::Check(args) => check::check(cli, args),
        #[cfg(feature = "serve")]
        Command::Serve {
            redis,
            listen,
            token,
            readonly_token,
            no_auth,
            allow_host,
            cors_origin,
            readonly_scripts,
            max_body_budget,
            max_connections,
            quiet,
        } => {
            let mut config = crate::serve::ServeConfig::new(redis.clone())
                .listen(*listen)
                .no_auth(*no_auth)
                .quiet(*quiet);
            config.token = token.as_deref().map(crate::secret::Secret::new);
            config.readonly_token = readonly_token.as_deref().map(crate::secret::Secret::new);
            config.allow_hosts.clone_from(allow_host);
            config.cors_origins.clone_from(cors_origin);
            config.readonly_scripts = *readonly_scripts;
            config.max_body_budget = *max_body_budget;
            config.max_connections = *max_connections;
            crate::serve::run(&config)
                .map(|()| 0)
                .map_err(|e| Error::Usage(e.to_string()))
        }
        Command::Completions { shell } => {
            clap_complete::generate(*shell, &mut Cli::command(), "upwire", &mut stdout());
            Ok(0)
        }
    }
}

fn env(cli: &Cli) -> Result<Env, Error> {
    with_env_files(cli, Env::from_process())
}

/// `env` plus every `--env-file`, each of which must exist and parse.
fn with_env_files(cli: &Cli, mut env: Env) -> Result<Env, Error> {
    for path in &cli.env_files {
        if !path.exists() {
            return Err(Error::NotFound { path: path.clone() });
        }
        env.add_file(path)?;
    }
    Ok(env)
}

pub(crate) fn load_descriptor(cli: &Cli) -> Result<Resolved, Error> {
    let source = load_source(&cli.config).map_err(|e| match e {
        Error::NotFound { path } => Error::Usage(format!(
            "`{}` does not exist; run `upwire init` to write one, or pass -c PATH",
            path.display()
        )),
        other => other,
    })?;
    Ok(resolve(source, &env(cli)?))
}

fn init(cli: &Cli, kinds: &[Kind], force: bool) -> Result<u8, Error> {
    let path = &cli.config;
    if path.exists() && !force {
        return Err(Error::Exists { path: path.clone() });
    }
    let project = std::env::current_dir()
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .map(|n| {
            n.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                })
                .collect::<String>()
        })
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "app".to_owned());
    let text = crate::init::render_init(&project, kinds);
    crate::write::write_atomic(path, text.as_bytes(), None)?;
    if cli.format == Format::Json {
        Output::json(&json!({"version": 1, "written": [path.display().to_string()]}));
    } else {
        say!(
            "wrote {}: fill in the variables, then run `upwire lint`",
            path.display()
        );
    }
    Ok(0)
}

fn is_descriptor(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "toml")
}

fn lint(cli: &Cli, paths: &[PathBuf]) -> Result<u8, Error> {
    let out = Output::new(cli);
    let mut targets: Vec<PathBuf> = paths.to_vec();
    if targets.is_empty() {
        targets.push(cli.config.clone());
        targets.extend(cli.env_files.iter().cloned());
    }
    // Only descriptors interpolate `${NAME}`: env files alone need no copy of the process
    // environment (5% of a short `lint` run). `--env-file`s are still read and checked.
    let env = if targets.iter().any(|p| is_descriptor(p)) {
        env(cli)?
    } else {
        with_env_files(cli, Env::default())?
    };
    let mut sources = Vec::new();
    let mut diags = Vec::new();
    let mut plans: Vec<TargetPlan> = Vec::new();
    for path in &targets {
        if is_descriptor(path) {
            let r = resolve(load_source(path)?, &env);
            diags.extend(r.diagnostics);
            plans.extend(r.plan.targets);
            sources.push(r.source);
        } else {
            let source = crate::error::load_source_keeping_bom(path)?;
            let (source, found) = crate::lint::lint_env(source);
            diags.extend(found);
            sources.push(source);
        }
    }
    match out.format {
        Format::Json => Output::json(&json!({
            "version": 1,
            "diagnostics": diags.iter().map(DiagnosticJson::from).collect::<Vec<_>>(),
            "targets": plans.iter().map(|t| t.to_json(false)).collect::<Vec<_>>(),
        })),
        Format::Text => out.diagnostics(&diags, &sources),
    }
    Ok(exit_for(&diags))
}

/// The targets `--target NAME` selects (all without it). An unknown name is a usage error
/// with a did-you-mean, unless the descriptor yielded no targets at all (its diagnostics then
/// say why).
pub(crate) fn select_targets<'a>(
    r: &'a Resolved,
    only: Option<&str>,
) -> Result<Vec<&'a TargetPlan>, Error> {
    let targets: Vec<&TargetPlan> = r
        .plan
        .targets
        .iter()
        .filter(|t| only.is_none_or(|n| n == t.name))
        .collect();
    if let Some(name) = only
        && targets.is_empty()
        && !r.plan.targets.is_empty()
    {
        let names: Vec<&str> = r.plan.targets.iter().map(|t| t.name.as_str()).collect();
        let hint = did_you_mean(name, &names)
            .map(|n| format!(" (did you mean `{n}`?)"))
            .unwrap_or_default();
        return Err(Error::Usage(format!(
            "no target `{name}` in {}{hint}; targets: {}",
            r.source.name,
            names.join(", ")
        )));
    }
    Ok(targets)
}

fn resolve_cmd(cli: &Cli, only: Option<&str>, show_secrets: bool) -> Result<u8, Error> {
    let out = Output::new(cli);
    let r = load_descriptor(cli)?;
    let targets = select_targets(&r, only)?;
    match out.format {
        Format::Json => Output::json_revealing(
            &json!({
                "version": 1,
                "diagnostics": r.diagnostics.iter().map(DiagnosticJson::from).collect::<Vec<_>>(),
                "targets": targets.iter().map(|t| t.to_json(show_secrets)).collect::<Vec<_>>(),
            }),
            show_secrets,
        ),
        Format::Text => {
            let mut stdout = Scrubbed::revealing(std::io::stdout().lock(), show_secrets);
            for t in &targets {
                let _ = write!(stdout, "{}", render_target(t, show_secrets));
            }
            drop(stdout);
            out.diagnostics(&r.diagnostics, std::slice::from_ref(&r.source));
        }
    }
    Ok(exit_for(&r.diagnostics))
}

fn render_target(t: &TargetPlan, show_secrets: bool) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let transport = t.transport.map_or("undecided", |x| x.as_str());
    let _ = writeln!(s, "{} → {transport}", t.name);
    let mut facts = vec![format!("kind {}", t.kind.map_or("?", |k| k.as_str()))];
    if let Some(p) = t.platform {
        facts.push(format!("platform {p}"));
    }
    facts.push(format!("database {}", t.database.as_deref().unwrap_or("?")));
    facts.push(t.access.to_string());
    let _ = writeln!(s, "  {}", facts.join(" · "));
    for (rule, reason) in t.rules.iter().zip(&t.reasons) {
        let _ = writeln!(s, "  [{rule}] {reason}");
    }
    for var in &t.env {
        let value = var
            .display(show_secrets)
            .unwrap_or_else(|| "<unresolved>".to_owned());
        let _ = writeln!(s, "  {}={value}", var.name);
    }
    s.push('\n');
    s
}

fn explain(cli: &Cli, id: Option<&str>) -> Result<u8, Error> {
    let Some(id) = id else {
        let mut out = stdout();
        let _ = writeln!(out, "rules:");
        for rule in crate::rule::RULES {
            let _ = writeln!(out, "  {:<26}{}", rule.id(), rule.summary());
        }
        let _ = writeln!(out, "\ndiagnostic codes:");
        for code in crate::code::Code::ALL {
            let _ = writeln!(
                out,
                "  {:<26}{:<8} {}",
                code.name(),
                code.default_severity(),
                code.summary()
            );
        }
        return Ok(0);
    };
    let Some(text) = crate::explain(id) else {
        let ids = crate::explain_ids();
        let hint = did_you_mean(id, &ids)
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        return Err(Error::Usage(format!(
            "no rule or diagnostic code named `{id}`{hint}; `upwire explain` lists them all"
        )));
    };
    if cli.format == Format::Json {
        Output::json(&json!({"version": 1, "id": id, "text": text}));
    } else {
        let _ = write!(stdout(), "{text}");
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    /// clap's own consistency checks, over every subcommand: they are built lazily
    /// (`defer`), so a mistake in one would otherwise show only when that one runs.
    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    /// With `defer`, building a subcommand applies its `Args` struct's doc comment over the
    /// variant's: `upwire --help` (unbuilt) and `upwire check --help` (built) must agree.
    #[test]
    fn every_subcommand_keeps_its_one_line_help() {
        let about = |command: &clap::Command| {
            command
                .get_subcommands()
                // Building adds clap's own `help` subcommand.
                .filter(|sub| sub.get_name() != "help")
                .map(|sub| {
                    (
                        sub.get_name().to_owned(),
                        sub.get_about().map(ToString::to_string),
                    )
                })
                .collect::<Vec<_>>()
        };
        let listed = about(&Cli::command());
        let mut built = Cli::command();
        built.build();
        assert_eq!(listed, about(&built));
        assert!(
            listed.iter().all(|(_, about)| about.is_some()),
            "{listed:?}"
        );
    }
}
