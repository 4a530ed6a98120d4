//! Command-line types and dispatch: the only module that knows about clap and prints.

#[cfg(feature = "check")]
mod check;
mod completions;
mod explain;
mod fix;
mod generate;
mod init;
mod lint;
mod output;
pub(crate) mod report;
mod resolve;
mod sarif;

pub(crate) use crate::project::select_targets;
pub(crate) use output::{Output, Scrubbed, exit_for, say, stderr, stdout};
pub(crate) use report::{Findings, Report};

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::diagnostic::{Diagnostic, SourceFile, TextRenderer, summary};
use crate::error::Error;
use crate::input::load_source;
use crate::interpolate::Env;
use crate::model::{Kind, did_you_mean};
use crate::plan::{Resolved, TargetPlan, resolve};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

/// The command line. `--help` starts with Cargo.toml's `description` (`about`).
#[derive(Debug, Parser)]
// The global flags under their own heading: each subcommand's help lists its own first.
#[command(
    name = "upwire",
    version,
    about,
    max_term_width = 100,
    next_help_heading = "Global options"
)]
pub(crate) struct Cli {
    /// The descriptor. Without it, `upwire.toml` in the current directory or the nearest
    /// parent that has one.
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
    /// Do not read the env files found by convention (`.env`, `.env.local`, `.dev.vars`, ...).
    #[arg(long, global = true)]
    no_dotenv: bool,
    /// Whether `-c` / `UPWIRE_CONFIG` named the descriptor (set after parsing).
    #[arg(skip)]
    config_given: bool,
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
    /// SARIF 2.1.0, for code scanning: `lint` only.
    Sarif,
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
        /// Add a target of this kind (repeatable).
        #[arg(long = "kind", value_parser = KindParser)]
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
        /// Check descriptors without their secrets (in CI): `${NAME}` is not resolved and
        /// not reported as unresolved; everything else is checked.
        #[arg(long)]
        no_env: bool,
    },
    /// Apply the fixes lint can make without asking (rediss://, quotes, `Bearer `, ...);
    /// report the rest.
    #[command(long_about = fix_about())]
    Fix {
        /// Files to fix, as for lint. Default: the descriptor and every --env-file.
        paths: Vec<PathBuf>,
        /// Print the changes as a diff (secrets masked); write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Show every target's transport, the rules that decided it, and its variables.
    Resolve {
        /// Only this target.
        #[arg(long, value_hint = clap::ValueHint::Other)]
        target: Option<String>,
        /// Print secrets instead of `****`.
        #[arg(long)]
        show_secrets: bool,
    },
    /// Print the long explanation of a rule id, a diagnostic code or a pasted error message (all ids without one).
    Explain {
        /// A rule id (`kind-lambda`), a diagnostic code (`tls-required`), or the text of an
        /// error message a client printed (`"read ECONNRESET"`).
        id: Option<String>,
    },
    /// Write env files, platform files, starter client code and REDIS.md for every target.
    Generate {
        /// Only this target (REDIS.md is still written).
        #[arg(long, value_hint = clap::ValueHint::Other)]
        target: Option<String>,
        /// Show what would change (a summary, each file, every warning); write nothing.
        #[arg(long)]
        dry_run: bool,
        /// With --dry-run (implied): also the full diff of every file without secrets, and
        /// the changed key names of files with secrets.
        #[arg(long)]
        diff: bool,
        /// Also replace existing starter code (src/redis_client.rs, lib/redis.ts).
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
        /// The Redis to serve (redis://, rediss:// or redis+unix://, e.g. a local redis-server)
        /// [default: redis://127.0.0.1:6379].
        #[arg(long, value_name = "URL")]
        redis: Option<String>,
        /// Start a throwaway redis-server from PATH (a free loopback port, no persistence, a
        /// temporary directory) and serve it; it is stopped when serve stops.
        #[arg(long, conflicts_with_all = ["redis", "tokens"])]
        ephemeral: bool,
        /// A tokens file mapping each token to a backend (upwire's TOML, or SRH's
        /// tokens.json); replaces --redis, --token and --readonly-token. SRH_MODE=env|file
        /// is read too.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["token", "readonly_token", "no_auth"])]
        tokens: Option<PathBuf>,
        /// Trust the CA certificates in this PEM file for rediss:// backends (a private CA).
        #[arg(long, value_name = "FILE")]
        ca_file: Option<PathBuf>,
        /// Where to listen. A non-loopback address needs --token [default: 127.0.0.1:8079;
        /// with -- CMD, a free loopback port].
        #[arg(long, value_name = "ADDR",
              env = "UPWIRE_SERVE_LISTEN",
              value_parser = |s: &str| crate::serve::parse_listen(s).map_err(|e| e.to_string()))]
        listen: Option<std::net::SocketAddr>,
        /// The full-access token clients send as `Authorization: Bearer TOKEN` or `?_token=`.
        /// Without it, serve makes a random one and prints it once.
        #[arg(
            long,
            value_name = "TOKEN",
            env = "UPWIRE_SERVE_TOKEN",
            hide_env_values = true
        )]
        token: Option<String>,
        /// A token that may only run reads (without --token, the full token is made at start-up).
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
        /// Connections doing work (a request in progress) at most: idle keep-alive connections
        /// give their slot up to new ones, which wait up to 10 s for a busy slot; then 503.
        #[arg(long, value_name = "N", default_value_t = crate::serve::DEFAULT_MAX_CONNECTIONS)]
        max_connections: usize,
        /// Open SSE streams (`/subscribe`, `/psubscribe`, `/monitor`) at most, each holding a
        /// Redis connection of its own; past it, 503. 0 refuses every stream.
        #[arg(long, value_name = "N", default_value_t = crate::serve::DEFAULT_MAX_STREAMS)]
        max_streams: usize,
        /// Do not log one line per request.
        #[arg(long)]
        quiet: bool,
        // The help names the variables from the family table.
        #[arg(last = true, value_name = "CMD", help = serve_command_help())]
        command: Vec<std::ffi::OsString>,
    },
    /// Prove the login over TCP/TLS and REST: every stage timed, failures classified.
    #[cfg(feature = "check")]
    Check(check::CheckArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        #[arg(required_unless_present = "targets")]
        shell: Option<clap_complete::Shell>,
        /// Print the descriptor's target names, one per line (what the scripts ask for
        /// `--target`).
        #[arg(long, hide = true, conflicts_with = "shell")]
        targets: bool,
    },
}

