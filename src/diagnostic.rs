//! Findings as data, and their rustc-style rendering.
//!
//! A [`Diagnostic`] points into a [`SourceFile`] by byte range; line and column are derived
//! once, when the diagnostic is made. Rendering shows the offending source line with every
//! known secret on it replaced by `****`, so a caret never needs a secret to point at.

use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

use crate::code::Code;
pub use crate::code::Severity;
use crate::secret::MASK;

/// A file that diagnostics point into: its display name, its text, and the byte ranges of the
/// secrets it contains (never shown).
#[derive(Clone)]
pub struct SourceFile {
    /// The path as the user gave it; used in messages and JSON.
    pub name: String,
    /// The whole text.
    pub text: String,
    /// Sorted by start, so that rendering finds a line's secrets without a full scan: a
    /// file with 100,000 findings would otherwise take minutes to render.
    secrets: Vec<Range<usize>>,
    /// The longest secret: how far before a line a secret that reaches into it can start.
    longest_secret: usize,
    line_starts: Vec<usize>,
    /// The 0-based lines that hold a non-ASCII character, sorted. On every other line a
    /// column is a byte difference: a line with 100,000 findings must not count its
    /// characters from the start for each of them.
    non_ascii_lines: Vec<usize>,
}

impl SourceFile {
    /// A file with the secrets its text shows by shape, wherever they stand (a token-shaped
    /// word, a URL's password: see [`crate::secret::input_secrets`]) recorded and remembered
    /// for the scrubber, before any message can quote them. What a field's name makes
    /// secret is added by the reader that knows the syntax ([`Self::add_secret`]).
    #[must_use]
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let non_ascii_lines = if text.is_ascii() {
            Vec::new()
        } else {
            text.split('\n')
                .enumerate()
                .filter(|(_, line)| !line.is_ascii())
                .map(|(i, _)| i)
                .collect()
        };
        let mut file = Self {
            name: name.into(),
            text,
            secrets: Vec::new(),
            longest_secret: 0,
            line_starts,
            non_ascii_lines,
        };
        for range in crate::secret::input_secrets(&file.text) {
            file.add_secret(range);
        }
        file
    }

    /// The byte ranges of its secrets, sorted by start.
    #[must_use]
    pub(crate) fn secret_ranges(&self) -> &[Range<usize>] {
        &self.secrets
    }

    /// Records that `range` holds a secret; rendering replaces it with `****`.
    pub fn add_secret(&mut self, range: Range<usize>) {
        if range.start < range.end && range.end <= self.text.len() {
            if let Some(secret) = self.text.get(range.clone()) {
                crate::secret::remember(secret);
            }
            // A secret overlapping one already known (the value of a token-shaped word found
            // by shape, found again by its key) widens it: the list stays sorted by start, and
            // a file of 100,000 tokens does not shift it 100,000 times.
            let at = self.secrets.partition_point(|s| s.start <= range.start);
            let merged = if at > 0 && self.secrets[at - 1].end > range.start {
                let before = &mut self.secrets[at - 1];
                before.end = before.end.max(range.end);
                before.clone()
            } else if at < self.secrets.len() && self.secrets[at].start < range.end {
                let after = &mut self.secrets[at];
                *after = range.start..after.end.max(range.end);
                after.clone()
            } else {
                self.secrets.insert(at, range.clone());
                range
            };
            self.longest_secret = self.longest_secret.max(merged.len());
        }
    }

    /// The text's lines, terminators kept, with every secret on them replaced by `****`
    /// (a secret that spans lines is masked on each): what a diff of the file may show.
    #[must_use]
    pub(crate) fn masked_lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut start = 0;
        for line in self.text.split_inclusive('\n') {
            let end = start + line.trim_end_matches(['\n', '\r']).len();
            let first = self
                .secrets
                .partition_point(|s| s.start + self.longest_secret <= start);
            let mut masked = String::with_capacity(line.len());
            let mut pos = start;
            for s in self.secrets[first..].iter().take_while(|s| s.start < end) {
                let (a, b) = (s.start.max(pos), s.end.min(end));
                if a >= b {
                    continue;
                }
                masked.push_str(&self.text[pos..a]);
                masked.push_str(MASK);
                pos = b;
            }
            masked.push_str(&self.text[pos..start + line.len()]);
            out.push(masked);
            start += line.len();
        }
        out
    }

    /// 1-based line and column (in characters) of a byte offset.
    #[must_use]
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line = self.line_starts.partition_point(|&s| s <= offset);
        // Editors do not show a byte-order mark, and neither do columns count it.
        let line_start = self.line_starts[line - 1].max(self.bom_before(offset));
        let column = if self.non_ascii_lines.binary_search(&(line - 1)).is_ok() {
            self.text[line_start..offset].chars().count() + 1
        } else {
            offset - line_start + 1
        };
        (line, column)
    }

    /// The length of a byte-order mark at the start of the text when `offset` is past it.
    fn bom_before(&self, offset: usize) -> usize {
        let bom = crate::envfile::bom_len(&self.text);
        if offset >= bom { bom } else { 0 }
    }

    /// The byte range of the line containing `offset`, without its line terminator.
    fn line_range(&self, offset: usize) -> Range<usize> {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let start = self.text[..offset]
            .rfind('\n')
            .map_or(crate::envfile::bom_len(&self.text), |i| i + 1);
        let end = self.text[offset..]
            .find('\n')
            .map_or(self.text.len(), |i| offset + i);
        let end = if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        start..end
    }

    /// The line around `span`, secrets replaced by `****`, and `span` mapped into it.
    fn redacted_line(&self, span: &Range<usize>) -> (String, usize, Range<usize>) {
        let line = self.line_range(span.start);
        let (line_no, _) = self.line_col(line.start);
        // A secret reaching into the line starts at most `longest_secret` bytes before it.
        let first = self
            .secrets
            .partition_point(|s| s.start + self.longest_secret <= line.start);
        let secrets: Vec<&Range<usize>> = self.secrets[first..]
            .iter()
            .take_while(|s| s.start < line.end)
            .filter(|s| s.end > line.start)
            .collect();
        let mut out = String::new();
        let mut pos = line.start;
        let mut map_start = None;
        let mut map_end = None;
        // A span may start on the `\r` of a CRLF line end (a TOML error there), which the
        // shown line leaves out: point at the end of the line then.
        let span_start = span.start.min(line.end);
        let span = &(span_start..span.end);
        let span_end = span.end.clamp(span.start, line.end);
        for secret in secrets {
            let s = secret.start.max(pos);
            let e = secret.end.min(line.end);
            if s >= e {
                continue;
            }
            if map_start.is_none() && span.start < e {
                map_start = Some(out.len() + span.start.saturating_sub(pos).min(s - pos));
            }
            if map_end.is_none() && span_end <= e {
                map_end = Some(if span_end <= s {
                    out.len() + (span_end - pos)
                } else {
                    out.len() + (s - pos) + MASK.len()
                });
            }
            out.push_str(&self.text[pos..s]);
            out.push_str(MASK);
            pos = e;
        }
        let map_start = map_start.unwrap_or(out.len() + span.start.saturating_sub(pos));
        let map_end = map_end.unwrap_or(out.len() + span_end.saturating_sub(pos));
        out.push_str(&self.text[pos..line.end]);
        let start = floor_char_boundary(&out, map_start.min(out.len()));
        let mut end = floor_char_boundary(&out, map_end.clamp(start, out.len()));
        if end == start {
            end = out[start..]
                .chars()
                .next()
                .map_or(start, |c| start + c.len_utf8());
        }
        (out, line_no, start..end)
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The most findings of one kind shown for one file; past it, one note says how many more
/// there are ([`more_findings`]). 8 MiB of broken lines would otherwise be millions of
/// findings, gigabytes of memory and of output.
pub(crate) const MAX_FINDINGS: usize = 200;

/// The note that stands for the findings of `code` in `source` past the first
/// [`MAX_FINDINGS`] of `total`; `None` when there are none.
#[must_use]
pub(crate) fn more_findings(
    code: crate::code::Code,
    source: &SourceFile,
    total: usize,
) -> Option<Diagnostic> {
    let more = total.checked_sub(MAX_FINDINGS).filter(|&n| n > 0)?;
    Some(
        Diagnostic::new(
            code,
            format!(
                "{more} more `{}` findings in this file are not shown (the first {MAX_FINDINGS} are)",
                code.name()
            ),
        )
        .at(source, source.text.len()..source.text.len())
        .severity(crate::code::Severity::Note)
        .help("fix the ones shown and run again"),
    )
}

/// Where a finding points: a file, a byte range in it, and the derived 1-based position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Display name of the file.
    pub file: String,
    /// Byte range in the file's text.
    pub span: Range<usize>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Location {
    /// Locates `span` in `source`.
    #[must_use]
    pub fn new(source: &SourceFile, span: Range<usize>) -> Self {
        let (line, column) = source.line_col(span.start);
        Self {
            file: source.name.clone(),
            span,
            line,
            column,
        }
    }
}

/// One finding. Findings are data: every stage returns them alongside its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code.
    pub code: Code,
    /// Error, warning or note.
    pub severity: Severity,
    /// What is wrong, with secrets masked.
    pub message: String,
    /// Where, when the finding comes from a file.
    pub location: Option<Location>,
    /// The concrete fix, with secrets masked.
    pub help: Option<String>,
    /// The help as edits of the file, when a machine can apply it (`upwire fix`); empty
    /// otherwise.
    pub fix: Vec<Edit>,
}

