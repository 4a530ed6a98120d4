//! Opening a project: the one way the command line, `build.rs` and the tests get from a
//! descriptor path to what `resolve` needs. It finds the descriptor (upward, as cargo finds
//! `Cargo.toml`), reads it once, gathers the variables `${NAME}` resolves from (the process
//! environment, each `--env-file`, then the env files beside the descriptor that its targets'
//! frameworks read by convention) and selects targets by name. Printing what it read is the
//! caller's job.

use std::path::{Path, PathBuf};

use crate::diagnostic::SourceFile;
use crate::error::Error;
use crate::input::load_source;
use crate::interpolate::Env;
use crate::model::did_you_mean;
use crate::plan::{Resolved, TargetPlan, resolve};

/// How to open a project.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options<'a> {
    /// Env files to read after the process environment, in order; each must exist and parse.
    pub env_files: &'a [PathBuf],
    /// Whether `${NAME}` is looked up in the process environment first (`build.rs` does not:
    /// the generated code reads its variables at run time).
    pub process_env: bool,
    /// Whether the env files beside the descriptor are read by convention (`--no-dotenv`
    /// turns it off; `build.rs` reads none).
    pub convention: bool,
}

/// A project opened: its descriptor read once, and the variables it resolves from.
#[derive(Debug)]
pub(crate) struct Project {
    /// The descriptor's text (a byte-order mark dropped).
    pub source: SourceFile,
    /// The variables `${NAME}` resolves from, first found wins.
    pub env: Env,
    /// The env files beside the descriptor found by convention, in order.
    pub convention_files: Vec<PathBuf>,
    /// Those of them that could not be read, with why: their variables are left out (a file
    /// nobody named does not stop the run).
    pub convention_skipped: Vec<(PathBuf, Error)>,
    /// The descriptor's folder, where the targets' `dir`s are.
    base: PathBuf,
}

impl Project {
    /// Reads the descriptor at `descriptor` and the variables of `options`.
    ///
    /// # Errors
    /// A descriptor that cannot be read (the command line says [`missing_descriptor`] for
    /// one that is not there), or an env file of `options` that is missing or cannot be
    /// parsed.
    pub(crate) fn open(descriptor: &Path, options: Options<'_>) -> Result<Project, Error> {
        let source = load_source(descriptor)?;
        let convention = if options.convention {
            convention_env_files(descriptor, &source.text, options.env_files)
        } else {
            Vec::new()
        };
        let mut env = env_files(
            if options.process_env {
                Env::from_process()
            } else {
                Env::default()
            },
            options.env_files,
        )?;
        let mut skipped = Vec::new();
        for (path, folder) in &convention {
            if let Err(e) = env.add_folder_file(path, folder.as_deref()) {
                skipped.push((path.clone(), e));
            }
        }
        Ok(Project {
            source,
            env,
            convention_files: convention.into_iter().map(|(path, _)| path).collect(),
            convention_skipped: skipped,
            base: base_dir(descriptor),
        })
    }

    /// The env files beside the descriptor whose variables were read, in order.
    pub(crate) fn convention_read(&self) -> impl Iterator<Item = &Path> {
        self.convention_files
            .iter()
            .filter(|f| !self.convention_skipped.iter().any(|(s, _)| s == *f))
            .map(PathBuf::as_path)
    }

    /// The plan: every target's transport, reasons and variables, and the diagnostics; a
    /// target without a framework in the language its folder is written in
    /// ([`folder_language`]); the JavaScript packages and their managers, and the Rust crates.
    #[must_use]
    pub(crate) fn resolve(self) -> Resolved {
        let mut r = resolve(self.source, &self.env);
        folder_language(&self.base, &mut r.plan);
        let dirs: Vec<&str> = r
            .plan
            .targets
            .iter()
            .filter(|t| t.blocked.is_none())
            .map(|t| t.dir.as_str())
            .collect();
        r.plan.packages = crate::package_manager::packages(&self.base, dirs.iter().copied());
        r.plan.crates = crate::package_manager::roots(
            &self.base,
            dirs.iter().copied(),
            "Cargo.toml",
            cargo_workspace,
        );
        r.plan.unpackaged_root = !self.base.join("package.json").is_file();
        r
    }
}

