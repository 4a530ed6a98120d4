//! The Rust crates the tests generate and build (the TCP, REST and Worker starters, the build.rs
//! fixture), and the dependency versions they build against.
//!
//! A generated crate would resolve its dependencies afresh on every run, so a release on
//! crates.io could turn these tests red overnight. Each kind of crate therefore builds against
//! a lockfile kept in the repository (`tests/fixtures/starter/Cargo.<kind>.lock`,
//! `tests/fixtures/buildrs/Cargo.lock`) with `--locked`. `UPWIRE_STARTER_DEPS` chooses:
//! - unset or `locked`: the kept lockfile, `--locked` (what `cargo test` and CI do);
//! - `latest`: no lockfile, the newest compatible releases, what a user who generates a client
//!   today gets (`bash .ci/latest-deps`, and the scheduled `latest-deps` workflow);
//! - `refresh`: the newest compatible releases, and the lockfile that passed is written back
//!   into the repository (`bash .ci/refresh-locks`, on purpose, reviewed like code).
//!
//! The crates share one target dir per mode, so their dependencies build once per machine.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::root;

/// Where the generated crates' dependency versions come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Deps {
    Locked,
    Latest,
    Refresh,
}

fn deps() -> Deps {
    match std::env::var("UPWIRE_STARTER_DEPS").as_deref() {
        Err(_) | Ok("" | "locked") => Deps::Locked,
        Ok("latest") => Deps::Latest,
        Ok("refresh") => Deps::Refresh,
        Ok(other) => {
            panic!("UPWIRE_STARTER_DEPS=`{other}`: expected `locked`, `latest` or `refresh`")
        }
    }
}

/// The target dir every generated crate builds into: one for the kept lockfiles, one for the
/// newest releases, so that neither rebuilds the other's dependencies.
pub fn target_dir() -> PathBuf {
    let name = match deps() {
        Deps::Locked => "generated-crates",
        Deps::Latest | Deps::Refresh => "generated-crates-latest",
    };
    root().join("target").join(name)
}

/// A crate the tests made in a scratch folder, with the lockfile kept for its kind.
pub struct Crate {
    dir: PathBuf,
    lock: PathBuf,
}

impl Crate {
    /// The crate in `dir`, whose kept lockfile is `lock` (relative to the repository root).
    /// Puts that lockfile in place, or, for the newest releases, none.
    pub fn new(dir: &Path, lock: &str) -> Self {
        let krate = Self {
            dir: dir.to_owned(),
            lock: root().join(lock),
        };
        let _ = std::fs::remove_file(krate.dir.join("Cargo.lock"));
        match deps() {
            Deps::Locked => {
                if let Err(e) = std::fs::copy(&krate.lock, krate.dir.join("Cargo.lock")) {
                    panic!(
                        "no kept lockfile {} ({e}): run `bash .ci/refresh-locks` to make it",
                        krate.lock.display()
                    );
                }
            }
            Deps::Latest => {}
            // From the kept versions, then `cargo update` to the newest compatible ones.
            Deps::Refresh => {
                if std::fs::copy(&krate.lock, krate.dir.join("Cargo.lock")).is_ok() {
                    run_cargo(&krate.dir, &["update", "--quiet"]);
                }
            }
        }
        krate
    }

    /// The folder the crate is in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Runs `cargo ARGS` in the crate (with `--locked` for the kept lockfile); panics with
    /// cargo's output on failure. After a successful build in `refresh` mode, the lockfile it
    /// used is written back into the repository.
    pub fn cargo(&self, args: &[&str]) -> Output {
        let mut args = args.to_vec();
        if deps() == Deps::Locked && args.first() != Some(&"fmt") {
            let at = args.iter().position(|a| *a == "--").unwrap_or(args.len());
            args.insert(at, "--locked");
        }
        let output = run_cargo(&self.dir, &args);
        if deps() == Deps::Refresh {
            let resolved = self.dir.join("Cargo.lock");
            if resolved.exists() {
                // Through a temporary file: tests of one kind of crate run in parallel.
                let temp = self
                    .lock
                    .with_extension(format!("lock.{}", std::process::id()));
                std::fs::copy(&resolved, &temp).expect("copy the lockfile");
                std::fs::rename(&temp, &self.lock).expect("keep the lockfile");
            }
        }
        output
    }
}

/// Runs cargo in `dir` with the shared target dir; panics with cargo's output on failure.
fn run_cargo(dir: &Path, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stale = stderr.contains("--locked") && stderr.contains("needs to be updated");
    assert!(
        output.status.success(),
        "`cargo {}` failed in {}:\n{}{}{}",
        args.join(" "),
        dir.display(),
        String::from_utf8_lossy(&output.stdout),
        stderr,
        if stale {
            "\nThe kept lockfile no longer fits the crate's dependencies: run \
             `bash .ci/refresh-locks` and review the lockfile diff."
        } else {
            ""
        }
    );
    output
}
