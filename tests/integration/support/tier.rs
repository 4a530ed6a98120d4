//! The two test tiers. `cargo test` alone is the fast tier: it needs the Rust toolchain and
//! `redis-server` (with `redis-cli`), and passes over what needs more. `UPWIRE_TEST_ALL=1`
//! (what `.ci/run` sets) is the full tier: everything runs, and a missing tool fails the test
//! that needs it, saying what to install.
//!
//! A test that needs more calls [`require`] first and returns when it says `false`:
//!
//! ```ignore
//! if !tier::require(Group::Node) {
//!     return;
//! }
//! ```
//!
//! Groups are of two costs. A slow group (the node compatibility suite, the generated crates,
//! the npm packages) is skipped by the fast tier even where its tools are installed, so that
//! `cargo test` takes the same few minutes everywhere. A tool group (openssl, curl, zsh and
//! fish, the schema checkers, PyYAML, compat/.venv's upstash-redis) runs in seconds, so the fast tier runs it where the tool
//! is installed and skips it where it is not. Either way a skipped group prints one line to
//! stderr, once per test run, past the harness's capture so that it shows in a passing run:
//!
//! ```text
//! skipped: node compatibility (set UPWIRE_TEST_ALL=1 to run; needs node and compat/node_modules)
//! ```
//!
//! Two groups are sampled rather than skipped: the fast tier runs a representative part of the
//! secret-leak matrix and a smaller load, the full tier all of it ([`full`] with a `sampled:`
//! line).

use std::collections::HashSet;
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Mutex;

use super::root;

/// The variable that selects the full tier.
pub const ALL: &str = "UPWIRE_TEST_ALL";

/// What a test needs beyond the Rust toolchain and `redis-server`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    /// The official `@upstash/redis` client, `tsc` and bun from `compat/node_modules`.
    Node,
    /// The npm launcher and platform packages, installed offline and run with `npx`.
    NpmPackages,
    /// The Rust crates `generate` writes, built against the kept lockfiles (crates.io or a
    /// warm cargo cache, and minutes of compiling).
    GeneratedCrates,
    /// `openssl`: TLS servers and clients with certificates it makes, scripts that call it.
    Openssl,
    /// Scripts (the CI examples, the GitHub action's installer) that call `curl`.
    Curl,
    /// Completion scripts loaded into real zsh and fish.
    Shells,
    /// The GitHub workflow, action and pre-commit hook against their schemas
    /// (`check-jsonschema`, `pre-commit`).
    Schemas,
    /// Generated YAML parsed back by python3's PyYAML.
    Yaml,
    /// The official upstash-redis Python package, pinned in compat/requirements.txt and
    /// installed into compat/.venv.
    Python,
    /// The secret-leak matrix: every shape in every position (sampled in the fast tier).
    LeakMatrix,
    /// `upwire serve` under load: 64 clients × 10,000 requests (fewer in the fast tier).
    Load,
}

/// How a group's tests are found runnable, and what they need.
struct Needs {
    /// What the skip line calls the group.
    name: &'static str,
    /// What to install, in words.
    install: &'static str,
    /// Skipped by the fast tier even where installed.
    slow: bool,
    /// Programs that must run (`PROGRAM ARGS` exits 0); a program with a `/` is a path below
    /// the repository root.
    programs: &'static [&'static [&'static str]],
    /// Files below the repository root that must exist.
    files: &'static [&'static str],
}

