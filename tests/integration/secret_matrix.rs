//! The secret-leak matrix: malformed credential values of every shape, each
//! with its own canary secret, in every input position, through every command in text and
//! JSON. No canary may appear in stdout, stderr, or any file `generate` writes other than the
//! secret files (`support::SECRET_FILES`); the comparison ignores case, so an upper-cased echo
//! (`GET /C` logged as `C` upper-cased) counts too.
//!
//! - Shapes: a deterministic table ([`SHAPES`]) so that every listed shape is always covered,
//!   plus proptest-generated surroundings (scheme case, host, punctuation and whitespace
//!   around the value) on a random shape in a random position, a bounded number of cases.
//! - Positions ([`DESCRIPTOR_POSITIONS`]): env-file values under the conventional keys (which
//!   the descriptor also reads through `${KEY}`, so they double as "field via `--env-file`"),
//!   a public-prefixed key, an unknown key and a line without `=`; every descriptor field as a
//!   literal and through `${VAR}` from the process environment; mistyped fields, wrong types,
//!   TOML syntax errors; target fields and the target name. Outside any value: in an env file
//!   the value alone on a line, as a key (a known name then the value, the `=` forgotten),
//!   after a line continuation, as `VALUE: 1` and `VALUE  # comment`, in a comment, as a key
//!   set twice (`duplicate-key`, the `fix --dry-run` diff) and as a key `.env.example` lacks
//!   (`env-example-drift`); in the descriptor in comments, between `${` and `}`, unquoted, and
//!   on a line indented with a no-break space. [`CHECK_POSITIONS`]: the flags of `check`.
//!   Plus the error replies of two loopback peers and the request log of `serve`.
//! - Commands ([`COMMANDS`] × text/json, `lint` also SARIF): `lint`, `resolve`, `docs`,
//!   `generate --dry-run`, a real `generate` into a fresh directory (every file it writes is
//!   checked), `check`, `fix --dry-run`.
//!
//! Every leak is collected and reported at the end, one line per shape × position with the
//! commands, formats and places that leaked. Positive controls (`resolve --show-secrets`, the
//! secret files, what the peers received, the serve log's request lines) and an exact run count
//! make sure the test cannot pass by losing the canaries or skipping cases.
//!
//! Run: `cargo test --test integration secret_matrix -- --nocapture` (prints its run count and
//! time). `PROPTEST_CASES=500` widens the generated part.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

use crate::support::http::Request;
use crate::support::peers::Canned;
use crate::support::serve::{ServeOptions, ServeProcess};
use crate::support::test::{toml_escape, toml_string};
use crate::support::tier::{self, Group};
use crate::support::{
    SECRET_FILES, code, files_below, free_port, proptest_config, try_run_bounded, upwire_in,
};

/// Generated cases, unless `PROPTEST_CASES` says otherwise.
const PROPTEST_CASES: u32 = 24;

/// Bound on one upwire run (they take milliseconds; `check` runs with `--timeout 1`).
const RUN_LIMIT: Duration = Duration::from_secs(20);

/// The Upstash host of the valid shape.
const UPSTASH_HOST: &str = "eu1-tidy-cat-12345.upstash.io";

// ---------------------------------------------------------------------------------------------
// Shapes

/// Which kind of canary a shape carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Secret {
    /// `Pw<hex>Zq9`
    Password,
    /// `AAleakCanary<hex>`: its first byte (0) says neither standard nor read-only, so the
    /// same canary may stand in every token position (a token's first byte decides whether
    /// `generate` writes it under a public prefix).
    Token,
}

/// A credential shape: `{C}` is the canary, `{H}` a host, `{U}` the Upstash host, `{E}` a
/// foreign host and `{P}` the TCP port (6379; a closed loopback port when `check` runs it).
struct ShapeDef {
    name: &'static str,
    secret: Secret,
    template: &'static str,
}

const fn shape(name: &'static str, secret: Secret, template: &'static str) -> ShapeDef {
    ShapeDef {
        name,
        secret,
        template,
    }
}

use Secret::{Password as PW, Token as TOK};

/// Every shape the matrix always covers. A bare token also lands in every URL position.
const SHAPES: &[ShapeDef] = &[
    shape("valid", PW, "rediss://default:{C}@{U}:{P}"),
    shape("missing host", PW, "rediss://default:{C}"),
    shape("missing port, empty host", PW, "rediss://default:{C}@"),
    shape("no scheme", PW, "default:{C}@{H}:{P}"),
    shape("scheme typo rediss:/", PW, "rediss:/default:{C}@{H}"),
    shape("scheme typo redis//", PW, "redis//default:{C}@{H}"),
    shape("scheme typo rediss;//", PW, "rediss;//default:{C}@{H}"),
    shape("scheme typo redsi://", PW, "redsi://default:{C}@{H}:{P}"),
    shape("password as host", PW, "rediss://default:{C}:{P}"),
    shape("port out of range", PW, "https://user:{C}@{H}:99999"),
    shape(
        "unix socket ?pass=",
        PW,
        "redis+unix:///tmp/r.sock?pass={C}",
    ),
    shape("query ?password=", PW, "rediss://{H}:{P}/?password={C}"),
    shape("query ?pass=", PW, "rediss://{H}:{P}/?pass={C}"),
    shape("fragment", PW, "rediss://default@{H}:{P}#{C}"),
    shape(
        "_token, port out of range",
        TOK,
        "https://{H}:99999/?_token={C}",
    ),
    shape("_token, scheme typo", TOK, "https:/{H}?_token={C}"),
    shape(
        "_token, http to another host",
        TOK,
        "http://{E}/?_token={C}",
    ),
    shape("REST URL with userinfo", PW, "https://default:{C}@{H}"),
    shape(
        "quotes and spaces",
        PW,
        "\" rediss://default:{C}@{H}:{P} \"",
    ),
    shape("token, trailing space", TOK, "{C} "),
    shape("Bearer prefix", TOK, "Bearer {C}"),
    shape("percent-encoded @", PW, "rediss://default:{C}%40x@{H}:{P}"),
    shape(
        "non-UTF-8 percent",
        PW,
        "rediss://default:{C}%ff%fe@{H}:{P}",
    ),
    shape("unencoded @", PW, "rediss://default:{C}@x@{H}:{P}"),
    shape("unencoded #", PW, "rediss://default:{C}#x@{H}:{P}"),
    shape("unencoded /", PW, "rediss://default:{C}/x@{H}:{P}"),
    shape("bare token", TOK, "{C}"),
    shape("bare password", PW, "{C}"),
];

