//! The build-script API: the starter client for one target, generated into `OUT_DIR` on every
//! build, in prost-build's `Builder` shape.
//!
//! ```no_run
//! // build.rs
//! use upwire::build::Builder;
//!
//! fn main() {
//!     Builder::new("upwire.toml").target("api").generate().unwrap();
//! }
//! ```
//!
//! Generating code needs no secrets: the client names its variables and reads them at run
//! time. So the builder reads no environment variables, and `unresolved-variable` findings do
//! not fail the build (the build stays reproducible on a machine without any secret). Other
//! errors in the descriptor do; warnings become `cargo:warning=` lines.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Severity, TextRenderer};
use crate::error::Error;
use crate::plan::Resolved;
use crate::project::Project;
use crate::starter_client::Starter;
use crate::write::Durability;

pub use crate::starter_client::cargo_dependencies;

/// The file written into the output directory unless [`Builder::file_name`] names another.
pub const OUTPUT_FILE: &str = "upwire_redis.rs";

/// Generates the starter client of one target for `include!`.
///
/// Configure it with the chained methods, then call [`Builder::generate`] from `build.rs`:
///
/// ```no_run
/// // build.rs
/// fn main() -> Result<(), upwire::BuildError> {
///     upwire::Builder::new("upwire.toml") // relative to the package root
///         .target("api")                   // needed when the descriptor has several targets
///         .file_name("api_redis.rs")       // OUTPUT_FILE (`upwire_redis.rs`) by default
///         .generate()                      // writes $OUT_DIR/api_redis.rs when it changed
/// }
/// ```
///
/// and in the crate, `include!(concat!(env!("OUT_DIR"), "/api_redis.rs"));` inside a module.
/// The generated file lists the dependencies it needs in its header; [`cargo_dependencies`]
/// returns the same lines.
#[derive(Debug, Clone)]
pub struct Builder {
    descriptor: PathBuf,
    target: Option<String>,
    out_dir: Option<PathBuf>,
    env_files: Vec<PathBuf>,
    file_name: String,
}

/// Why [`Builder::generate`] failed.
///
/// `Debug` prints the same text as `Display`, so that `.generate().unwrap()` in a build script
/// shows the rendered diagnostics rather than an escaped string. More variants may come.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The descriptor or an env file could not be read, or the output could not be written.
    #[error(transparent)]
    Io(FileError),
    /// The descriptor has errors; `rendered` holds them as rustc-style text.
    #[error(
        "{rendered}upwire: the build stops here: `{descriptor}` has {count} {}",
        if *count == 1 { "error" } else { "errors" }
    )]
    Diagnostics {
        /// The descriptor path.
        descriptor: String,
        /// How many errors.
        count: usize,
        /// Every error, rendered without colour.
        rendered: String,
    },
    /// The target is unknown, or none was named and the descriptor has several.
    #[error("{0}")]
    Target(String),
    /// Neither [`Builder::out_dir`] nor the `OUT_DIR` variable says where to write.
    #[error("OUT_DIR is not set: call generate() from a build script, or set Builder::out_dir")]
    OutDir,
}

/// A file the build could not read or write: the descriptor, an env file, or the generated
/// client. Its text names the file and says why; [`FileError::path`] returns the file, and
/// [`std::error::Error::source`] the operating system's error when there is one.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct FileError(Error);

impl FileError {
    /// The file that could not be read or written.
    #[must_use]
    pub fn path(&self) -> Option<&Path> {
        match &self.0 {
            Error::NotFound { path }
            | Error::Read { path, .. }
            | Error::NotUtf8 { path, .. }
            | Error::Binary { path }
            | Error::TooLarge { path, .. }
            | Error::EnvFile { path, .. }
            | Error::Write { path, .. }
            | Error::Exists { path } => Some(path),
            Error::Usage(_) | Error::Runtime(_) => None,
        }
    }
}

/// A read or write failure as the build reports it (the command line's usage and runtime
/// failures never arise here).
fn file_error(e: Error) -> BuildError {
    BuildError::Io(FileError(e))
}

impl fmt::Debug for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Builder {
    /// A builder for the descriptor at `descriptor` (relative paths are relative to the
    /// package root, where cargo runs build scripts).
    #[must_use]
    pub fn new(descriptor: impl Into<PathBuf>) -> Self {
        Self {
            descriptor: descriptor.into(),
            target: None,
            out_dir: None,
            env_files: Vec::new(),
            file_name: OUTPUT_FILE.to_owned(),
        }
    }