impl Group {
    fn needs(self) -> Needs {
        let needs = |name, install, slow, programs, files| Needs {
            name,
            install,
            slow,
            programs,
            files,
        };
        match self {
            Group::Node => needs(
                "node compatibility",
                "node and compat/node_modules from `npm ci --prefix compat`",
                true,
                &[&["node", "--version"]],
                &[
                    "compat/node_modules/@upstash/redis/package.json",
                    "compat/node_modules/typescript/package.json",
                ],
            ),
            Group::NpmPackages => needs(
                "npm packages",
                "node and npm",
                true,
                &[&["node", "--version"], &["npm", "--version"]],
                &[],
            ),
            Group::GeneratedCrates => needs(
                "generated crates",
                "crates.io access or a warm cargo cache for tests/fixtures/*/Cargo*.lock",
                true,
                &[],
                &[],
            ),
            Group::Openssl => needs(
                "openssl (TLS certificates)",
                "openssl",
                false,
                &[&["openssl", "version"]],
                &[],
            ),
            Group::Curl => needs(
                "curl scripts",
                "curl",
                false,
                &[&["curl", "--version"]],
                &[],
            ),
            Group::Shells => needs(
                "zsh and fish completions",
                "zsh and fish",
                false,
                &[&["zsh", "-c", "true"], &["fish", "-c", "true"]],
                &[],
            ),
            Group::Schemas => needs(
                "schema checks",
                "check-jsonschema and pre-commit from PyPI",
                false,
                &[
                    &["check-jsonschema", "--version"],
                    &["pre-commit", "--version"],
                ],
                &[],
            ),
            Group::Yaml => needs(
                "YAML parse-back",
                "python3 with PyYAML",
                false,
                &[&["python3", "-c", "import yaml"]],
                &[],
            ),
            Group::Python => needs(
                "upstash-redis Python compatibility",
                "compat/.venv with the pinned upstash-redis (`python3 -m venv compat/.venv && \
                 compat/.venv/bin/pip install --require-hashes -r compat/requirements.txt`)",
                false,
                &[&["compat/.venv/bin/python", "-c", "import upstash_redis"]],
                &[],
            ),
            Group::LeakMatrix => needs("secret-leak matrix", "nothing more", true, &[], &[]),
            Group::Load => needs("serve under load", "nothing more", true, &[], &[]),
        }
    }
}

/// Whether this run is the full tier (`UPWIRE_TEST_ALL=1`).
pub fn all() -> bool {
    std::env::var_os(ALL).is_some_and(|v| v == "1")
}

/// What of `needs` is missing here, in words; `None` when everything is there.
fn missing(needs: &Needs) -> Option<String> {
    let mut missing: Vec<String> = needs
        .programs
        .iter()
        .filter(|command| {
            let program = if command[0].contains('/') {
                root().join(command[0])
            } else {
                command[0].into()
            };
            !Command::new(program)
                .args(&command[1..])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .map(|command| format!("`{}`", command.join(" ")))
        .collect();
    missing.extend(
        needs
            .files
            .iter()
            .filter(|f| !root().join(f).exists())
            .map(|f| (*f).to_owned()),
    );
    (!missing.is_empty()).then(|| missing.join(", "))
}

/// Prints `line` to stderr the first time `group` asks, past the test harness's capture.
fn once(group: Group, line: &str) {
    once_for(&format!("{group:?}"), line);
}

/// Prints `line` to stderr the first time `key` asks, past the test harness's capture.
fn once_for(key: &str, line: &str) {
    static SAID: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    let mut said = SAID.lock().unwrap_or_else(|e| e.into_inner());
    if said.get_or_insert_with(HashSet::new).insert(key.to_owned()) {
        // One write of the whole line, so that it does not interleave with the harness's.
        let _ = std::io::stderr().write_all(format!("{line}\n").as_bytes());
    }
}

/// Whether the calling test runs: `true` when `group` runs in this tier and what it needs is
/// here. In the fast tier a skipped group prints its one line and gives `false`; in the full
/// tier a missing tool panics with what to install.
pub fn require(group: Group) -> bool {
    let needs = group.needs();
    let missing = missing(&needs);
    if all() {
        if let Some(missing) = missing {
            panic!(
                "{ALL}=1 runs the {} tests, which need {}: {missing} not found \
                 (`bash .ci/run` installs them)",
                needs.name, needs.install
            );
        }
        return true;
    }
    if needs.slow {
        once(
            group,
            &format!(
                "skipped: {} (set {ALL}=1 to run; needs {})",
                needs.name, needs.install
            ),
        );
        return false;
    }
    match missing {
        None => true,
        Some(missing) => {
            once(
                group,
                &format!(
                    "skipped: {} ({missing} not found; install {}, and {ALL}=1 fails without it)",
                    needs.name, needs.install
                ),
            );
            false
        }
    }
}

/// Whether a sampled group runs in full: `true` in the full tier; in the fast tier one
/// `sampled:` line says what the sample leaves out, and `false`.
pub fn full(group: Group, sample: &str) -> bool {
    if all() {
        return true;
    }
    once(
        group,
        &format!(
            "sampled: {} ({sample}; set {ALL}=1 for all of it)",
            group.needs().name
        ),
    );
    false
}

/// A part of a test that this machine cannot run, for a reason no install fixes (it lets no
/// process mount a file system, rustup has no `wasm32` target): one `partly run:` line, past
/// the harness's capture, in either tier, so that a passing run still says what it left out.
pub fn partly_run(what: &str, left_out: &str) {
    once_for(what, &format!("partly run: {what} ({left_out})"));
}