/// The command line's definition, for the tables of `docs/commands.md` (`crate::reference`).
#[cfg(test)]
pub(crate) fn command() -> clap::Command {
    Cli::command()
}

/// `--kind`: [`parse_kind`]'s messages, and the kinds as possible values for completions.
#[derive(Clone)]
struct KindParser;

impl clap::builder::TypedValueParser for KindParser {
    type Value = Kind;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Kind, clap::Error> {
        clap::builder::TypedValueParser::parse_ref(&parse_kind, cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            Kind::NAMES
                .iter()
                .map(|k| clap::builder::PossibleValue::new(*k)),
        ))
    }
}
/// `upwire serve -- CMD`'s help: the variables it sets.
fn serve_command_help() -> String {
    use crate::family::{UPSTASH_REST_READONLY_TOKEN, UPSTASH_REST_TOKEN, UPSTASH_REST_URL};
    format!(
        "Run this command once serve answers, with {UPSTASH_REST_URL} and {UPSTASH_REST_TOKEN} \
(and {UPSTASH_REST_READONLY_TOKEN} with a read-only token) set; stop when it exits, with its \
exit status. SIGINT and SIGTERM reach it"
    )
}

/// `upwire fix --help`: what it changes and what it never does.
fn fix_about() -> String {
    use crate::family::{REDIS_URL, UPSTASH_REST_URL};
    format!(
        "\
Apply the fixes lint can make without asking, and report the rest as lint does.

Fixed: `redis://` to `rediss://` for an Upstash host (not Fly's `fly-*` hosts, which have \
no TLS: there `rediss://` becomes `redis://`); a REST URL in {REDIS_URL} moved to \
{UPSTASH_REST_URL} when that is not set; whitespace and quotes around a value; a \
`Bearer ` prefix on a token; reserved characters in a password percent-encoded; an empty \
user name written as `default`; a database index or path removed from an Upstash URL; \
`http://` to `https://` for an Upstash REST URL; a key set twice to the same value (the \
later line removed).

Never: a secret invented or a placeholder written, a differing duplicate dropped, any other \
byte changed (comments, order, CRLF, `export `, other keys stay as they are). Files are \
written atomically, their mode kept; a symlink's target is written. Exit codes as lint's: \
0 nothing with errors is left, 1 errors remain, 2 usage or I/O."
    )
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
    // A bug's panic message may quote an input (a value, a line): through the scrubber too.
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let _ = writeln!(
            std::io::stderr(),
            "error: upwire hit a bug{location}: {}\n(secrets in this message are masked; please report it)",
            crate::secret::scrub_message(&message)
        );
    }));
    // `Cli::try_parse()`, except that the clap `Command` tree is not freed: freeing its many
    // small allocations cost 5% of a `lint` run (callgrind), and the process exits soon anyway.
    remember_argv_secrets();
    let from_env = remember_env_secrets();
    let mut command = std::mem::ManuallyDrop::new(Cli::command());
    let parsed = command
        .try_get_matches_from_mut(std::env::args_os())
        .and_then(|mut matches| {
            let given =
                matches.value_source("config") != Some(clap::parser::ValueSource::DefaultValue);
            Cli::from_arg_matches_mut(&mut matches).map(|cli| Cli {
                config_given: given,
                ..cli
            })
        });
    let mut cli = match parsed {
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
            // An error, not `--help` or `--version` (whose `[env: ...]` lines clap masks
            // itself where the flag says so).
            let text = if e.use_stderr() {
                scrub_clap_error(&text, &from_env)
            } else {
                text
            };
            let _ = if e.use_stderr() {
                write!(stderr(), "{text}")
            } else {
                write!(stdout(), "{text}")
            };
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    if !cli.config_given && !matches!(cli.command, Command::Init { .. }) {
        cli.config = crate::project::discover(&cli.config);
    }
    match dispatch(&cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // An error may quote a value read from the environment or a parser's text: a
            // short password in it is masked too.
            say!("error: {}", crate::secret::scrub_message(&e.to_string()));
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

/// Classifies the values clap reads from the environment (`UPWIRE_CONFIG`,
/// `UPWIRE_SERVE_LISTEN`, `UPWIRE_SERVE_TOKEN`, ...: every `UPWIRE_*` variable) as
/// [`remember_argv_secrets`] does the arguments, and returns them for [`scrub_clap_error`].
fn remember_env_secrets() -> Vec<String> {
    let mut values = Vec::new();
    for (name, value) in std::env::vars_os() {
        let (Some(name), value) = (name.to_str(), value.to_string_lossy()) else {
            continue;
        };
        if !name.starts_with("UPWIRE_") || value.trim().is_empty() {
            continue;
        }
        let hint = crate::secret::hint_for_name(name);
        let path = value.contains('/') && !value.contains("://") && !value.contains('@');
        if !(path && hint == crate::secret::Hint::Plain) {
            let _ = crate::secret::Sensitive::classify(value.as_ref(), hint);
        }
        values.push(value.into_owned());
    }
    values
}

/// clap's error text with every value it read from the environment masked as a whole (an
/// "invalid value" error quotes it, and a variable set in a CI job or a shell profile may
/// hold anything, a token pasted into the wrong one too), then scrubbed like any parser's
/// text. The message still names the flag and its variable.
fn scrub_clap_error(text: &str, from_env: &[String]) -> String {
    let mut text = text.to_owned();
    for value in from_env {
        if value.len() >= 2 && text.contains(value.as_str()) {
            text = text.replace(value.as_str(), crate::secret::MASK);
        }
    }
    crate::secret::scrub_message(&text)
}

fn is_credential_flag(flag: &str) -> bool {
    ["token", "password", "pass", "secret"]
        .iter()
        .any(|w| flag.ends_with(w))
}

fn dispatch(cli: &Cli) -> Result<u8, Error> {
    if cli.format == Format::Sarif && !matches!(cli.command, Command::Lint { .. }) {
        return Err(Error::Usage(
            "`--format sarif` is for `upwire lint` only; use `--format json` or `text` here"
                .to_owned(),
        ));
    }
    match &cli.command {
        Command::Init { kinds, force } => init::init(cli, kinds, *force),
        Command::Lint { paths, no_env } => lint::lint(cli, paths, *no_env),
        Command::Fix { paths, dry_run } => fix::fix(cli, paths, *dry_run),
        Command::Resolve {
            target,
            show_secrets,
        } => resolve::resolve(cli, target.as_deref(), *show_secrets),
        Command::Explain { id } => explain::explain(cli, id.as_deref()),
        Command::Generate {
            target,
            dry_run,
            diff,
            force,
        } => generate::generate(
            cli,
            target.as_deref(),
            generate::Preview::of(*dry_run, *diff),
            *force,
        ),
        Command::Docs { out } => generate::docs(cli, out.as_deref()),
        #[cfg(feature = "check")]
        Command::Check(args) => check::check(cli, args),
        #[cfg(feature = "serve")]
        Command::Serve {
            redis,
            tokens,
            ca_file,
            listen,
            token,
            readonly_token,
            no_auth,
            allow_host,
            cors_origin,
            readonly_scripts,
            max_body_budget,
            max_connections,
            max_streams,
            quiet,
            ephemeral,
            command,
        } => {
            // With a command, a free port: runs in parallel do not collide, and the command
            // gets the address in its environment.
            let listen = listen.unwrap_or_else(|| {
                let port = if command.is_empty() {
                    crate::serve::DEFAULT_PORT
                } else {
                    0
                };
                std::net::SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, port))
            });
            let redis = redis.as_deref().unwrap_or(crate::serve::DEFAULT_REDIS);
            let mut config = crate::serve::ServeConfig::new(redis)
                .listen(listen)
                .no_auth(*no_auth)
                .quiet(*quiet);
            config.token = token.as_deref().map(crate::secret::Secret::new);
            config.readonly_token = readonly_token.as_deref().map(crate::secret::Secret::new);
            config.allow_hosts.clone_from(allow_host);
            config.cors_origins.clone_from(cors_origin);
            config.readonly_scripts = *readonly_scripts;
            config.max_body_budget = *max_body_budget;
            config.max_connections = *max_connections;
            config.max_streams = *max_streams;
            config.tokens_file.clone_from(tokens);
            config.ca_file.clone_from(ca_file);
            let config = config
                .srh_env(|name| std::env::var(name).ok())
                .map_err(|e| Error::Usage(e.to_string()))?;
            config.validate().map_err(|e| Error::Usage(e.to_string()))?;
            let extras = crate::serve::Extras {
                ephemeral: *ephemeral,
                command: command.clone(),
            };
            crate::serve::run(&config, &extras)
                .map(|code| u8::try_from(code).unwrap_or(1))
                .map_err(|e| Error::Runtime(e.to_string()))
        }
        Command::Completions { shell, .. } => completions::completions(cli, *shell),
    }
}