    /// The name of the file to write into the output directory ([`OUTPUT_FILE`] by default),
    /// so that two targets' clients can be generated in one crate:
    ///
    /// ```no_run
    /// # use upwire::build::Builder;
    /// Builder::new("upwire.toml").target("api").file_name("api_redis.rs").generate().unwrap();
    /// Builder::new("upwire.toml").target("jobs").file_name("jobs_redis.rs").generate().unwrap();
    /// ```
    ///
    /// A name with a path separator or `..` is refused by [`Builder::generate`].
    #[must_use]
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = name.into();
        self
    }

    /// The target whose client to generate; may be left out when the descriptor has one.
    #[must_use]
    pub fn target(mut self, name: impl Into<String>) -> Self {
        self.target = Some(name.into());
        self
    }

    /// Where to write the file ([`OUTPUT_FILE`] unless [`Builder::file_name`]); `$OUT_DIR` by
    /// default.
    #[must_use]
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// An env file to resolve `${NAME}` from (repeatable), so that the values are validated at
    /// build time too. Without one, variables stay unresolved, which is fine for generating.
    #[must_use]
    pub fn env_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.env_files.push(path.into());
        self
    }

    /// Writes the client into the output directory (`$OUT_DIR/`[`OUTPUT_FILE`] unless
    /// [`Builder::out_dir`] or [`Builder::file_name`] say otherwise) when its content changed,
    /// and prints the cargo instructions (`rerun-if-changed`, `warning`) on stdout.
    ///
    /// # Errors
    /// A [`BuildError`]: unreadable input, errors in the descriptor, an unknown target, or a
    /// failed write.
    pub fn generate(&self) -> Result<(), BuildError> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(BuildError::OutDir)?,
        };
        let mut instructions = Vec::new();
        let result = self.generate_into(&out_dir, &mut instructions);
        // Cargo reads its instructions from the build script's stdout: printing is this
        // function's job, unlike the rest of the library. `print!`, not a stdout handle, so
        // that a test harness captures them.
        print!("{}", String::from_utf8_lossy(&instructions));
        result.map(drop)
    }

    /// [`Builder::generate`] with the output directory and instruction sink given; returns
    /// whether the file was (re)written.
    fn generate_into(&self, out_dir: &Path, cargo: &mut dyn Write) -> Result<bool, BuildError> {
        for path in std::iter::once(&self.descriptor).chain(&self.env_files) {
            let _ = writeln!(cargo, "cargo:rerun-if-changed={}", path.display());
        }
        let resolved = self.resolve()?;
        let failing: Vec<&Diagnostic> = resolved
            .diagnostics
            .iter()
            .filter(|d| d.is_error() && d.code != Code::UnresolvedVariable)
            .collect();
        if !failing.is_empty() {
            let renderer = TextRenderer::new(false);
            let sources = std::slice::from_ref(&resolved.source);
            return Err(BuildError::Diagnostics {
                descriptor: self.descriptor.display().to_string(),
                count: failing.len(),
                rendered: failing
                    .iter()
                    .map(|d| renderer.render(d, sources))
                    .collect(),
            });
        }
        for d in resolved
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
        {
            let _ = writeln!(cargo, "cargo:warning={}", one_line(d));
        }
        let target = self.pick_target(&resolved)?;
        if let Some(transport) = target.transport {
            match Starter::of(target.kind, target.platform, target.framework, transport) {
                Ok(starter) if !starter.is_rust() => {
                    return Err(BuildError::Target(format!(
                        "target `{}` runs JavaScript, so it has no Rust client to build: \
                         `upwire generate` writes its starter module, `{}`",
                        target.name,
                        crate::generate::join(&target.dir, starter.path(target.framework))
                            .display()
                    )));
                }
                Err(why) => {
                    return Err(BuildError::Target(format!(
                        "no starter client for target `{}`: {}",
                        target.name,
                        Starter::none_for(target, why)
                    )));
                }
                Ok(_) => {}
            }
        }
        let code = crate::generate::client_for_include(target).ok_or_else(|| {
            BuildError::Target(format!(
                "target `{}` has no transport or no database, so there is no client to generate",
                target.name
            ))
        })?;
        let name = &self.file_name;
        if name.is_empty() || name.contains(['/', '\\']) || name == "." || name == ".." {
            return Err(BuildError::Target(format!(
                "file_name `{name}` must be a plain file name such as `{OUTPUT_FILE}`"
            )));
        }
        let path = out_dir.join(name);
        // Rewriting an unchanged file would make cargo recompile the crate that includes it.
        if std::fs::read(&path).is_ok_and(|old| old == code.as_bytes()) {
            return Ok(false);
        }
        crate::write::write_atomic_with(
            &path,
            code.as_bytes(),
            None,
            Durability::Regenerable,
            None,
        )
        .map_err(file_error)?;
        Ok(true)
    }

    fn resolve(&self) -> Result<Resolved, BuildError> {
        // No process environment and no env file by convention: the build needs no secret.
        let options = crate::project::Options {
            env_files: &self.env_files,
            process_env: false,
            convention: false,
        };
        Project::open(&self.descriptor, options)
            .map(Project::resolve)
            .map_err(file_error)
    }

    fn pick_target<'r>(
        &self,
        resolved: &'r Resolved,
    ) -> Result<&'r crate::plan::TargetPlan, BuildError> {
        let targets = &resolved.plan.targets;
        let names = || {
            targets
                .iter()
                .map(|t| format!("`{}`", t.name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match (&self.target, targets.as_slice()) {
            (Some(name), _) => targets.iter().find(|t| &t.name == name).ok_or_else(|| {
                BuildError::Target(format!(
                    "no target `{name}` in `{}`; targets: {}",
                    self.descriptor.display(),
                    names()
                ))
            }),
            (None, [only]) => Ok(only),
            (None, []) => Err(BuildError::Target(format!(
                "`{}` has no targets",
                self.descriptor.display()
            ))),
            (None, _) => Err(BuildError::Target(format!(
                "`{}` has several targets: name one with .target(..): {}",
                self.descriptor.display(),
                names()
            ))),
        }
    }
}

/// A diagnostic as one line, for `cargo:warning=` (which cannot hold line breaks):
/// `file:line:column: code: message (help: ...)`.
fn one_line(d: &Diagnostic) -> String {
    let mut line = String::new();
    if let Some(l) = &d.location {
        line.push_str(&format!("{}:{}:{}: ", l.file, l.line, l.column));
    }
    line.push_str(&format!("{}: {}", d.code.name(), d.message));
    if let Some(help) = &d.help {
        line.push_str(&format!(" (help: {help})"));
    }
    line.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DESCRIPTOR: &str = "[database.main]\nredis_url = \"${REDIS_URL}\"\n\n\
                              [target.worker]\nkind = \"edge\"\nplatform = \"cloudflare\"\n\
                              transport = \"tcp\"\n";

    #[test]
    fn instructions_name_every_input_and_each_warning_on_one_line() {
        let dir = tempfile::tempdir().unwrap();
        let descriptor = dir.path().join("upwire.toml");
        let env_file = dir.path().join("dev.env");
        std::fs::write(&descriptor, DESCRIPTOR).unwrap();
        std::fs::write(
            &env_file,
            "REDIS_URL=https://eu1-tidy-cat-12345.upstash.io\n",
        )
        .unwrap();
        let builder = Builder::new(&descriptor).env_file(&env_file);
        let mut out = Vec::new();
        // The env file makes the value known, and invalid: an error, reported with the file.
        let err = builder.generate_into(dir.path(), &mut out).unwrap_err();
        assert!(
            matches!(err, BuildError::Diagnostics { count: 1, .. }),
            "{err}"
        );
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            format!(
                "cargo:rerun-if-changed={}\ncargo:rerun-if-changed={}\n",
                descriptor.display(),
                env_file.display()
            )
        );

        // Without it the variable is unresolved, which does not fail the build; the warning
        // comes out, and then the reason why a Worker forced onto TCP has no client.
        let mut out = Vec::new();
        let err = Builder::new(&descriptor)
            .generate_into(dir.path(), &mut out)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "no starter client for target `worker`: the Workers starter client speaks REST; \
             over TCP use `connect()` with a Redis client of your choice, or drop \
             `transport = \"tcp\"` to get the REST one"
        );
        let text = String::from_utf8(out).unwrap();
        let warnings: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("cargo:warning="))
            .collect();
        assert_eq!(warnings.len(), 1, "{text}");
        assert!(warnings[0].ends_with(
            "upwire.toml:7:13: transport-unavailable: target `worker` forces TCP on Cloudflare \
             Workers, which needs `connect()` and the `nodejs_compat` flag (help: remove \
             `transport` to use REST, which works in every Worker without flags)"
        ));
        assert!(!dir.path().join(OUTPUT_FILE).exists());
    }

    /// A Worker gets the workers-rs client; a JavaScript target none, and the error names
    /// the module `upwire generate` writes for it instead.
    #[test]
    fn workers_get_the_worker_client_and_javascript_targets_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let descriptor = dir.path().join("upwire.toml");
        std::fs::write(
            &descriptor,
            "[database.main]\nrest_url = \"https://eu1-cat.upstash.io\"\nrest_token = \"${T}\"\n\n\
             [target.edge]\nkind = \"edge\"\nplatform = \"cloudflare\"\ndir = \"edge\"\n\n\
             [target.web]\nkind = \"edge\"\nplatform = \"vercel\"\ndir = \"web\"\n",
        )
        .unwrap();
        Builder::new(&descriptor)
            .target("edge")
            .generate_into(dir.path(), &mut Vec::new())
            .unwrap();
        let code = std::fs::read_to_string(dir.path().join(OUTPUT_FILE)).unwrap();
        assert!(code.contains("use worker::{Env, Fetch, Headers, Method, Request, RequestInit};"));
        assert!(code.starts_with("// Starter Upstash REST client for the Cloudflare Worker"));
        let err = Builder::new(&descriptor)
            .target("web")
            .file_name("web.rs")
            .generate_into(dir.path(), &mut Vec::new())
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "target `web` runs JavaScript, so it has no Rust client to build: `upwire generate` \
             writes its starter module, `web/lib/redis.ts`"
        );
        assert!(!dir.path().join("web.rs").exists());
    }

    #[test]
    fn two_targets_write_two_files_when_named() {
        let dir = tempfile::tempdir().unwrap();
        let descriptor = dir.path().join("upwire.toml");
        std::fs::write(
            &descriptor,
            "[database.main]\nredis_url = \"${REDIS_URL}\"\nrest_url = \"https://eu1-cat.upstash.io\"\nrest_token = \"${T}\"\n\n[target.api]\nkind = \"server\"\ndir = \"api\"\n\n[target.jobs]\nkind = \"lambda\"\ndir = \"jobs\"\n",
        )
        .unwrap();
        for (target, file) in [("api", "api_redis.rs"), ("jobs", "jobs_redis.rs")] {
            let mut out = Vec::new();
            Builder::new(&descriptor)
                .target(target)
                .file_name(file)
                .generate_into(dir.path(), &mut out)
                .unwrap();
        }
        let api = std::fs::read_to_string(dir.path().join("api_redis.rs")).unwrap();
        let jobs = std::fs::read_to_string(dir.path().join("jobs_redis.rs")).unwrap();
        assert!(api.contains("REDIS_URL") && jobs.contains("UPSTASH_REDIS_REST_URL"));
        assert!(!dir.path().join(OUTPUT_FILE).exists());
        for bad in ["../x.rs", "a/b.rs", "", ".."] {
            let err = Builder::new(&descriptor)
                .target("api")
                .file_name(bad)
                .generate_into(dir.path(), &mut Vec::new())
                .unwrap_err();
            assert!(err.to_string().contains("plain file name"), "{bad}: {err}");
        }
    }

    #[test]
    fn without_out_dir_it_says_where_to_call_it_from() {
        if std::env::var_os("OUT_DIR").is_none() {
            let err = Builder::new("upwire.toml").generate().unwrap_err();
            assert!(err.to_string().starts_with("OUT_DIR is not set"), "{err}");
        }
    }

    /// What could not be read is a `FileError` naming the file, with the OS error as its
    /// source, and nothing of the command line's usage errors.
    #[test]
    fn unreadable_inputs_are_file_errors_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let fails = |descriptor: &Path| {
            let err = Builder::new(descriptor)
                .out_dir(dir.path())
                .generate()
                .unwrap_err();
            match err {
                BuildError::Io(file) => file,
                other => panic!("{other}"),
            }
        };
        let missing = dir.path().join("upwire.toml");
        let file = fails(&missing);
        assert_eq!(file.path(), Some(missing.as_path()));
        assert!(file.to_string().ends_with("does not exist"), "{file}");

        let descriptor = dir.path().join("dir-as-descriptor");
        std::fs::create_dir(&descriptor).unwrap();
        let file = fails(&descriptor);
        assert_eq!(file.path(), Some(descriptor.as_path()));
        assert!(
            std::error::Error::source(&file).is_some(),
            "the OS error is the source: {file}"
        );
    }
}
