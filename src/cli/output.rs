//! Everything the command line prints goes through here: diagnostics as text, JSON
//! documents, and stdout/stderr through the secret scrubber.

use super::*;

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

pub(super) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

pub(crate) fn exit_for(diags: &[Diagnostic]) -> u8 {
    u8::from(diags.iter().any(Diagnostic::is_error))
}