/// One replacement: `range` (of a value, or of a file) becomes `text`. `text` may hold a
/// secret (a percent-encoded password), so `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Edit {
    /// The bytes replaced.
    pub range: Range<usize>,
    /// What replaces them.
    pub text: String,
}

impl Edit {
    /// Replaces `range` with `text`.
    #[must_use]
    pub fn new(range: Range<usize>, text: impl Into<String>) -> Self {
        Self {
            range,
            text: text.into(),
        }
    }

    /// Deletes `range`.
    #[must_use]
    pub fn delete(range: Range<usize>) -> Self {
        Self::new(range, "")
    }

    /// The edit moved by `by` bytes.
    #[must_use]
    pub fn shift(self, by: usize) -> Self {
        Self::new(self.range.start + by..self.range.end + by, self.text)
    }
}

impl std::fmt::Debug for Edit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Edit({:?} -> {} bytes)", self.range, self.text.len())
    }
}

impl Diagnostic {
    /// A finding of `code` at its default severity.
    #[must_use]
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: code.default_severity(),
            message: message.into(),
            location: None,
            help: None,
            fix: Vec::new(),
        }
    }

    /// Points the finding at `span` of `source`.
    #[must_use]
    pub fn at(mut self, source: &SourceFile, span: Range<usize>) -> Self {
        self.location = Some(Location::new(source, span));
        self
    }

    /// Adds the concrete fix.
    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Overrides the default severity.
    #[must_use]
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Whether this finding fails the run.
    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The JSON shape of a diagnostic (docs/json.md).