/// Whether the `Cargo.toml` in `dir` makes it a Cargo workspace's root (`[workspace]`: `cargo
/// test` there tests its members).
fn cargo_workspace(dir: &Path) -> bool {
    crate::input::read_convention_toml(&dir.join("Cargo.toml"))
        .is_some_and(|table| table.contains_key("workspace"))
}

/// A target without a `framework` whose folder is a JavaScript project (a `package.json`
/// without a `Cargo.toml`) is JavaScript, as `init` would have written: on Cloudflare's edge a
/// TypeScript Worker (`framework = "workers"`: the `@upstash/redis/cloudflare` starter), and
/// where the runtime alone would make it native code (a Lambda, a server or a container) a
/// Node.js one (`framework = "node"`: the `@upstash/redis` starter, `npm test` in CI), never a
/// Rust starter in a JavaScript project. Likewise a folder that is a Python project
/// (`requirements.txt`, `pyproject.toml` or `Pipfile`, with neither of the others) holds Python
/// code (`framework = "python"`: no starter, the client lines in REDIS.md, pytest in CI).
/// Native code in a folder with another language's manifest (`go.mod`, `pom.xml`:
/// `framework::FOREIGN`) gets no starter and that language's tests in CI. Elsewhere the
/// platform already says JavaScript (Vercel, Netlify, Deno Deploy), and any other folder keeps
/// the runtime's language (Rust). Nothing else is read.
fn folder_language(base: &Path, plan: &mut crate::plan::Plan) {
    use crate::capability::{Runtime, runtime};
    use crate::model::{Framework, Kind, Platform};
    for t in &mut plan.targets {
        if t.framework.is_some() || t.blocked.is_some() {
            continue;
        }
        let dir = base.join(&t.dir);
        let has = |file: &str| dir.join(file).is_file();
        if has("Cargo.toml") {
            continue;
        }
        let native = runtime(t.kind, t.platform, None) == Runtime::Native;
        let runs = |f: Framework| native && t.kind.is_some_and(|k| f.facts().kinds.contains(&k));
        t.framework = if has("package.json") {
            if t.kind == Some(Kind::Edge) && t.platform == Some(Platform::Cloudflare) {
                Some(Framework::Workers)
            } else {
                Some(Framework::Node).filter(|f| runs(*f))
            }
        } else if crate::framework::PYTHON_MANIFESTS.iter().any(|f| has(f)) {
            Some(Framework::Python).filter(|f| runs(*f))
        } else {
            if native {
                t.foreign = crate::framework::FOREIGN.iter().find(|f| has(f.manifest));
            }
            None
        };
    }
}

/// `env` plus every file of `paths`, each of which must exist and parse.
///
/// # Errors
/// A file that is missing or cannot be parsed.
pub(crate) fn env_files(mut env: Env, paths: &[PathBuf]) -> Result<Env, Error> {
    for path in paths {
        if !path.exists() {
            return Err(Error::NotFound { path: path.clone() });
        }
        env.add_file(path)?;
    }
    Ok(env)
}

/// The directory that holds the descriptor at `descriptor` (empty for the current one):
/// where `dir`s and the convention env files are relative to.
#[must_use]
pub(crate) fn base_dir(descriptor: &Path) -> PathBuf {
    match descriptor.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::new(),
    }
}

/// The env files beside the descriptor at `descriptor` (whose text is `text`) that are read
/// by convention, first found wins (`crate::framework::convention_env_files_by_folder`): each
/// when it exists and no file of `named` is the same file, with the target folder it is read
/// for.
#[must_use]
pub(crate) fn convention_env_files(
    descriptor: &Path,
    text: &str,
    named: &[PathBuf],
) -> Vec<(PathBuf, Option<String>)> {
    let base = base_dir(descriptor);
    crate::framework::convention_env_files_by_folder(text)
        .into_iter()
        .map(|(name, folder)| (base.join(name), folder))
        .filter(|(path, _)| path.is_file() && !named.iter().any(|p| same_file(p, path)))
        .collect()
}

/// Whether two paths name one file: the same text, or the same file once links and `..`
/// are resolved.
#[must_use]
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