/// How the command line opens the project: the descriptor named or found, every
/// `--env-file`, and the env files beside the descriptor unless `--no-dotenv`.
fn project_options(cli: &Cli) -> crate::project::Options<'_> {
    crate::project::Options {
        env_files: &cli.env_files,
        process_env: true,
        convention: !cli.no_dotenv,
    }
}

/// The descriptor's source; a missing file is `project::missing_descriptor`.
pub(crate) fn load_config(cli: &Cli, path: &Path) -> Result<SourceFile, Error> {
    load_source(path).map_err(|e| match e {
        Error::NotFound { path: p } if p == cli.config => {
            crate::project::missing_descriptor(&p, cli.config_given)
        }
        other => other,
    })
}

/// The project `-c` names (or discovery found), opened once: its descriptor, and the
/// variables `${NAME}` resolves from, first found wins: the process environment, each
/// `--env-file` in order, then the env files next to the descriptor that its targets'
/// frameworks read (`.env.local` before `.env` for Next.js), or `.env` alone (unless
/// `--no-dotenv`). Says on stderr which of those were read, and which were skipped.
pub(crate) fn open_project(cli: &Cli) -> Result<crate::project::Project, Error> {
    open_project_at(cli, &cli.config)
}

/// [`open_project`] for the descriptor at `descriptor`: `lint a/upwire.toml b/upwire.toml`
/// opens each as `-c` would, with the env files beside it.
pub(crate) fn open_project_at(
    cli: &Cli,
    descriptor: &Path,
) -> Result<crate::project::Project, Error> {
    let project =
        crate::project::Project::open(descriptor, project_options(cli)).map_err(|e| match e {
            Error::NotFound { path } if path == cli.config => {
                crate::project::missing_descriptor(&path, cli.config_given)
            }
            other => other,
        })?;
    for (dotenv, e) in &project.convention_skipped {
        // A file nobody named does not stop the run: its variables are left out, and `lint`
        // on it says what is wrong.
        say!(
            "warning: {e}: its variables are not used; run `upwire lint {}` to see why (--no-dotenv skips it)",
            dotenv.display()
        );
    }
    report::set_env_files(project.convention_read());
    if project.convention_read().next().is_some() && cli.format == Format::Text {
        let read: Vec<String> = project
            .convention_read()
            .map(|p| p.display().to_string())
            .collect();
        // The files of targets in other folders (`web/.env.local`) are not beside it.
        let base = crate::project::base_dir(descriptor);
        let beside = project
            .convention_read()
            .all(|p| crate::project::base_dir(p) == base);
        say!(
            "note: reading {} {} {} (--no-dotenv to skip)",
            read.join(", "),
            if beside {
                "next to"
            } else {
                "for the targets of"
            },
            descriptor.display()
        );
    }
    Ok(project)
}