#[derive(Debug, Serialize)]
pub struct DiagnosticJson<'a> {
    code: &'static str,
    severity: Severity,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    help: Option<&'a str>,
}

impl<'a> From<&'a Diagnostic> for DiagnosticJson<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        Self {
            code: d.code.name(),
            severity: d.severity,
            message: &d.message,
            file: d.location.as_ref().map(|l| l.file.as_str()),
            line: d.location.as_ref().map(|l| l.line),
            column: d.location.as_ref().map(|l| l.column),
            help: d.help.as_deref(),
        }
    }
}

/// Renders diagnostics the way rustc does: header, source line, caret, help.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextRenderer {
    color: bool,
}

impl TextRenderer {
    /// A renderer with or without ANSI colours.
    #[must_use]
    pub fn new(color: bool) -> Self {
        Self { color }
    }

    /// Renders one diagnostic; `sources` are searched by file name for the source line.
    #[must_use]
    pub fn render(&self, diagnostic: &Diagnostic, sources: &[SourceFile]) -> String {
        let level = match diagnostic.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        let source = diagnostic
            .location
            .as_ref()
            .and_then(|l| sources.iter().find(|s| s.name == l.file).map(|s| (l, s)));
        let title = level
            .primary_title(diagnostic.message.as_str())
            .id(diagnostic.code.name());
        let redacted;
        let mut shown_column = None;
        let mut group: Group<'_> = match source {
            Some((location, file)) => {
                redacted = file.redacted_line(&location.span);
                let (line, line_no, span) = &redacted;
                shown_column = Some(line[..span.start].chars().count() + 1);
                title.element(
                    Snippet::source(line.as_str())
                        .line_start(*line_no)
                        .path(location.file.as_str())
                        .annotation(AnnotationKind::Primary.span(span.clone())),
                )
            }
            None => match &diagnostic.location {
                Some(location) => title.element(annotate_snippets::Origin::path(format!(
                    "{}:{}:{}",
                    location.file, location.line, location.column
                ))),
                None => Group::with_title(title),
            },
        };
        if let Some(help) = &diagnostic.help {
            group = group.element(Level::HELP.message(help.as_str()));
        }
        let renderer = if self.color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let mut out = renderer.render(&[group]);
        // annotate-snippets derives the `-->` column from the shown line, where a masked secret
        // before the span shifts it; the header must name the position in the real file.
        if let (Some((location, _)), Some(shown)) = (source, shown_column)
            && shown != location.column
        {
            let file = &location.file;
            out = out.replacen(
                &format!("{file}:{}:{shown}", location.line),
                &format!("{file}:{}:{}", location.line, location.column),
                1,
            );
        }
        out.push_str("\n\n");
        // Library users (build.rs) print this themselves: no remembered secret in it either.
        crate::secret::scrub(&out).into_owned()
    }
}

