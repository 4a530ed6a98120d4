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
        // Each diagnostic's file by name, the first of a name as the renderer would find it:
        // a thousand files are not searched once per finding.
        let mut by_name: std::collections::HashMap<&str, usize> =
            std::collections::HashMap::with_capacity(sources.len());
        for (i, s) in sources.iter().enumerate() {
            by_name.entry(s.name.as_str()).or_insert(i);
        }
        for d in diags {
            let file = d
                .location
                .as_ref()
                .and_then(|l| by_name.get(l.file.as_str()))
                .map_or(&[][..], |&i| std::slice::from_ref(&sources[i]));
            let _ = write!(err, "{}", self.renderer.render(d, file));
        }
        let (errors, warnings) = summary(diags);
        let names = file_names(sources);
        let line = match (errors, warnings) {
            // Every file given was skipped (each said so above): nothing was checked.
            (0, 0) if sources.is_empty() => {
                "ok: nothing to check: no env file or upwire descriptor among the files".to_owned()
            }
            // Notes (things to double-check) are shown above; "no problems" would contradict them.
            (0, 0) if !diags.is_empty() => format!("ok: no errors or warnings in {names}"),
            (0, 0) => format!("ok: no problems found in {names}"),
            (0, w) => format!("warning: {} in {names}", plural(w, "warning")),
            (e, w) => format!(
                "error: {}, {} in {names}",
                plural(e, "error"),
                plural(w, "warning")
            ),
        };
        let _ = writeln!(err, "{line}");
    }
}

/// Files named in a closing line before the rest are counted.
const NAMED_FILES: usize = 3;

/// The files of a closing line: every name when there are a few, otherwise the first
/// [`NAMED_FILES`] and how many more (`a.env, b.env, c.env and 997 more files`): a pre-commit
/// hook passing a thousand files gets one readable line, not a thousand names.
fn file_names(sources: &[SourceFile]) -> String {
    let names = sources.iter().map(|s| s.name.as_str());
    if sources.len() <= NAMED_FILES + 1 {
        return names.collect::<Vec<_>>().join(", ");
    }
    let first: Vec<&str> = names.take(NAMED_FILES).collect();
    format!(
        "{} and {} more files",
        first.join(", "),
        sources.len() - NAMED_FILES
    )
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
///
/// It is also the output's buffer: lines are held until [`BATCH`] bytes of them are pending
/// (or the writer is flushed or dropped), then scrubbed and written as one chunk, so a
/// document of 100,000 lines is a few dozen `write` calls and scrubs instead of one per line.
/// A line is never split between two chunks, so a secret cannot straddle one. Whoever keeps a
/// writer on stdout and one on stderr at once flushes the first before writing to the second,
/// so that the two still appear in order on a terminal.
pub(crate) struct Scrubbed<W: Write> {
    inner: W,
    pending: Vec<u8>,
    /// `resolve --show-secrets` only: the user asked to see the secrets.
    reveal: bool,
}

/// Bytes of whole lines a [`Scrubbed`] holds before it scrubs and writes them.
const BATCH: usize = 64 * 1024;

impl<W: Write> Scrubbed<W> {
    pub(crate) fn new(inner: W) -> Self {
        Self::revealing(inner, false)
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

    /// Scrubs and writes `pending[..upto]`, in one `write_all`.
    fn emit(&mut self, upto: usize) -> std::io::Result<()> {
        let chunk = &self.pending[..upto];
        let result = if self.reveal {
            self.inner.write_all(chunk)
        } else {
            self.inner.write_all(&crate::secret::scrub_bytes(chunk))
        };
        self.pending.drain(..upto);
        result
    }
}

impl<W: Write> Write for Scrubbed<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if self.pending.len() >= BATCH
            && let Some(last) = self.pending.iter().rposition(|&b| b == b'\n')
        {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_written_in_pieces_across_a_chunk_is_masked() {
        let secret = crate::secret::Secret::new("AXchunkSecret0123456789");
        let raw = secret.expose_secret();
        // Lines up to just under one chunk, then a line whose secret is written a few bytes
        // at a time across the chunk's end, then more lines.
        let filler = "x".repeat(99) + "\n";
        let mut out = Scrubbed::new(Vec::new());
        let mut expected = String::new();
        while expected.len() + filler.len() < BATCH - 10 {
            out.write_all(filler.as_bytes()).unwrap();
            expected.push_str(&filler);
        }
        let line = format!("token={raw} end\n");
        for piece in line.as_bytes().chunks(3) {
            out.write_all(piece).unwrap();
        }
        expected.push_str("token=**** end\n");
        for _ in 0..1000 {
            out.write_all(filler.as_bytes()).unwrap();
            expected.push_str(&filler);
        }
        out.write_all(b"last line without a newline ").unwrap();
        out.write_all(raw.as_bytes()).unwrap();
        expected.push_str("last line without a newline ****");
        out.flush().unwrap();
        let written = String::from_utf8(std::mem::take(&mut out.inner)).unwrap();
        assert!(!written.contains(raw));
        assert_eq!(written, expected);
    }
}