/// Without a descriptor (the default one not found, none named with `-c`): the env files
/// in the current folder that any framework reads (`crate::framework::every_env_file`),
/// each unless an `--env-file` names it or `--no-dotenv` is given, after every `--env-file`.
/// `None` when there is a descriptor, or no env file at all (today's message then says
/// what to do). `doing` says on stderr what is done with them ("linting").
pub(crate) fn folder_env_files(cli: &Cli, doing: &str) -> Option<Vec<PathBuf>> {
    // A missing `--env-file` is reported as it is with a descriptor.
    if cli.config_given || cli.config.is_file() || cli.env_files.iter().any(|p| !p.exists()) {
        return None;
    }
    let files = env_files_here(cli);
    if files.is_empty() {
        return None;
    }
    let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    say!(
        "note: no {}; {doing} {} ({})",
        cli.config.display(),
        names.join(", "),
        if cli.env_files.is_empty() {
            "the env files in this folder"
        } else {
            "the files given with --env-file, then the env files in this folder"
        }
    );
    Some(files)
}

/// [`crate::project::env_files_here`] with the command line's `--env-file`s and
/// `--no-dotenv`.
pub(crate) fn env_files_here(cli: &Cli) -> Vec<PathBuf> {
    crate::project::env_files_here(&cli.env_files, !cli.no_dotenv)
}

/// The project opened ([`open_project`]) and resolved.
pub(crate) fn load_descriptor(cli: &Cli) -> Result<Resolved, Error> {
    open_project(cli).map(crate::project::Project::resolve)
}