/// The descriptor upward from the current directory, as cargo finds `Cargo.toml`: `name` in
/// the current directory or the nearest parent that has one (as `../name`, `../../name`,
/// ...), up to the filesystem root; `name` itself when none has it (opening it then says so).
#[must_use]
pub(crate) fn discover(name: &Path) -> PathBuf {
    let Ok(cwd) = std::env::current_dir() else {
        return name.to_path_buf();
    };
    let mut relative = PathBuf::new();
    for dir in cwd.ancestors() {
        if dir.join(name).is_file() {
            return relative.join(name);
        }
        relative.push("..");
    }
    name.to_path_buf()
}

/// The one message for a descriptor that is not there: where it was looked for and what to
/// do. A path the user named is not found as given (no `-c PATH` hint to someone who passed
/// it); the default was looked for upward.
#[must_use]
pub(crate) fn missing_descriptor(path: &Path, named: bool) -> Error {
    let shown = path.display();
    Error::Usage(if named {
        format!(
            "`{shown}` does not exist; check the path, or run `upwire init -c {shown}` to write it"
        )
    } else {
        format!(
            "no `{shown}` in this directory or any parent; run `upwire init` to write one, or pass -c PATH"
        )
    })
}

/// The targets `only` selects (all without it). An unknown name is a usage error with a
/// did-you-mean, unless the descriptor yielded no targets at all (its diagnostics then say
/// why).
///
/// # Errors
/// [`Error::Usage`] for a name no target has.
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

/// Without a descriptor: every file of `named` (the `--env-file`s), then, when `convention`,
/// the env files in the current folder that any framework reads
/// (`crate::framework::every_env_file`), each unless `named` already holds it.
pub(crate) fn env_files_here(named: &[PathBuf], convention: bool) -> Vec<PathBuf> {
    let mut files = named.to_vec();
    if convention {
        files.extend(
            crate::framework::every_env_file()
                .into_iter()
                .map(PathBuf::from)
                .filter(|path| path.is_file() && !named.iter().any(|p| same_file(p, path))),
        );
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(named: &[PathBuf]) -> Options<'_> {
        Options {
            env_files: named,
            process_env: false,
            convention: true,
        }
    }

    /// The descriptor is read once, and the env files its frameworks read come from that
    /// reading: Next.js's `.env.local` before `.env`, first found wins.
    #[test]
    fn open_reads_the_convention_env_files_of_the_frameworks() {
        let dir = tempfile::tempdir().unwrap();
        let descriptor = dir.path().join("upwire.toml");
        std::fs::write(
            &descriptor,
            "[database.main]\nrest_url = \"${URL}\"\nrest_token = \"${T}\"\n\n[target.web]\nkind = \"lambda\"\nframework = \"nextjs\"\n",
        )
        .unwrap();
        std::fs::write(dir.path().join(".env.local"), "T=from-local\n").unwrap();
        std::fs::write(
            dir.path().join(".env"),
            "T=from-dotenv\nURL=https://eu1-cat.upstash.io\n",
        )
        .unwrap();
        let p = Project::open(&descriptor, options(&[])).unwrap();
        assert_eq!(
            p.convention_read().collect::<Vec<_>>(),
            [dir.path().join(".env.local"), dir.path().join(".env")]
        );
        assert_eq!(p.env.get("T"), Some("from-local"));

        // A named env file comes first and is not read again by convention.
        let named = [dir.path().join(".env")];
        let p = Project::open(&descriptor, options(&named)).unwrap();
        assert_eq!(
            p.convention_read().collect::<Vec<_>>(),
            [dir.path().join(".env.local")]
        );
        assert_eq!(p.env.get("T"), Some("from-dotenv"));

        let p = Project::open(
            &descriptor,
            Options {
                convention: false,
                ..options(&[])
            },
        )
        .unwrap();
        assert!(p.convention_files.is_empty());
        assert_eq!(p.env.get("T"), None);
    }

    #[test]
    fn a_missing_descriptor_says_where_it_was_looked_for() {
        let named = missing_descriptor(Path::new("conf/upwire.toml"), true);
        assert!(named.to_string().contains("does not exist"), "{named}");
        let found = missing_descriptor(Path::new("upwire.toml"), false);
        assert!(
            found
                .to_string()
                .contains("in this directory or any parent"),
            "{found}"
        );
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("upwire.toml");
        assert!(matches!(
            Project::open(&missing, options(&[])),
            Err(Error::NotFound { path }) if path == missing
        ));
    }
}