/// Hosts the generated cases choose from.
const HOSTS: &[&str] = &[
    "host",
    UPSTASH_HOST,
    "fly-tidy-cat.upstash.io",
    "127.0.0.1",
    "[::1]",
    "localhost",
    "redis.example.com",
];

/// A unique canary: a per-run seed and the case number.
fn canary(secret: Secret, case: usize) -> String {
    static SEED: OnceLock<String> = OnceLock::new();
    let seed = SEED.get_or_init(|| {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        format!("{:06x}", (nanos ^ std::process::id()) & 0xff_ffff)
    });
    match secret {
        Secret::Password => format!("Pw{seed}{case:04x}Zq9"),
        Secret::Token => format!("AAleakCanary{seed}{case:04x}"),
    }
}

/// A port nothing listens on (bound once, then released).
fn closed_port() -> u16 {
    static PORT: OnceLock<u16> = OnceLock::new();
    *PORT.get_or_init(free_port)
}

/// A shape made concrete for one case.
#[derive(Debug, Clone)]
struct Shape {
    name: String,
    value: String,
    /// The same value with every host `localhost` and port 6379 a closed one, for `check`:
    /// no DNS query leaves the machine and no real server answers.
    check_value: String,
    canary: String,
}

impl Shape {
    fn new(def: &ShapeDef, case: usize, host: &str) -> Shape {
        let canary = canary(def.secret, case);
        let render = |host: &str, upstash: &str, evil: &str, port: &str| {
            def.template
                .replace("{C}", &canary)
                .replace("{U}", upstash)
                .replace("{H}", host)
                .replace("{E}", evil)
                .replace("{P}", port)
        };
        let closed = closed_port().to_string();
        Shape {
            name: def.name.to_owned(),
            value: render(host, UPSTASH_HOST, "evil.example", "6379"),
            check_value: render("localhost", "localhost", "localhost", &closed),
            canary,
        }
    }

