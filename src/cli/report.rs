//! What a command prints: with `--format json` one document, the envelope (docs/json.md:
//! `version`) written here once around the command's own payload; otherwise its text.

use serde::{Serialize, Serializer};

use super::{Format, Scrubbed};
use crate::diagnostic::{Diagnostic, DiagnosticJson};
use crate::plan::TargetPlan;

/// The JSON document of a command: `{"version": 1, ...payload}`, in the payload's field order.
#[derive(Serialize)]
pub(crate) struct Report<T> {
    version: u32,
    /// The first env file read by convention, when one was (`--no-dotenv` skips them).
    #[serde(skip_serializing_if = "Option::is_none")]
    dotenv: Option<String>,
    /// Every env file read by convention for the descriptors' targets, in the order read
    /// (`dotenv` is the first).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    env_files: Vec<String>,
    #[serde(flatten)]
    payload: T,
    /// `resolve --show-secrets` only: the one document that shows the secrets.
    #[serde(skip)]
    reveal: bool,
}

impl<T: Serialize> Report<T> {
    pub(crate) fn new(payload: T) -> Self {
        Self {
            version: 1,
            dotenv: DOTENV.get().cloned(),
            env_files: ENV_FILES
                .lock()
                .map(|files| files.0.clone())
                .unwrap_or_default(),
            payload,
            reveal: false,
        }
    }

    /// Shows secrets instead of `****` when `reveal` (`--show-secrets`).
    pub(crate) fn revealing(self, reveal: bool) -> Self {
        Self { reveal, ..self }
    }

    /// The JSON document on stdout with `--format json`; otherwise what `text` prints.
    pub(crate) fn print(&self, format: Format, text: impl FnOnce()) {
        match format {
            Format::Json => {
                let mut out = Scrubbed::revealing(std::io::stdout().lock(), self.reveal);
                let _ = serde_json::to_writer_pretty(&mut out, self);
                let _ = std::io::Write::write_all(&mut out, b"\n");
            }
            // `--format sarif` is refused before any command but `lint` runs, and `lint`
            // prints its SARIF log itself.
            Format::Text | Format::Sarif => text(),
        }
    }
}

/// The `.env` read by default in this run, for the envelope.
static DOTENV: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Every env file read by convention in this run, for the envelope.
#[allow(clippy::type_complexity)]
static ENV_FILES: std::sync::LazyLock<
    std::sync::Mutex<(Vec<String>, std::collections::HashSet<String>)>,
> = std::sync::LazyLock::new(std::sync::Mutex::default);

/// Records the env files read by convention (`paths`, in order), so that the JSON document
/// names them: the first as `dotenv`, all of them, once each, in `env_files`.
pub(crate) fn set_env_files<'a>(paths: impl Iterator<Item = &'a std::path::Path>) {
    let Ok(mut files) = ENV_FILES.lock() else {
        return;
    };
    for path in paths {
        let path = path.display().to_string();
        let _ = DOTENV.set(path.clone());
        if files.1.insert(path.clone()) {
            files.0.push(path);
        }
    }
}

/// The payload most commands share: the findings and the targets they concern.
#[derive(Serialize)]
pub(crate) struct Findings<'a> {
    #[serde(serialize_with = "diagnostics")]
    diagnostics: &'a [Diagnostic],
    #[serde(serialize_with = "targets")]
    targets: Targets<'a>,
}

/// Targets in their JSON view (docs/json.md), secrets masked unless `show_secrets`.
pub(crate) struct Targets<'a> {
    list: Vec<&'a TargetPlan>,
    show_secrets: bool,
}

impl<'a> Findings<'a> {
    pub(crate) fn new(
        diagnostics: &'a [Diagnostic],
        targets: impl IntoIterator<Item = &'a TargetPlan>,
    ) -> Self {
        Self {
            diagnostics,
            targets: Targets {
                list: targets.into_iter().collect(),
                show_secrets: false,
            },
        }
    }

    /// With the targets' secrets shown (`--show-secrets`).
    pub(crate) fn showing_secrets(mut self, show: bool) -> Self {
        self.targets.show_secrets = show;
        self
    }
}

/// Diagnostics in their JSON view (docs/json.md).
pub(crate) fn diagnostics<S: Serializer>(list: &[Diagnostic], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(list.iter().map(DiagnosticJson::from))
}

fn targets<S: Serializer>(t: &Targets<'_>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(t.list.iter().map(|p| p.to_json(t.show_secrets)))
}