/// Counts errors and warnings for the closing line of a run.
#[must_use]
pub(crate) fn summary(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    (errors, warnings)
}

/// Never the text: it may hold secrets.
impl std::fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceFile")
            .field("name", &self.name)
            .field("bytes", &self.text.len())
            .field("secrets", &self.secrets.len())
            .finish_non_exhaustive()
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_honour_width_in_tables() {
        assert_eq!(format!("[{:<8}]", Severity::Error), "[error   ]");
    }

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let file = SourceFile::new("f", "a = 1\nbé = \"x\"\n");
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(6), (2, 1));
        let x = file.text.find("\"x").unwrap();
        assert_eq!(file.line_col(x), (2, 6));
    }

    /// A file named `name` holding `text`, with `secret` (which it contains) recorded.
    fn with_secret(name: &str, text: &str, secret: &str) -> SourceFile {
        let mut file = SourceFile::new(name, text);
        let start = text.find(secret).unwrap();
        file.add_secret(start..start + secret.len());
        file
    }

    #[test]
    fn rendering_masks_secrets_on_the_line_and_keeps_the_caret_on_target() {
        let text = "REDIS_URL=https://default:s3cretpass@host:6379\n";
        let file = with_secret(".env", text, "s3cretpass");
        let span = text.find("https").unwrap()..text.find("https").unwrap() + 8;
        let d = Diagnostic::new(Code::RestUrlInRedisUrl, "REST URL in REDIS_URL")
            .at(&file, span)
            .help("use rediss://default:****@host:6379");
        let out = TextRenderer::new(false).render(&d, &[file]);
        assert!(!out.contains("s3cret"), "{out}");
        assert!(out.contains("error[rest-url-in-redis-url]"), "{out}");
        assert!(out.contains("https://default:****@host:6379"), "{out}");
        assert!(out.contains("^^^^^^^^"), "{out}");
        assert!(out.contains(".env:1:11"), "{out}");
    }

    #[test]
    fn the_location_header_names_the_real_column_when_a_secret_precedes_the_span() {
        let text = "REDIS_URL=rediss://default:s3cretpassword@h.upstash.io:6379/2\n";
        let file = with_secret(".env", text, "s3cretpassword");
        let slash = text.rfind('/').unwrap();
        let d = Diagnostic::new(Code::NonzeroDatabase, "m").at(&file, slash..slash + 2);
        assert_eq!(d.location.as_ref().unwrap().column, slash + 1);
        let out = TextRenderer::new(false).render(&d, &[file]);
        assert!(out.contains(&format!(".env:1:{}\n", slash + 1)), "{out}");
        assert!(!out.contains("s3cret"), "{out}");
    }

    #[test]
    fn a_caret_inside_a_secret_points_at_the_mask() {
        let text = "tok = \"Bearer AXsecret\"\n";
        let file = with_secret("u.toml", text, "Bearer AXsecret");
        let s = text.find("Bearer").unwrap();
        let d = Diagnostic::new(Code::TokenHasBearerPrefix, "m").at(&file, s..s + 7);
        let out = TextRenderer::new(false).render(&d, &[file]);
        assert!(!out.contains("AXsecret"), "{out}");
        assert!(out.contains("\"****\""), "{out}");
    }
}