    /// The value as given, or as `check` gets it.
    fn value(&self, command: Cmd) -> &str {
        if command == Cmd::Check {
            &self.check_value
        } else {
            &self.value
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Positions

/// Where a shape's value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    /// `KEY=value` in the `--env-file` (the descriptor reads the conventional keys).
    EnvKey(&'static str),
    /// `REDIS_URL value`: an env line that does not parse.
    EnvLineWithoutEquals,
    /// `field = "value"` in `[database.main]`.
    Literal(&'static str),
    /// `field = "${LEAK_VALUE}"`, `LEAK_VALUE` set in the process environment.
    ProcessEnv(&'static str),
    /// `name = "value"`: a field that does not exist.
    Mistyped(&'static str),
    /// `rest_token = ["value"]`
    Array,
    /// `rest_token = { v = "value" }`
    InlineTable,
    /// `[database.main] redis_url = "value"` on one line: not TOML.
    OneLineTable,
    /// `redis_url = """\nvalue\n"""`
    MultiLineString,
    /// `redis_url = "value` and no closing quote.
    UnclosedQuote,
    /// `kind`, `platform`, `dir` or `env_prefix` of target `api`.
    TargetField(&'static str),
    /// `[target."value"]`
    TargetName,
    /// An env-file line outside any value, `{V}` standing for the value.
    EnvOutside(&'static str),
    /// `VALUE=1` twice in the env file: `duplicate-key`, and the line `fix` removes.
    EnvDuplicateKey,
    /// `VALUE=1` in the env file, and a `.env.example` beside it without that key.
    EnvExampleDrift,
    /// A descriptor line outside any value, `{V}` standing for the value.
    DescriptorOutside(&'static str),
    /// A flag of `check`, without a descriptor.
    CheckFlag(&'static str),
    /// A loopback peer's reply or a request to `serve`, described.
    Peer(&'static str),
}

impl Position {
    fn label(self) -> String {
        match self {
            Position::EnvKey(key) => format!("env file {key}="),
            Position::EnvLineWithoutEquals => "env line `REDIS_URL value` (no =)".to_owned(),
            Position::Literal(field) => format!("descriptor {field} literal"),
            Position::ProcessEnv(field) => {
                format!("descriptor {field} = ${{VAR}} from process env")
            }
            Position::Mistyped(field) => format!("mistyped field {field}"),
            Position::Array => "rest_token = [\"value\"]".to_owned(),
            Position::InlineTable => "rest_token = { v = \"value\" }".to_owned(),
            Position::OneLineTable => "one-line `[database.main] redis_url = ...`".to_owned(),
            Position::MultiLineString => "redis_url multi-line string".to_owned(),
            Position::UnclosedQuote => "redis_url with an unclosed quote".to_owned(),
            Position::TargetField(field) => format!("target field {field}"),
            Position::TargetName => "target name".to_owned(),
            Position::EnvOutside(line) => format!("env line `{}`", line.escape_debug()),
            Position::EnvDuplicateKey => "env key set twice (`duplicate-key`)".to_owned(),
            Position::EnvExampleDrift => {
                "env key missing from .env.example (`env-example-drift`)".to_owned()
            }
            Position::DescriptorOutside(line) => {
                format!("descriptor line `{}`", line.escape_debug())
            }
            Position::CheckFlag(flag) => format!("check {flag}"),
            Position::Peer(what) => what.to_owned(),
        }
    }
}

const FIELDS: [&str; 4] = ["redis_url", "rest_url", "rest_token", "rest_readonly_token"];

/// The default env file: conventional keys with benign values (on loopback for `check`).
fn env_defaults(command: Cmd) -> [(&'static str, String); 4] {
    let (redis, rest) = if command == Cmd::Check {
        let port = closed_port();
        (
            format!("rediss://default:benignPassword@localhost:{port}"),
            format!("https://localhost:{port}"),
        )
    } else {
        (
            format!("rediss://default:benignPassword@{UPSTASH_HOST}:6379"),
            format!("https://{UPSTASH_HOST}"),
        )
    };
    [
        ("REDIS_URL", redis),
        ("UPSTASH_REDIS_REST_URL", rest),
        ("UPSTASH_REDIS_REST_TOKEN", "AXbenignToken".to_owned()),
        (
            "UPSTASH_REDIS_REST_READONLY_TOKEN",
            "AobenignReadonly".to_owned(),
        ),
    ]
}

/// Whether shape number `shape` goes into position number `position` (counted over
/// `DESCRIPTOR_POSITIONS` then `CHECK_POSITIONS`). The full tier (`UPWIRE_TEST_ALL=1`) puts
/// every shape into every position. The fast tier takes one pair in [`SAMPLE`] along
/// diagonals, so that every shape still goes into several positions and every position still
/// gets several shapes (the test asserts both), the positive controls always run, and the
/// generated cases mix all of them.
fn in_matrix(shape: usize, position: usize) -> bool {
    (shape + position).is_multiple_of(SAMPLE)
        || tier::full(
            Group::LeakMatrix,
            "every shape and every position, one shape-position pair in 8",
        )
}

/// One pair in this many runs in the fast tier.
const SAMPLE: usize = 8;

/// Positions that take a descriptor and an env file, for every command.
const DESCRIPTOR_POSITIONS: &[Position] = &[
    Position::EnvKey("REDIS_URL"),
    Position::EnvKey("UPSTASH_REDIS_REST_URL"),
    Position::EnvKey("UPSTASH_REDIS_REST_TOKEN"),
    Position::EnvKey("UPSTASH_REDIS_REST_READONLY_TOKEN"),
    Position::EnvKey("NEXT_PUBLIC_UPSTASH_REDIS_REST_TOKEN"),
    Position::EnvKey("NEXT_PUBLIC_REDIS_URL"),
    Position::EnvKey("LEAK_UNKNOWN_KEY"),
    Position::EnvLineWithoutEquals,
    Position::Literal("redis_url"),
    Position::Literal("rest_url"),
    Position::Literal("rest_token"),
    Position::Literal("rest_readonly_token"),
    Position::ProcessEnv("redis_url"),
    Position::ProcessEnv("rest_url"),
    Position::ProcessEnv("rest_token"),
    Position::ProcessEnv("rest_readonly_token"),
    Position::Mistyped("rest_tokn"),
    Position::Mistyped("readonly_token"),
    Position::Mistyped("password"),
    Position::Mistyped("redis_ur"),
    Position::Array,
    Position::InlineTable,
    Position::OneLineTable,
    Position::MultiLineString,
    Position::UnclosedQuote,
    Position::TargetField("kind"),
    Position::TargetField("platform"),
    Position::TargetField("dir"),
    Position::TargetField("env_prefix"),
    Position::TargetName,
    Position::EnvOutside("{V}"),
    Position::EnvOutside("UPSTASH_REDIS_REST_TOKEN{V}"),
    Position::EnvOutside("LEAK_CONTINUED=a \\\n{V}"),
    Position::EnvOutside("{V}: 1"),
    Position::EnvOutside("{V}  # comment"),
    Position::EnvOutside("# {V}"),
    Position::EnvOutside("\u{a0}{V}\u{3000}"),
    Position::EnvDuplicateKey,
    Position::EnvExampleDrift,
    Position::DescriptorOutside("# {V}"),
    Position::DescriptorOutside("needs = [] # {V}"),
    Position::DescriptorOutside("rest_token = \"${{V}}\""),
    Position::DescriptorOutside("rest_token = {V}"),
    Position::DescriptorOutside("\u{a0}redis_url = \"{V}\""),
    Position::DescriptorOutside("\u{3000}{V}\u{200b}"),
];

/// The flags of `check` (`--rest-token` is sent to a loopback peer that answers 401).
const CHECK_POSITIONS: &[Position] = &[
    Position::CheckFlag("--redis-url"),
    Position::CheckFlag("--rest-url"),
    Position::CheckFlag("--rest-token"),
];

/// The descriptor for a position: every kind of target, each in its own directory.
fn descriptor(position: Position, value: &str) -> String {
    let mut header = "[database.main]".to_owned();
    let mut fields: Vec<String> = env_defaults(Cmd::Lint)
        .iter()
        .zip(FIELDS)
        .map(|((key, _), field)| format!("{field} = \"${{{key}}}\""))
        .collect();
    let set = |fields: &mut Vec<String>, field: &str, line: String| {
        let i = FIELDS.iter().position(|f| *f == field).unwrap();
        fields[i] = line;
    };
    let mut api_name = "api".to_owned();
    let mut api = vec![
        "kind = \"server\"".to_owned(),
        "platform = \"fly\"".to_owned(),
        "dir = \"api\"".to_owned(),
    ];
    match position {
        Position::Literal(field) => {
            set(
                &mut fields,
                field,
                format!("{field} = {}", toml_string(value)),
            );
        }
        Position::ProcessEnv(field) => {
            set(&mut fields, field, format!("{field} = \"${{LEAK_VALUE}}\""));
        }
        Position::Mistyped(field) => fields.push(format!("{field} = {}", toml_string(value))),
        Position::Array => set(
            &mut fields,
            "rest_token",
            format!("rest_token = [{}]", toml_string(value)),
        ),
        Position::InlineTable => set(
            &mut fields,
            "rest_token",
            format!("rest_token = {{ v = {} }}", toml_string(value)),
        ),
        Position::OneLineTable => {
            header = format!("[database.main] redis_url = {}", toml_string(value));
            fields.remove(0);
        }
        Position::MultiLineString => set(
            &mut fields,
            "redis_url",
            format!("redis_url = \"\"\"\n{}\n\"\"\"", toml_escape(value)),
        ),
        Position::UnclosedQuote => set(&mut fields, "redis_url", format!("redis_url = \"{value}")),
        Position::TargetField(field) => {
            let line = format!("{field} = {}", toml_string(value));
            match api
                .iter()
                .position(|l| l.starts_with(&format!("{field} =")))
            {
                Some(i) => api[i] = line,
                None => api.push(line),
            }
        }
        Position::TargetName => api_name = toml_string(value),
        Position::DescriptorOutside(line) => {
            let line = line.replace("{V}", &toml_escape(value));
            if line.contains("rest_token") {
                set(&mut fields, "rest_token", line);
            } else {
                fields.push(line);
            }
        }
        Position::EnvKey(_)
        | Position::EnvLineWithoutEquals
        | Position::EnvOutside(_)
        | Position::EnvDuplicateKey
        | Position::EnvExampleDrift
        | Position::CheckFlag(_)
        | Position::Peer(_) => {}
    }
    format!(
        "[project]\nname = \"leak\"\n\n{header}\n{}\n\n[target.{api_name}]\n{}\n{}",
        fields.join("\n"),
        api.join("\n"),
        r#"
[target.edge]
kind = "edge"
platform = "cloudflare"
dir = "edge"

[target.shop]
kind = "edge"
platform = "vercel"
dir = "shop"

[target.app]
kind = "mobile"
platform = "expo"
dir = "app"
"#
    )
}

/// The `--env-file` for a position.
fn env_file(position: Position, value: &str, command: Cmd) -> String {
    let defaults = env_defaults(command);
    let mut lines: Vec<String> = defaults
        .iter()
        .map(|(key, default)| format!("{key}={default}"))
        .collect();
    match position {
        Position::EnvKey(key) => {
            let line = format!("{key}={value}");
            match defaults.iter().position(|(k, _)| *k == key) {
                Some(i) => lines[i] = line,
                None => lines.push(line),
            }
        }
        Position::EnvLineWithoutEquals => lines.push(format!("REDIS_URL {value}")),
        Position::EnvOutside(line) => lines.push(line.replace("{V}", value)),
        Position::EnvDuplicateKey => {
            lines.push(format!("{value}=1"));
            lines.push(format!("{value}=1"));
        }
        Position::EnvExampleDrift => lines.push(format!("{value}=1")),
        _ => {}
    }
    lines.join("\n") + "\n"
}

// ---------------------------------------------------------------------------------------------
// Commands and the report

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Lint,
    Resolve,
    Docs,
    DryRun,
    Generate,
    Check,
    FixDryRun,
}

const COMMANDS: [Cmd; 7] = [
    Cmd::Lint,
    Cmd::Resolve,
    Cmd::Docs,
    Cmd::DryRun,
    Cmd::Generate,
    Cmd::Check,
    Cmd::FixDryRun,
];

const FORMATS: [&str; 2] = ["text", "json"];

/// The formats a command takes: `lint` also writes SARIF.
fn formats(command: Cmd) -> &'static [&'static str] {
    if command == Cmd::Lint {
        &["text", "json", "sarif"]
    } else {
        &FORMATS
    }
}

impl Cmd {
    fn label(self) -> &'static str {
        match self {
            Cmd::Lint => "lint",
            Cmd::Resolve => "resolve",
            Cmd::Docs => "docs",
            Cmd::DryRun => "generate --dry-run --diff",
            Cmd::Generate => "generate",
            Cmd::Check => "check",
            Cmd::FixDryRun => "fix --dry-run",
        }
    }
}

/// One case: a shape in a position.
#[derive(Debug, Clone)]
struct Case {
    shape: Shape,
    position: Position,
    generated: bool,
}

impl Case {
    fn shape_label(&self) -> String {
        let kind = if self.generated { "generated " } else { "" };
        format!(
            "{kind}{} `{}`",
            self.shape.name,
            self.shape.value.escape_debug()
        )
    }
}

/// A canary seen where it must not be.
#[derive(Debug, Clone)]
struct Leak {
    position: String,
    shape: String,
    command: String,
    format: String,
    place: String,
    excerpt: String,
}

/// What the workers found.
#[derive(Default)]
struct Report {
    runs: usize,
    leaks: Vec<Leak>,
    /// Broken runs (hangs, signals) and failed positive controls: the test proves nothing there.
    problems: Vec<String>,
    controls: usize,
    exit_codes: BTreeMap<i32, usize>,
    /// Runs and total time per command, for the summary line.
    time: BTreeMap<String, (usize, Duration)>,
}

impl Report {
    fn merge(&mut self, other: Report) {
        self.runs += other.runs;
        self.leaks.extend(other.leaks);
        self.problems.extend(other.problems);
        self.controls += other.controls;
        for (code, n) in other.exit_codes {
            *self.exit_codes.entry(code).or_default() += n;
        }
        for (command, (n, t)) in other.time {
            let entry = self.time.entry(command).or_default();
            entry.0 += n;
            entry.1 += t;
        }
    }

    /// Records a leak when `text` contains the canary, in any letter case.
    fn scan(&mut self, case: &Case, command: &str, format: &str, place: &str, text: &str) {
        if let Some(excerpt) = excerpt(text, &case.shape.canary) {
            self.leaks.push(Leak {
                position: case.position.label(),
                shape: case.shape_label(),
                command: command.to_owned(),
                format: format.to_owned(),
                place: place.to_owned(),
                excerpt,
            });
        }
    }

    fn scan_output(&mut self, case: &Case, command: &str, format: &str, output: &Output) {
        self.runs += 1;
        *self.exit_codes.entry(code(output)).or_default() += 1;
        if output.status.code().is_none() {
            self.problems.push(format!(
                "{} × {} × {command} × {format}: killed by a signal",
                case.shape_label(),
                case.position.label()
            ));
        }
        self.scan(
            case,
            command,
            format,
            "stdout",
            &String::from_utf8_lossy(&output.stdout),
        );
        self.scan(
            case,
            command,
            format,
            "stderr",
            &String::from_utf8_lossy(&output.stderr),
        );
    }
}

/// The line of `text` holding `canary` (any case), shortened, or `None`.
fn excerpt(text: &str, canary: &str) -> Option<String> {
    let needle = canary.to_ascii_lowercase();
    let line = text
        .lines()
        .find(|l| l.to_ascii_lowercase().contains(&needle))?;
    let line = line.trim();
    let at = line.to_ascii_lowercase().find(&needle).unwrap_or(0);
    let mut start = at.saturating_sub(70);
    while !line.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (at + needle.len() + 50).min(line.len());
    while !line.is_char_boundary(end) {
        end += 1;
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(&line[start..end]);
    if end < line.len() {
        out.push('…');
    }
    Some(out)
}

/// Positive controls: a valid secret in a secret position must reach `resolve --show-secrets`
/// and a secret file.
fn is_control(case: &Case) -> bool {
    if case.generated {
        return false;
    }
    let secret_position = matches!(
        case.position,
        Position::EnvKey("REDIS_URL")
            | Position::Literal("redis_url")
            | Position::ProcessEnv("redis_url")
    );
    let token_position = matches!(
        case.position,
        Position::EnvKey("UPSTASH_REDIS_REST_TOKEN" | "UPSTASH_REDIS_REST_READONLY_TOKEN")
            | Position::Literal("rest_token" | "rest_readonly_token")
            | Position::ProcessEnv("rest_token" | "rest_readonly_token")
    );
    (case.shape.name == "valid" && secret_position)
        || (case.shape.name == "bare token" && token_position)
}

/// Runs every command in both formats for a descriptor case.
fn run_descriptor_case(case: &Case, report: &mut Report) {
    let tmp = tempfile::tempdir().unwrap();
    // The project every command reads, and a loopback variant for `check`.
    let write_project = |name: &str, command: Cmd| {
        let value = case.shape.value(command);
        let env_path = tmp.path().join(format!("{name}.env"));
        std::fs::write(&env_path, env_file(case.position, value, command)).unwrap();
        let repo = tmp.path().join(name);
        std::fs::create_dir_all(&repo).unwrap();
        let toml = descriptor(case.position, value);
        std::fs::write(repo.join("upwire.toml"), &toml).unwrap();
        if case.position == Position::EnvExampleDrift {
            let keys: String = env_defaults(command)
                .iter()
                .map(|(key, _)| format!("{key}=\n"))
                .collect();
            std::fs::write(tmp.path().join(format!("{name}.env.example")), keys).unwrap();
        }
        (repo, env_path, toml)
    };
    let (repo, env_path, toml) = write_project("repo", Cmd::Lint);
    let (check_repo, check_env_path, _) = write_project("check", Cmd::Check);
    let base = |dir: &Path, format: &str, command: Cmd| {
        let mut cmd = upwire_in(dir);
        if let Position::ProcessEnv(_) = case.position {
            cmd.env("LEAK_VALUE", case.shape.value(command));
        }
        let env = if command == Cmd::Check {
            &check_env_path
        } else {
            &env_path
        };
        cmd.args(["-c", "upwire.toml", "--env-file"])
            .arg(env)
            .args(["--format", format]);
        cmd
    };
    let control = is_control(case);
    for command in COMMANDS {
        for &format in formats(command) {
            let dir = match command {
                Cmd::Generate => {
                    let dir = tmp.path().join(format!("generate-{format}"));
                    std::fs::create_dir_all(&dir).unwrap();
                    std::fs::write(dir.join("upwire.toml"), &toml).unwrap();
                    dir
                }
                Cmd::Check => check_repo.clone(),
                _ => repo.clone(),
            };
            let mut cmd = base(&dir, format, command);
            match command {
                Cmd::Lint => cmd.args(["lint", "upwire.toml"]).arg(&env_path),
                Cmd::Resolve => cmd.arg("resolve"),
                Cmd::Docs => cmd.arg("docs"),
                Cmd::DryRun => cmd.args(["generate", "--dry-run", "--diff"]),
                Cmd::Generate => cmd.arg("generate"),
                Cmd::Check => cmd.args(["check", "--timeout", "1"]),
                Cmd::FixDryRun => cmd.args(["fix", "--dry-run", "upwire.toml"]).arg(&env_path),
            };
            let t0 = Instant::now();
            let result = try_run_bounded(cmd, RUN_LIMIT);
            let entry = report
                .time
                .entry(format!("{} {format}", command.label()))
                .or_default();
            entry.0 += 1;
            entry.1 += t0.elapsed();
            let output = match result {
                Ok(output) => output,
                Err(hang) => {
                    report.runs += 1;
                    report.problems.push(format!(
                        "{} × {} × {} × {format}: {hang}",
                        case.shape_label(),
                        case.position.label(),
                        command.label()
                    ));
                    continue;
                }
            };
            report.scan_output(case, command.label(), format, &output);
            if command == Cmd::Generate {
                scan_generated(case, format, &dir, control, report);
            }
        }
    }
    if control {
        report.controls += 1;
        let mut cmd = base(&repo, "text", Cmd::Resolve);
        cmd.args(["resolve", "--show-secrets"]);
        let output = try_run_bounded(cmd, RUN_LIMIT).unwrap_or_else(|e| panic!("{e}"));
        if code(&output) != 0
            || excerpt(&String::from_utf8_lossy(&output.stdout), &case.shape.canary).is_none()
        {
            report.problems.push(format!(
                "control failed: `resolve --show-secrets` does not show the canary of {} × {} (exit {}):\n{}",
                case.shape_label(),
                case.position.label(),
                code(&output),
                crate::support::all_output(&output)
            ));
        }
    }
}

/// Checks every file a real `generate` wrote: the canary only in the secret files (and, for a
/// control case, really there).
fn scan_generated(case: &Case, format: &str, dir: &Path, control: bool, report: &mut Report) {
    let mut in_secret_file = false;
    for (path, contents) in files_below(dir) {
        if path == "upwire.toml" {
            continue;
        }
        let name = Path::new(&path)
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned());
        if SECRET_FILES.contains(&name.as_str()) {
            in_secret_file |= excerpt(&contents, &case.shape.canary).is_some();
            continue;
        }
        report.scan(case, "generate", format, &format!("file {path}"), &contents);
        report.scan(case, "generate", format, "file name", &path);
    }
    if control && !in_secret_file {
        report.problems.push(format!(
            "control failed: no secret file holds the canary of {} × {} after `generate` ({format}): {:?}",
            case.shape_label(),
            case.position.label(),
            files_below(dir).keys().collect::<Vec<_>>()
        ));
    }
}

/// Runs `check` with a flag holding the shape, in both formats, without a descriptor.
fn run_check_flag_case(case: &Case, unauthorized_port: u16, report: &mut Report) {
    let tmp = tempfile::tempdir().unwrap();
    let rest = format!("http://127.0.0.1:{unauthorized_port}");
    let value = case.shape.value(Cmd::Check);
    let args: Vec<&str> = match case.position {
        Position::CheckFlag("--redis-url") => vec!["--redis-url", value],
        Position::CheckFlag("--rest-url") => vec!["--rest-url", value, "--rest-token", "AXbenign"],
        Position::CheckFlag("--rest-token") => vec!["--rest-url", &rest, "--rest-token", value],
        other => unreachable!("{other:?}"),
    };
    for format in FORMATS {
        let mut cmd = upwire_in(tmp.path());
        cmd.args(["--format", format, "check", "--timeout", "1"])
            .args(&args);
        let t0 = Instant::now();
        let result = try_run_bounded(cmd, RUN_LIMIT);
        let entry = report
            .time
            .entry(format!("{} {format}", case.position.label()))
            .or_default();
        entry.0 += 1;
        entry.1 += t0.elapsed();
        match result {
            Ok(output) => report.scan_output(case, "check", format, &output),
            Err(hang) => {
                report.runs += 1;
                report.problems.push(format!(
                    "{} × {} × check × {format}: {hang}",
                    case.shape_label(),
                    case.position.label()
                ));
            }
        }
    }
}

/// Runs one case, whatever its position.
fn run_case(case: &Case, unauthorized_port: u16, report: &mut Report) {
    if let Position::CheckFlag(_) = case.position {
        run_check_flag_case(case, unauthorized_port, report);
    } else {
        run_descriptor_case(case, report);
    }
}

/// How many runs a case makes.
fn runs_of(position: Position) -> usize {
    match position {
        Position::CheckFlag(_) | Position::Peer(_) => FORMATS.len(),
        _ => COMMANDS.iter().map(|&c| formats(c).len()).sum(),
    }
}

// ---------------------------------------------------------------------------------------------
// Generated surroundings

/// A random shape in a random position, with random scheme case, host and punctuation or
/// whitespace around the value.
fn generated_cases(first_case: usize) -> Vec<Case> {
    let positions: Vec<Position> = DESCRIPTOR_POSITIONS
        .iter()
        .chain(CHECK_POSITIONS)
        .copied()
        .collect();
    let junk = || {
        proptest::collection::vec(
            proptest::sample::select(vec![' ', '\t', '"', '\'', ';', ',', '<', '>', '`', '%']),
            0..3,
        )
        .prop_map(|chars| chars.into_iter().collect::<String>())
    };
    let strategy = (
        0..SHAPES.len(),
        0..positions.len(),
        any::<u8>(),
        0..HOSTS.len(),
        junk(),
        junk(),
    );
    let mut runner = TestRunner::new(proptest_config(PROPTEST_CASES));
    (0..runner.config().cases as usize)
        .map(|i| {
            let (shape, position, case_mask, host, before, after) =
                strategy.new_tree(&mut runner).unwrap().current();
            let mut concrete = Shape::new(&SHAPES[shape], first_case + i, HOSTS[host]);
            for value in [&mut concrete.value, &mut concrete.check_value] {
                *value = format!("{before}{}{after}", random_scheme_case(value, case_mask));
            }
            Case {
                shape: concrete,
                position: positions[position],
                generated: true,
            }
        })
        .collect()
}

/// Upper-cases the letters of the scheme (before the first `:`) chosen by `mask`.
fn random_scheme_case(value: &str, mask: u8) -> String {
    let Some(colon) = value.find(':') else {
        return value.to_owned();
    };
    let (scheme, rest) = value.split_at(colon);
    if !scheme.chars().all(|c| c.is_ascii_alphabetic() || c == '+') {
        return value.to_owned();
    }
    let scheme: String = scheme
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if mask & (1 << (i % 8)) != 0 {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect();
    scheme + rest
}

// ---------------------------------------------------------------------------------------------
// Server error replies and the serve log

/// `check` against a RESP peer that echoes the password in its AUTH error, and an HTTP peer
/// that echoes the token in a 400 body.
fn run_peer_cases(first_case: usize, report: &mut Report) {
    let password = canary(Secret::Password, first_case);
    let token = canary(Secret::Token, first_case + 1);
    let resp = Canned::resp(format!(
        "-ERR invalid password for user default {password}\r\n"
    ));
    let rest = Canned::http(
        400,
        &format!(r#"{{"error":"WRONGPASS token {token} is not valid"}}"#),
    );
    let redis_url = format!("redis://default:{password}@127.0.0.1:{}", resp.port);
    let rest_url = format!("http://127.0.0.1:{}", rest.port);
    let tmp = tempfile::tempdir().unwrap();
    let peers: [(Case, Vec<&str>, &Canned); 2] = [
        (
            Case {
                shape: Shape {
                    name: "valid password".to_owned(),
                    value: redis_url.clone(),
                    check_value: redis_url.clone(),
                    canary: password.clone(),
                },
                position: Position::Peer(
                    "check --redis-url, RESP peer answers AUTH with `-ERR invalid password for user default C`",
                ),
                generated: false,
            },
            vec!["--redis-url", &redis_url],
            &resp,
        ),
        (
            Case {
                shape: Shape {
                    name: "bare token".to_owned(),
                    value: token.clone(),
                    check_value: token.clone(),
                    canary: token.clone(),
                },
                position: Position::Peer(
                    "check --rest-token, HTTP peer answers 400 `{\"error\":\"WRONGPASS token C is not valid\"}`",
                ),
                generated: false,
            },
            vec!["--rest-url", &rest_url, "--rest-token", &token],
            &rest,
        ),
    ];
    for (case, args, peer) in &peers {
        for format in FORMATS {
            let mut cmd = upwire_in(tmp.path());
            cmd.args(["--format", format, "check", "--timeout", "1"])
                .args(args);
            let output = try_run_bounded(cmd, RUN_LIMIT).unwrap_or_else(|e| panic!("{e}"));
            report.scan_output(case, "check", format, &output);
            if code(&output) != 1 {
                report.problems.push(format!(
                    "control failed: check against the peer of {} did not fail:\n{}",
                    case.position.label(),
                    crate::support::all_output(&output)
                ));
            }
        }
        report.controls += 1;
        if excerpt(&peer.received(), &case.shape.canary).is_none() {
            report.problems.push(format!(
                "control failed: the peer of {} never received the canary: {:?}",
                case.position.label(),
                peer.received()
            ));
        }
    }
}

/// `serve` in front of a redis-server: requests whose command name or token is a canary; its
/// request log must hold none of them.
fn run_serve_cases(first_case: usize, report: &mut Report) {
    let token = "AXserveTokenBenign";
    let (redis, serve) = ServeProcess::with_redis(&ServeOptions::default().token(token));
    type MakeRequest<'a> = Box<dyn Fn(&str) -> Request + 'a>;
    let requests: Vec<(&str, String, MakeRequest)> = vec![
        (
            "GET /C (command name in the path)",
            canary(Secret::Token, first_case),
            Box::new(|c: &str| Request::get(&format!("/{c}")).bearer(token)),
        ),
        (
            "POST / [\"C\"] (command name in the body)",
            canary(Secret::Token, first_case + 1),
            Box::new(|c: &str| Request::post_json("/", &format!("[\"{c}\"]")).bearer(token)),
        ),
        (
            "GET /ping?_token=C (wrong token in the query)",
            canary(Secret::Token, first_case + 2),
            Box::new(|c: &str| Request::get(&format!("/ping?_token={c}"))),
        ),
        (
            "POST / with `Authorization: Bearer C` (wrong token)",
            canary(Secret::Token, first_case + 3),
            Box::new(|c: &str| Request::post_json("/", "[\"PING\"]").bearer(c)),
        ),
    ];
    let mut cases = Vec::new();
    for (what, canary, request) in &requests {
        let response = request(canary).send(serve.addr).text();
        let case = Case {
            shape: Shape {
                name: "bare token".to_owned(),
                value: canary.clone(),
                check_value: canary.clone(),
                canary: canary.clone(),
            },
            position: Position::Peer(what),
            generated: false,
        };
        // The reply to a command goes back to the client that sent it, as Upstash's does
        // (`ERR unknown command '...'`); only a refused token must never be echoed.
        if what.contains("wrong token") {
            report.scan(&case, "serve", "http", "response", &response);
        }
        cases.push(case);
    }
    let log = serve.stop();
    drop(redis);
    let request_lines = log.matches("\"GET ").count() + log.matches("\"POST ").count();
    report.controls += 1;
    if request_lines < requests.len() {
        report.problems.push(format!(
            "control failed: the serve log has {request_lines} request lines for {} requests:\n{log}",
            requests.len()
        ));
    }
    for case in &cases {
        report.runs += 1;
        report.scan(case, "serve", "text", "stderr (request log)", &log);
    }
}

/// The report: one line per position × shape with everything that leaked.
fn render(leaks: &[Leak]) -> String {
    let mut grouped: BTreeMap<(&str, &str), Vec<&Leak>> = BTreeMap::new();
    for leak in leaks {
        grouped
            .entry((&leak.position, &leak.shape))
            .or_default()
            .push(leak);
    }
    let mut out = String::new();
    let mut last_position = "";
    for ((position, shape), leaks) in &grouped {
        if *position != last_position {
            let _ = writeln!(out, "\n== {position}");
            last_position = position;
        }
        let places: Vec<String> = leaks
            .iter()
            .map(|l| format!("{} {} {}", l.command, l.format, l.place))
            .collect();
        let _ = writeln!(out, "  {shape}: {}", places.join(", "));
        let _ = writeln!(out, "      e.g. {}", leaks[0].excerpt);
    }
    out
}

#[test]
fn no_canary_leaks_from_any_shape_position_command_or_format() {
    let started = Instant::now();
    let mut cases: Vec<Case> = Vec::new();
    let positions = || {
        DESCRIPTOR_POSITIONS
            .iter()
            .chain(CHECK_POSITIONS)
            .enumerate()
    };
    for (p, position) in positions() {
        for (s, def) in SHAPES.iter().enumerate() {
            let case = Case {
                shape: Shape::new(def, cases.len(), "host"),
                position: *position,
                generated: false,
            };
            // The positive controls run in either tier.
            if in_matrix(s, p) || is_control(&case) {
                cases.push(case);
            }
        }
    }
    let deterministic = cases.len();
    cases.extend(generated_cases(cases.len()));
    let expected_runs: usize = cases.iter().map(|c| runs_of(c.position)).sum::<usize>() + 4 + 4;

    // The peer `--rest-token` is sent to: 401, as Upstash answers a wrong token.
    let unauthorized = Canned::http(401, r#"{"error":"Unauthorized"}"#);
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(4);
    let report = Mutex::new(Report::default());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                let mut mine = Report::default();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(case) = cases.get(i) else { break };
                    run_case(case, unauthorized.port, &mut mine);
                }
                report.lock().unwrap().merge(mine);
            });
        }
        scope.spawn(|| {
            let mut mine = Report::default();
            run_peer_cases(cases.len(), &mut mine);
            run_serve_cases(cases.len() + 2, &mut mine);
            report.lock().unwrap().merge(mine);
        });
    });
    let mut report = report.into_inner().unwrap();

    // The matrix really ran: every case, every command and format, and the controls.
    let expected_controls = 3 + 6 + 2 + 1;
    if report.runs != expected_runs {
        report.problems.push(format!(
            "ran {} upwire commands, expected {expected_runs}",
            report.runs
        ));
    }
    if report.controls != expected_controls {
        report.problems.push(format!(
            "{} positive controls ran, expected {expected_controls}",
            report.controls
        ));
    }
    // Every shape goes into a position and every position gets a shape, in either tier.
    let shapes_in = |p: usize| (0..SHAPES.len()).filter(|&s| in_matrix(s, p)).count();
    let positions_of = |s: usize| positions().filter(|&(p, _)| in_matrix(s, p)).count();
    assert!(
        positions().all(|(p, _)| shapes_in(p) >= 3)
            && (0..SHAPES.len()).all(|s| positions_of(s) >= 5)
            && SHAPES.len() >= 28
            && DESCRIPTOR_POSITIONS.len() >= 45
            && expected_runs > if tier::all() { 15_000 } else { 2_000 },
        "the matrix shrank: {deterministic} cases, {expected_runs} runs"
    );
    for (command, (n, t)) in &report.time {
        eprintln!(
            "leak matrix: {command}: {n} runs, {:.1?} per run",
            *t / (*n).max(1) as u32
        );
    }
    eprintln!(
        "leak matrix: {} cases ({deterministic} from the table), {} runs, exit codes {:?}, {} leaks, {:.1?}",
        cases.len() + 6,
        report.runs,
        report.exit_codes,
        report.leaks.len(),
        started.elapsed()
    );

    let leaking_cases = report
        .leaks
        .iter()
        .map(|l| (&l.position, &l.shape))
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    assert!(
        report.problems.is_empty() && report.leaks.is_empty(),
        "{} problems with the matrix itself:\n{}\n\n{} leaks in {leaking_cases} of {} cases \
         (position, then shape: command format place):\n{}",
        report.problems.len(),
        report.problems.join("\n"),
        report.leaks.len(),
        cases.len() + 6,
        render(&report.leaks)
    );
}

/// Keeps the report readable: one line per case, the excerpt shows the canary in context.
#[test]
fn the_report_groups_leaks_by_position_and_shape() {
    let leak = |command: &str, place: &str| Leak {
        position: "env file REDIS_URL=".to_owned(),
        shape: "missing host `rediss://default:PwZq9`".to_owned(),
        command: command.to_owned(),
        format: "text".to_owned(),
        place: place.to_owned(),
        excerpt: "REDIS_URL=rediss://default:PwZq9".to_owned(),
    };
    let text = render(&[leak("resolve", "stdout"), leak("lint", "stderr")]);
    assert_eq!(
        text,
        "\n== env file REDIS_URL=\n  missing host `rediss://default:PwZq9`: resolve text stdout, lint text stderr\n      e.g. REDIS_URL=rediss://default:PwZq9\n"
    );
    assert_eq!(
        excerpt("a\nthe port `PWABCZQ9` is\n", "PwAbcZq9").as_deref(),
        Some("the port `PWABCZQ9` is")
    );
    assert_eq!(excerpt("nothing here", "PwAbcZq9"), None);
}
