//! `lint --format sarif`: the findings as one SARIF 2.1.0 log, for code scanning (GitHub's
//! `upload-sarif`, IDE viewers). Rules come from the code table, regions from the spans, and
//! every string is scrubbed before it is escaped as JSON and the document again on its way
//! out, like every other output.

use serde_json::{Value, json};

use crate::code::{Code, Severity};
use crate::diagnostic::{Diagnostic, SourceFile};

/// The schema the log names (the OASIS errata 01 schema, vendored in tests/fixtures).
const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The base every relative `uri` is resolved against: the directory `lint` ran in (the
/// repository root in CI). Code scanning's own name for the checkout.
const SRCROOT: &str = "%SRCROOT%";

/// Prints the SARIF log of `diags` on stdout, through the scrubber.
pub(crate) fn print(diags: &[Diagnostic], sources: &[SourceFile]) {
    let cwd = std::env::current_dir().ok();
    let log = log(diags, sources, cwd.as_deref());
    let mut out = super::stdout();
    let _ = serde_json::to_writer_pretty(&mut out, &log);
    let _ = std::io::Write::write_all(&mut out, b"\n");
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// Text for the log, with every remembered secret masked before JSON escapes it.
fn text(s: &str) -> Value {
    Value::String(crate::secret::scrub(s).into_owned())
}

fn rule(code: Code) -> Value {
    json!({
        "id": code.name(),
        "name": code.name(),
        "shortDescription": {"text": text(code.summary())},
        "fullDescription": {"text": text(&code.explanation())},
        "help": {"text": text(&format!(
            "{}\n\nRun `upwire explain {}` for this text in the terminal.",
            code.explanation(),
            code.name()
        ))},
        "defaultConfiguration": {"level": level(code.default_severity())},
    })
}

/// The SARIF log of `diags`, paths relative to `cwd` where they lie below it.
pub(crate) fn log(
    diags: &[Diagnostic],
    sources: &[SourceFile],
    cwd: Option<&std::path::Path>,
) -> Value {
    let mut driver = json!({
        "name": "upwire",
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "version": env!("CARGO_PKG_VERSION"),
        "rules": Code::ALL.iter().map(|&c| rule(c)).collect::<Vec<_>>(),
    });
    if let Some(uri) = option_env!("CARGO_PKG_REPOSITORY").filter(|u| !u.is_empty()) {
        driver["informationUri"] = json!(uri);
    }
    let results: Vec<Value> = diags.iter().map(|d| result(d, sources, cwd)).collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

fn result(d: &Diagnostic, sources: &[SourceFile], cwd: Option<&std::path::Path>) -> Value {
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    let index = Code::ALL.iter().position(|&c| c == d.code);
    let mut result = json!({
        "ruleId": d.code.name(),
        "level": level(d.severity),
        "message": {"text": text(&message)},
    });
    if let Some(index) = index {
        result["ruleIndex"] = json!(index);
    }
    if let Some(location) = location(d, sources, cwd) {
        result["locations"] = json!([location]);
    }
    result
}

/// Where the finding points: its file and region. A finding without a file of its own (about
/// a target as a whole) points at the first file read, its first line, since code scanning
/// shows a result only at a location.
fn location(
    d: &Diagnostic,
    sources: &[SourceFile],
    cwd: Option<&std::path::Path>,
) -> Option<Value> {
    let (file, region) = match &d.location {
        Some(loc) => {
            let source = sources.iter().find(|s| s.name == loc.file);
            let (end_line, end_column) =
                source.map_or((loc.line, loc.column), |s| s.line_col(end(s, &loc.span)));
            let region = json!({
                "startLine": loc.line,
                "startColumn": loc.column,
                "endLine": end_line.max(loc.line),
                "endColumn": if end_line > loc.line { end_column } else { end_column.max(loc.column) },
            });
            (loc.file.as_str(), region)
        }
        None => (sources.first()?.name.as_str(), json!({"startLine": 1})),
    };
    let uri = uri(file, cwd);
    let mut artifact = json!({"uri": text(&uri)});
    if !uri.starts_with("file:") {
        artifact["uriBaseId"] = json!(SRCROOT);
    }
    Some(json!({"physicalLocation": {"artifactLocation": artifact, "region": region}}))
}

/// Where the region of `span` ends: an empty span (a point, such as where TOML parsing
/// stopped) covers the character there, as the text output's caret does.
fn end(source: &SourceFile, span: &std::ops::Range<usize>) -> usize {
    if span.end > span.start {
        return span.end;
    }
    let rest = source.text.get(span.start..).unwrap_or("");
    match rest.chars().next() {
        Some(c) if c != '\n' && c != '\r' => span.start + c.len_utf8(),
        _ => span.start,
    }
}

/// `file` as a URI reference: relative to `cwd` (with `/` separators, percent-encoded) when it
/// is relative or lies below `cwd`, else an absolute `file://` URI.
pub(crate) fn uri(file: &str, cwd: Option<&std::path::Path>) -> String {
    let path = std::path::Path::new(file);
    let relative = match cwd.and_then(|c| path.strip_prefix(c).ok()) {
        Some(rel) => Some(rel),
        None if path.is_relative() => Some(path),
        None => None,
    };
    match relative {
        Some(rel) => {
            let parts: Vec<String> = rel
                .components()
                .filter(|c| !matches!(c, std::path::Component::CurDir))
                .map(|c| encode(&c.as_os_str().to_string_lossy()))
                .collect();
            parts.join("/")
        }
        None => url::Url::from_file_path(path).map_or_else(
            |()| format!("file://{}", encode(&file.replace('\\', "/"))),
            |u| u.to_string(),
        ),
    }
}

/// Percent-encodes one path segment: everything but RFC 3986's unreserved characters and the
/// sub-delimiters that need no encoding in a path (`:` is encoded, so that a first segment
/// never reads as a scheme).
fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_to_the_working_directory_and_encoded() {
        let cwd = std::path::Path::new("/work/repo");
        assert_eq!(uri(".env", Some(cwd)), ".env");
        assert_eq!(
            uri("./apps/web/.env.local", Some(cwd)),
            "apps/web/.env.local"
        );
        assert_eq!(uri("/work/repo/a b/.env", Some(cwd)), "a%20b/.env");
        assert_eq!(uri("x#y?z%:.env", Some(cwd)), "x%23y%3Fz%25%3A.env");
        assert_eq!(uri("/elsewhere/.env", Some(cwd)), "file:///elsewhere/.env");
        assert_eq!(uri("../up/.env", Some(cwd)), "../up/.env");
    }

    #[test]
    fn every_code_is_a_rule_at_its_index_with_its_level() {
        let log = log(&[], &[], None);
        let rules = log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        assert_eq!(rules.len(), Code::ALL.len());
        for (rule, code) in rules.iter().zip(Code::ALL) {
            assert_eq!(rule["id"], code.name());
            assert_eq!(
                rule["defaultConfiguration"]["level"],
                level(code.default_severity())
            );
        }
    }
}
