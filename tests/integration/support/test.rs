//! [`Test`]: the one builder for running the binary in a project, as just's test builder: the
//! files of the project, the arguments, the environment, and what the run must end with (exit
//! status, stdout, text in stderr). Every run is bounded in time.
//!
//! ```ignore
//! let out = Test::new()
//!     .file("upwire.toml", "[target.api]\nkind = \"server\"\n")
//!     .args(["lint"])
//!     .status(0)
//!     .run();
//! ```

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use super::{all_output, run_bounded, upwire};

/// How long one run of the binary may take before the test fails (they take milliseconds;
/// `check` and `serve --exec` set their own shorter bounds).
const LIMIT: Duration = Duration::from_secs(20);

/// A run of `upwire` in a project folder, built up step by step, then [`Test::run`].
#[must_use]
pub struct Test {
    dir: PathBuf,
    temp: Option<tempfile::TempDir>,
    args: Vec<OsString>,
    env: Vec<(OsString, OsString)>,
    inherit_env: bool,
    status: Option<i32>,
    stdout: Option<String>,
    stderr: Option<String>,
    stderr_parts: Vec<String>,
}

impl Test {
    /// In a fresh temporary folder, with an empty environment (and `NO_COLOR=1`).
    pub fn new() -> Test {
        let temp = tempfile::tempdir().expect("a temporary project folder");
        let mut test = Test::in_dir(temp.path());
        test.temp = Some(temp);
        test
    }

    /// In `dir`, with an empty environment (and `NO_COLOR=1`).
    pub fn in_dir(dir: &Path) -> Test {
        Test {
            dir: dir.to_owned(),
            temp: None,
            args: Vec::new(),
            env: Vec::new(),
            inherit_env: false,
            status: None,
            stdout: None,
            stderr: None,
            stderr_parts: Vec::new(),
        }
    }

    /// The project folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `contents` to `path` below the project folder (parents made as needed).
    pub fn file(self, path: &str, contents: impl AsRef<[u8]>) -> Test {
        let path = self.dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("the file's folder");
        }
        std::fs::write(&path, contents).expect("the project file");
        self
    }

    /// One more argument.
    pub fn arg(mut self, arg: impl Into<OsString>) -> Test {
        self.args.push(arg.into());
        self
    }

    /// More arguments.
    pub fn args<I: IntoIterator<Item = S>, S: Into<OsString>>(mut self, args: I) -> Test {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// One more environment variable.
    pub fn env(mut self, name: impl Into<OsString>, value: impl Into<OsString>) -> Test {
        self.env.push((name.into(), value.into()));
        self
    }

    /// More environment variables.
    pub fn envs<'a>(mut self, vars: impl IntoIterator<Item = &'a (&'a str, &'a str)>) -> Test {
        self.env
            .extend(vars.into_iter().map(|(k, v)| ((*k).into(), (*v).into())));
        self
    }

    /// The test process's environment instead of an empty one, less `UPWIRE_CONFIG` and
    /// `REDIS_URL` (which would change what upwire reads).
    pub fn inherit_env(mut self) -> Test {
        self.inherit_env = true;
        self
    }

    /// The run must exit with `code`.
    pub fn status(mut self, code: i32) -> Test {
        self.status = Some(code);
        self
    }

    /// The run must print exactly `text` to stdout.
    pub fn stdout(mut self, text: &str) -> Test {
        self.stdout = Some(text.to_owned());
        self
    }

    /// The run must print exactly `text` to stderr.
    pub fn stderr(mut self, text: &str) -> Test {
        self.stderr = Some(text.to_owned());
        self
    }

    /// The run's stderr must contain `text`.
    pub fn stderr_contains(mut self, text: &str) -> Test {
        self.stderr_parts.push(text.to_owned());
        self
    }

    /// The command as built, for a test that runs it its own way.
    pub fn command(&self) -> Command {
        let mut cmd = upwire();
        if !self.inherit_env {
            cmd.env_clear().env("NO_COLOR", "1");
        }
        cmd.env_remove("REDIS_URL")
            .current_dir(&self.dir)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .args(&self.args);
        cmd
    }

    /// Runs the binary (bounded in time), asserts what was asked, and returns its output. The
    /// project folder stays until the `Test` is dropped, for a look at what the run wrote.
    pub fn run(&self) -> Output {
        let output = run_bounded(self.command(), LIMIT);
        let shown = || {
            format!(
                "{:?} in {}:\n{}",
                self.args,
                self.dir.display(),
                all_output(&output)
            )
        };
        if let Some(code) = self.status {
            assert_eq!(output.status.code(), Some(code), "{}", shown());
        }
        if let Some(stdout) = &self.stdout {
            assert_eq!(
                &String::from_utf8_lossy(&output.stdout),
                stdout,
                "{}",
                shown()
            );
        }
        if let Some(stderr) = &self.stderr {
            assert_eq!(
                &String::from_utf8_lossy(&output.stderr),
                stderr,
                "{}",
                shown()
            );
        }
        for text in &self.stderr_parts {
            assert!(
                String::from_utf8_lossy(&output.stderr).contains(text.as_str()),
                "stderr lacks {text:?}: {}",
                shown()
            );
        }
        output
    }
}

/// A TOML basic string holding `value`, every character TOML cannot take as it is escaped.
pub fn toml_string(value: &str) -> String {
    format!("\"{}\"", toml_escape(value))
}

/// A TOML string holding `value` as written where TOML allows it: a literal string (`'...'`)
/// when the value holds a `"` (so that the descriptor holds the value byte for byte), else
/// [`toml_string`].
pub fn toml_verbatim(value: &str) -> String {
    if value.contains('"') && !value.contains('\'') && !value.chars().any(char::is_control) {
        format!("'{value}'")
    } else {
        toml_string(value)
    }
}

/// `value` escaped for the inside of a TOML basic string (one-line or multi-line).
pub fn toml_escape(value: &str) -> String {
    let mut out = String::new();
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}
