//! `lint` for env files: the descriptor's URL and token checks applied to the conventional
//! variables, with line and column in the env file.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use crate::code::Code;
use crate::diagnostic::{Diagnostic, MAX_FINDINGS, SourceFile, more_findings};
use crate::endpoint::{Endpoint, Role, from_env_entry, lints, role_of_variable};
use crate::envfile::{EnvEntry, EnvLine, LineKind, bom_len, scan, scan_lines};
use crate::family::{Family, Scope, lookup, name_of};
use crate::secret::{Hint, hint_for_name, sensitive_ranges};

/// Lints one env file. Returns the file with its secrets registered, and the findings.
#[must_use]
pub fn lint_env(source: SourceFile) -> (SourceFile, Vec<Diagnostic>) {
    lint_env_declaring(source, &[])
}

/// [`lint_env`] in a run whose descriptors declare `declared` as `env_prefix`es: names
/// behind them are read too ([`Scope`]).
#[must_use]
pub(crate) fn lint_env_declaring(
    mut source: SourceFile,
    declared: &[String],
) -> (SourceFile, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let bom = bom_len(&source.text);
    // One pass in file order (secrets are registered in order): the entries are kept, every
    // other line is done with where it stands (8 MiB of broken lines are 4 million lines).
    let text = source.text.clone();
    let mut lines: Vec<EnvLine> = Vec::new();
    // Findings of one kind stop at the cap, the rest counted.
    let mut invalid = 0;
    for line in scan_lines(&text) {
        match &line.kind {
            LineKind::Entry(e) => {
                let known = role_of_variable(&e.key);
                register_secret(&mut source, e, known.map(|(_, r)| r));
                lines.push(line);
            }
            LineKind::Invalid => {
                // The first line is read after a byte-order mark, as the scanner reads it.
                let start = line.range.start.max(bom);
                let (finding, secret) = invalid_line(&source.text[start..line.range.end], start);
                // Masked whether shown or not: a diff of the file shows every line.
                source.add_secret(secret);
                invalid += 1;
                if invalid <= MAX_FINDINGS {
                    diags.push(finding.at(&source, finding_span(&source.text, start)));
                }
            }
            LineKind::Blank | LineKind::Comment => {}
        }
    }
    if bom > 0 {
        diags.push(bom_note(&source, &lines, bom));
    }
    // The prefixes read: the declared ones, and those this file's values confirm.
    let mut scope = Scope::declaring(declared.iter().cloned());
    scope.confirm(
        lines
            .iter()
            .filter_map(EnvLine::entry)
            .map(|e| (e.key.as_str(), e.value.as_str())),
        crate::parse::points_at_upstash,
    );
    let mut entries: Vec<&EnvEntry> = Vec::new();
    // Each key's first entry, for `duplicate-key` (a set: a file may hold 8 MiB of entries).
    let mut first: HashMap<&str, &EnvEntry> = HashMap::new();
    let mut duplicates: Vec<(&EnvEntry, &EnvEntry, std::ops::Range<usize>)> = Vec::new();
    for line in &lines {
        if let LineKind::Entry(e) = &line.kind {
            match first.entry(e.key.as_str()) {
                Entry::Vacant(v) => {
                    v.insert(e);
                }
                Entry::Occupied(o) => duplicates.push((o.get(), e, line.range.clone())),
            }
            if scope.lookup(&e.key).is_some() {
                entries.push(e);
            }
        }
    }
    diags.extend(more_findings(Code::InvalidEnvLine, &source, invalid));
    let spaced: Vec<std::ops::Range<usize>> = lines
        .iter()
        .filter_map(|line| trailing_space(&text, line))
        .collect();
    for range in spaced.iter().take(MAX_FINDINGS) {
        let mut d = Diagnostic::new(
            Code::UnquotedTrailingSpace,
            "the value ends with spaces or tabs, which Docker's --env-file keeps as part of it",
        )
        .at(&source, range.clone())
        .help("remove them (or quote the value): dotenv loaders drop them, Docker does not");
        d.fix = vec![crate::diagnostic::Edit::delete(range.clone())];
        diags.push(d);
    }
    diags.extend(more_findings(
        Code::UnquotedTrailingSpace,
        &source,
        spaced.len(),
    ));
    let duplicated: HashSet<&str> = duplicates.iter().map(|(e, _, _)| e.key.as_str()).collect();
    let repeated = duplicates.len();
    for (earlier, later, line) in duplicates.into_iter().take(MAX_FINDINGS) {
        diags.push(duplicate_key(&source, earlier, later, line));
    }
    diags.extend(more_findings(Code::DuplicateKey, &source, repeated));
    let mut endpoints: Vec<Endpoint> = entries
        .iter()
        .filter_map(|e| from_env_entry(e, &scope))
        .collect();
    marketplace_rest_names(&mut endpoints, &entries, &scope);
    // A REST URL moves to its own variable only while that one is free, and only from a
    // variable set once (two moved lines would set it twice).
    for ep in &mut endpoints {
        let taken = ep.rest_rename.as_ref().is_some_and(|(key, name)| {
            first.contains_key(name.as_str()) || duplicated.contains(&source.text[key.clone()])
        });
        if taken {
            ep.rest_rename = None;
        }
    }
    lints::run_all(&endpoints, &source, &mut diags);
    diags.sort_by_key(|d| d.location.as_ref().map_or(0, |l| l.span.start));
    (source, diags)
}

/// An env file loaded with others: its mode, its rank (0 wins), the file.
type Loaded<'a> = (Option<&'a str>, u8, &'a SourceFile);

/// `family-mismatch` across the env files a framework loads together from one folder
/// (`.env`, `.env.local`, `.env.$(mode)`, `.env.$(mode).local`: `crate::framework::load_rank`),
/// for each mode found (`.env` and `.env.local` with each): `files` are the env files
/// linted, each with its path; `declared` the `env_prefix`es of the run's descriptors. One
/// file's own mismatch is [`lint_env`]'s.
///
/// `diags` are the files' own findings: a file's own `family-mismatch` is withdrawn when, in
/// every set it belongs to, a file that wins over it overrides one of its two URLs (the app
/// never reads that pair); the findings across files are added.
pub(crate) fn family_mismatch_across(
    files: &[(&std::path::Path, &SourceFile)],
    declared: &[String],
    diags: &mut Vec<Diagnostic>,
) {
    use std::path::{Path, PathBuf};
    let folder = |p: &Path| {
        let dir = p.parent().unwrap_or(Path::new(""));
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf())
    };
    // Each folder's files that a framework loads together, with their modes and ranks; found
    // by a map, for a monorepo's thousands of folders.
    let mut folders: Vec<(PathBuf, Vec<Loaded>)> = Vec::new();
    let mut folder_index: std::collections::HashMap<PathBuf, usize> =
        std::collections::HashMap::new();
    for (path, source) in files {
        let Some((mode, rank)) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(crate::framework::load_rank)
        else {
            continue;
        };
        let dir = folder(path);
        let at = *folder_index.entry(dir.clone()).or_insert_with(|| {
            folders.push((dir, Vec::new()));
            folders.len() - 1
        });
        // A file given twice is one file.
        if !folders[at]
            .1
            .iter()
            .any(|(m, r, _)| (*m, *r) == (mode, rank))
        {
            folders[at].1.push((mode, rank, source));
        }
    }
    let mut out: Vec<Diagnostic> = Vec::new();
    // Per file (by name): whether its own pair is the one read in some set it belongs to.
    let mut read_somewhere: std::collections::HashMap<&str, bool> =
        std::collections::HashMap::new();
    for (_, mut found) in folders {
        found.sort_by_key(|(_, rank, _)| *rank);
        let mut modes: Vec<Option<&str>> = found
            .iter()
            .map(|(m, _, _)| *m)
            .filter(Option::is_some)
            .collect();
        modes.dedup();
        if modes.is_empty() {
            modes.push(None);
        }
        let scanned: Vec<Vec<EnvLine>> = found
            .iter()
            .map(|(_, _, source)| scan(&source.text))
            .collect();
        // The files a framework loads together confirm each other's prefixes.
        let mut scope = Scope::declaring(declared.iter().cloned());
        scope.confirm(
            scanned
                .iter()
                .flatten()
                .filter_map(EnvLine::entry)
                .map(|e| (e.key.as_str(), e.value.as_str())),
            crate::parse::points_at_upstash,
        );
        let endpoints: Vec<Vec<Endpoint>> = scanned
            .iter()
            .map(|lines| {
                lines
                    .iter()
                    .filter_map(EnvLine::entry)
                    .filter_map(|e| from_env_entry(e, &scope))
                    .collect()
            })
            .collect();
        for mode in modes {
            let set: Vec<(&[Endpoint], &SourceFile)> = found
                .iter()
                .zip(&endpoints)
                .filter(|((m, _, _), _)| m.is_none() || *m == mode)
                .map(|((_, _, source), eps)| (eps.as_slice(), *source))
                .collect();
            let deciding = lints::family_deciding_files(&set);
            for (i, (_, source)) in set.iter().enumerate() {
                let read = deciding == Some((i, i));
                *read_somewhere.entry(&source.name).or_insert(false) |= read;
            }
            if let Some(d) = lints::family_mismatch_across(&set) {
                // `.env` and `.env.local` are in every mode's set: one warning each.
                let same = |o: &Diagnostic| o.message == d.message;
                if !out.iter().any(same) {
                    out.push(d);
                }
            }
        }
    }
    diags.retain(|d| {
        d.code != crate::code::Code::FamilyMismatch
            || d.location
                .as_ref()
                .is_none_or(|l| read_somewhere.get(l.file.as_str()) != Some(&false))
    });
    diags.extend(out);
}

/// Lints values given on a command line (`upwire check --redis-url ... --rest-url ...
/// --rest-token ...`) or found elsewhere (`"process environment"`) as one database's
/// endpoints: the checks `lint` runs on an env file's (the same [`lints::run_all`]). `values`
/// are `(label, role, value)`; the source, named `name`, shows each value after its label
/// (`--flag value`), secrets registered (masked wherever it is shown).
#[must_use]
pub(crate) fn lint_values(
    name: &str,
    values: &[(&str, Role, &str)],
) -> (SourceFile, Vec<Diagnostic>) {
    let mut text = String::new();
    let mut spans = Vec::new();
    for (flag, _, value) in values {
        text.push_str(flag);
        text.push(' ');
        spans.push(text.len()..text.len() + value.len());
        text.push_str(value);
        text.push('\n');
    }
    let mut source = SourceFile::new(name, text);
    let mut endpoints = Vec::new();
    for ((flag, role, value), span) in values.iter().zip(spans) {
        let start = span.start;
        add_secrets(&mut source, value, hint_of(*role), span.clone(), |r| {
            start + r.start..start + r.end
        });
        let mut ep = Endpoint::new(*role, value);
        ep.label = format!("`{flag}`");
        ep.span = span.clone();
        ep.verbatim = Some(span.start);
        // A variable's name (from the process environment) groups it as an env file's.
        if let Some(known) = lookup(flag) {
            ep.group = crate::endpoint::group(known.prefix, known.variable.family);
            ep.family = Some(known.variable.family);
        }
        endpoints.push(ep);
    }
    let mut diags = Vec::new();
    lints::run_all(&endpoints, &source, &mut diags);
    diags.sort_by_key(|d| d.location.as_ref().map_or(0, |l| l.span.start));
    (source, diags)
}

/// `REDIS_URL` belongs to both families: a REST URL found in it moves to the Marketplace's
/// REST URL variable (`cache_REDIS_URL` → `cache_KV_REST_API_URL`) when the file uses only
/// the Marketplace's names with that prefix; when it uses neither family's with that prefix,
/// when the prefix cannot be an `env_prefix` (`cache_`: only the Marketplace's custom prefix
/// is lower-case) or the file's other names are all the Marketplace's; to Upstash's otherwise.
fn marketplace_rest_names(endpoints: &mut [Endpoint], entries: &[&EnvEntry], scope: &Scope) {
    let mut families: HashMap<&str, HashSet<Family>> = HashMap::new();
    for e in entries {
        if let Some(k) = scope.lookup(&e.key) {
            families
                .entry(k.prefix)
                .or_default()
                .insert(k.variable.family);
        }
    }
    for ep in endpoints {
        if ep.family != Some(Family::Shared) {
            continue;
        }
        let Some((_, name)) = &mut ep.rest_rename else {
            continue;
        };
        let Some(prefix) = name.strip_suffix(name_of(Family::Upstash, Role::RestUrl)) else {
            continue;
        };
        let only_marketplace =
            |f: &HashSet<Family>| f.contains(&Family::Marketplace) && !f.contains(&Family::Upstash);
        let marketplace = match families.get(prefix) {
            Some(f) if f.contains(&Family::Marketplace) || f.contains(&Family::Upstash) => {
                only_marketplace(f)
            }
            // Only `REDIS_URL`s with this prefix.
            _ => {
                let all: HashSet<Family> = families.values().flatten().copied().collect();
                !crate::family::valid_env_prefix(prefix) || only_marketplace(&all)
            }
        };
        if marketplace {
            *name = crate::family::compose(prefix, name_of(Family::Marketplace, Role::RestUrl));
        }
    }
}

/// The spaces and tabs that end an unquoted value's line (with no comment after them):
/// dotenv loaders drop them, Docker's `--env-file` keeps them.
fn trailing_space(text: &str, line: &EnvLine) -> Option<std::ops::Range<usize>> {
    let LineKind::Entry(e) = &line.kind else {
        return None;
    };
    if e.quote.is_some() || e.value.is_empty() {
        return None;
    }
    let rest = text.get(e.value_span.end..line.range.end)?;
    let rest = rest.trim_end_matches(['\n', '\r']);
    (!rest.is_empty() && rest.bytes().all(|b| b == b' ' || b == b'\t'))
        .then(|| e.value_span.end..e.value_span.end + rest.len())
}

/// `duplicate-key`: a key set again. Loaders disagree on which value wins, so the warning
/// says both (upwire reads the first, as dotenvy's `dotenv()` does). When both set the same
/// value (and no `${NAME}` that could expand differently), every loader reads the same
/// whichever wins, and the fix removes the later line (`line`); a different value is never
/// dropped.
fn duplicate_key(
    source: &SourceFile,
    earlier: &EnvEntry,
    later: &EnvEntry,
    line_range: std::ops::Range<usize>,
) -> Diagnostic {
    let (line, _) = source.line_col(earlier.key_span.start);
    let mut d = Diagnostic::new(
        Code::DuplicateKey,
        format!("`{}` is set again here; it was first set on line {line}", later.key),
    )
    .at(source, later.key_span.clone())
    .help(
        "remove one of the two lines: upwire and Rust's dotenvy read the first, Node's dotenv, Docker's --env-file and python-dotenv the last",
    );
    if earlier.value == later.value && !later.value.contains('$') {
        d.fix = vec![crate::diagnostic::Edit::delete(line_range)];
    }
    d
}

/// `env-example-drift`: the keys that one of an env file and its `.env.example` has and the
/// other lacks, each reported where it is set. Values are never looked at.
#[must_use]
pub(crate) fn example_drift(env: &SourceFile, example: &SourceFile) -> Vec<Diagnostic> {
    let entries = |source: &SourceFile| -> Vec<EnvEntry> {
        scan(&source.text)
            .into_iter()
            .filter_map(|l| match l.kind {
                LineKind::Entry(e) => Some(e),
                _ => None,
            })
            .collect()
    };
    let (in_env, in_example) = (entries(env), entries(example));
    // Each key of `from` that `to` lacks, once, where `from` first sets it.
    let lacking = |from: &'_ [EnvEntry], to: &[EnvEntry]| -> Vec<EnvEntry> {
        let names: HashSet<&str> = to.iter().map(|e| e.key.as_str()).collect();
        let mut seen = HashSet::new();
        from.iter()
            .filter(|e| !names.contains(e.key.as_str()) && seen.insert(e.key.as_str()))
            .cloned()
            .collect()
    };
    let mut out = Vec::new();
    for e in lacking(&in_env, &in_example) {
        out.push(
            Diagnostic::new(
                Code::EnvExampleDrift,
                format!("`{}` is set in {} but not in {}", e.key, env.name, example.name),
            )
            .at(env, e.key_span.clone())
            .help(format!(
                "add `{}=` with a placeholder to {}, so that whoever sets the project up knows it is needed",
                e.key, example.name
            )),
        );
    }
    for e in lacking(&in_example, &in_env) {
        out.push(
            Diagnostic::new(
                Code::EnvExampleDrift,
                format!(
                    "`{}` is in {} but not set in {}",
                    e.key, example.name, env.name
                ),
            )
            .at(example, e.key_span.clone())
            .help(format!(
                "set `{}` in {}, or remove it from {} if nothing reads it any more",
                e.key, env.name, example.name
            )),
        );
    }
    out
}

/// The note for a byte-order mark, pointing at it: upwire reads the first line without it,
/// other tools may not. What they misread is the first line, so only a key on that line is
/// named (`entries` are the file's entries, in order).
fn bom_note(source: &SourceFile, entries: &[EnvLine], bom: usize) -> Diagnostic {
    let first_line = entries
        .first()
        .filter(|l| l.range.start <= bom)
        .and_then(EnvLine::entry);
    let misread = match first_line {
        // `export KEY=...`: the word the BOM sticks to is `export`.
        Some(_) if source.text[bom..].starts_with("export") => {
            "read the first line's `export` as `\\u{feff}export`, and the line as no assignment"
                .to_owned()
        }
        Some(e) => format!("read the first key as `\\u{{feff}}{}`", e.key),
        None if source.text[bom..]
            .trim_start_matches([' ', '\t'])
            .starts_with('#') =>
        {
            "read the first line, a comment, as a line that is not one".to_owned()
        }
        None => "read the first line with it".to_owned(),
    };
    Diagnostic::new(
        Code::Bom,
        "this env file starts with a UTF-8 byte-order mark (BOM)",
    )
    .help(format!(
        "the BOM is kept; some tools {misread}: save the file as UTF-8 without BOM"
    ))
    .at(source, 0..bom)
}

/// The finding for a line that is not `KEY=VALUE`, and the range to mask: the key and the
/// character that should have been `=` stay visible, the rest (usually the secret) does not.
fn invalid_line(text: &str, start: usize) -> (Diagnostic, std::ops::Range<usize>) {
    let content = text.trim_end_matches(['\n', '\r']);
    let len = content.len();
    let key_end = key_end(content);
    let indent = content.len() - content.trim_start().len();
    let separator = content[key_end..].chars().next();
    let keep = key_end + separator.map_or(0, char::len_utf8);
    let key = &content[indent..key_end];
    let d = match separator {
        Some('=') if !key.is_empty() => Diagnostic::new(
            Code::InvalidEnvLine,
            format!("the value of `{key}` opens a quote that is never closed, or has text after the closing quote"),
        )
        .help("close the quote; put comments after a space and `#`"),
        Some(c) if !key.is_empty() => {
            let shown = match c {
                ' ' => "a space".to_owned(),
                '\t' => "a tab".to_owned(),
                c => format!("`{c}`"),
            };
            Diagnostic::new(
                Code::InvalidEnvLine,
                format!("this line is not `KEY=VALUE`: `{key}` is followed by {shown}"),
            )
            .help(format!("write `{key}=VALUE`"))
        }
        _ => Diagnostic::new(Code::InvalidEnvLine, "this line is not `KEY=VALUE`")
            .help("write `KEY=VALUE`, quote values with spaces, and start comments with `#`"),
    };
    (d, start + keep..start + len)
}

fn key_end(content: &str) -> usize {
    let indent = content.len() - content.trim_start().len();
    content[indent..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
        .map_or(content.len(), |i| indent + i)
}

/// Where an invalid line's caret goes: at the character after the key (the missing `=`),
/// or at the whole line when there is no key.
fn finding_span(text: &str, start: usize) -> std::ops::Range<usize> {
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let content = text[start..end].trim_end_matches('\r');
    let k = key_end(content);
    match content[k..].chars().next() {
        Some(c) if k > 0 => start + k..start + k + c.len_utf8(),
        _ => start..start + content.len(),
    }
}

/// Classifies an entry's value when it is read: by its role for the variables upwire knows,
/// by its name and shape for every other one (`DB_PASSWORD`, `SENTRY_DSN`, ...).
fn register_secret(source: &mut SourceFile, e: &EnvEntry, role: Option<Role>) {
    let hint = role.map_or_else(|| hint_for_name(&e.key), hint_of);
    add_secrets(source, &e.value, hint, e.value_span.clone(), |r| {
        e.value_range(Some(r))
    });
}

/// How a value of `role` is masked.
fn hint_of(role: Role) -> Hint {
    match role {
        Role::TcpUrl | Role::RestUrl => Hint::Url,
        Role::Token | Role::ReadonlyToken => Hint::Credential,
    }
}

/// Registers the secrets of `value`, which stands at `whole` in `source` (`at` maps a range
/// of the value there). A token is secret as a whole, quotes and all.
fn add_secrets(
    source: &mut SourceFile,
    value: &str,
    hint: Hint,
    whole: std::ops::Range<usize>,
    at: impl Fn(&std::ops::Range<usize>) -> std::ops::Range<usize>,
) {
    let ranges = sensitive_ranges(value, hint);
    if hint == Hint::Credential && !ranges.is_empty() {
        source.add_secret(whole);
        return;
    }
    for r in ranges {
        source.add_secret(at(&r));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lint(text: &str) -> Vec<(String, usize, usize)> {
        lint_env(SourceFile::new(".env", text))
            .1
            .iter()
            .map(|d| {
                let l = d.location.as_ref().unwrap();
                (d.code.name().to_owned(), l.line, l.column)
            })
            .collect()
    }

    #[test]
    fn rest_url_pasted_into_redis_url_is_found_with_position() {
        assert_eq!(
            lint("# app\nREDIS_URL=https://eu1-cat.upstash.io\n"),
            [("rest-url-in-redis-url".to_owned(), 2, 11)]
        );
    }

    #[test]
    fn every_family_name_is_checked_after_any_prefix() {
        // The Vercel Marketplace's custom prefix, and a target's `env_prefix`.
        assert_eq!(
            lint(
                "STORAGE_KV_REST_API_URL=rediss://default:pw@eu1-cat-1.upstash.io:6379\nSTORAGE_KV_REST_API_TOKEN=\"Bearer AXtok\"\ncache_REDIS_URL=https://eu1-cat-1.upstash.io\n"
            ),
            [
                ("redis-url-in-rest-url".to_owned(), 1, 25),
                ("token-has-bearer-prefix".to_owned(), 2, 28),
                ("rest-url-in-redis-url".to_owned(), 3, 17),
            ]
        );
        // An `env_prefix` without a trailing `_`, as `generate` writes it: read when a
        // descriptor of the run declares it.
        let shop = "SHOPUPSTASH_REDIS_REST_URL=https://equipped-owl-22028.upstash.io:6379\n";
        let (_, declared) = lint_env_declaring(SourceFile::new(".env", shop), &["SHOP".into()]);
        assert_eq!(
            declared.iter().map(|d| d.code.name()).collect::<Vec<_>>(),
            ["rest-url-has-port"]
        );
        assert!(lint(shop).is_empty());
        // A prefixed family's TCP and REST URL are one database; `REDIS_URL` pairs with
        // either family's REST URL.
        let pair = "APP_REDIS_URL=rediss://default:pw@eu1-cat-1.upstash.io:6379\nAPP_KV_REST_API_URL=https://us1-dog-2.upstash.io\n";
        assert_eq!(lint(pair), [("host-mismatch".to_owned(), 2, 21)]);
        // Two prefixes are two databases.
        assert!(
            lint("A_REDIS_URL=rediss://default:pw@eu1-cat-1.upstash.io:6379\nB_KV_REST_API_URL=https://us1-dog-2.upstash.io\n")
                .is_empty()
        );
    }

    /// A generic name behind a prefix of the app's own is checked only where a value of that
    /// prefix points at an Upstash host (the full set of other apps' names is in
    /// `family::tests` and `env_files`).
    #[test]
    fn generic_names_are_checked_behind_a_confirmed_prefix_only() {
        assert_eq!(lint("STATS_KV_URL=https://example.com/kv\n"), []);
        // The same generic names with a prefix an Upstash value confirms are checked.
        assert_eq!(
            lint(
                "cache_REDIS_URL=https://eu1-cat-1.upstash.io\nSTATS_KV_URL=https://example.com/kv\n"
            ),
            [("rest-url-in-redis-url".to_owned(), 1, 17)]
        );
    }

    #[test]
    fn a_rest_url_in_redis_url_moves_to_its_familys_rest_url() {
        let fixed = |text: &str| {
            let (_, diags) = lint_env(SourceFile::new(".env", text));
            crate::fix::apply(text, ".env", &diags).0
        };
        // Marketplace names with this prefix only: the Marketplace's REST URL.
        assert_eq!(
            fixed("cache_REDIS_URL=https://eu1-cat-1.upstash.io\ncache_KV_REST_API_TOKEN=AXtok\n"),
            "cache_KV_REST_API_URL=https://eu1-cat-1.upstash.io\ncache_KV_REST_API_TOKEN=AXtok\n"
        );
        // A lower-case prefix is the Marketplace's custom one (no `env_prefix` is), and a
        // file whose other names are all the Marketplace's is the Marketplace's.
        assert_eq!(
            fixed("cache_REDIS_URL=https://eu1-cat-1.upstash.io\n"),
            "cache_KV_REST_API_URL=https://eu1-cat-1.upstash.io\n"
        );
        assert_eq!(
            fixed("KV_REST_API_TOKEN=AXtok\nAPP_REDIS_URL=https://eu1-cat-1.upstash.io\n"),
            "KV_REST_API_TOKEN=AXtok\nAPP_KV_REST_API_URL=https://eu1-cat-1.upstash.io\n"
        );
        // Otherwise Upstash's, as before.
        assert_eq!(
            fixed("REDIS_URL=https://eu1-cat-1.upstash.io\nUPSTASH_REDIS_REST_TOKEN=AXtok\n"),
            "UPSTASH_REDIS_REST_URL=https://eu1-cat-1.upstash.io\nUPSTASH_REDIS_REST_TOKEN=AXtok\n"
        );
        assert_eq!(
            fixed("APP_REDIS_URL=https://eu1-cat-1.upstash.io\n"),
            "APP_UPSTASH_REDIS_REST_URL=https://eu1-cat-1.upstash.io\n"
        );
    }

    /// A help names the variables of the family and prefix of the one it is about, as the
    /// fix does: a Marketplace variable's help never sends the user to Upstash's names.
    #[test]
    fn helps_name_the_variables_of_the_same_family() {
        let help = |text: &str| {
            let (_, diags) = lint_env(SourceFile::new(".env", text));
            diags[0].help.clone().unwrap_or_default()
        };
        let h = help("KV_URL=https://eu1-cat-1.upstash.io\n");
        assert!(h.contains("read this value as KV_REST_API_URL"), "{h}");
        let h = help("STORAGE_KV_REST_API_URL=https://console.upstash.com/redis/abc?teamid=0\n");
        assert!(h.contains("copy STORAGE_KV_REST_API_URL from"), "{h}");
        let h = help("KV_REST_API_TOKEN=0123456789abcdef0123456789abcdef\n");
        assert!(h.contains("copy the REST token (KV_REST_API_TOKEN)"), "{h}");
        let h = help("cache_REDIS_URL=https://eu1-cat-1.upstash.io\n");
        assert!(
            h.contains("read this value as cache_KV_REST_API_URL"),
            "{h}"
        );
        // Upstash's own names stay Upstash's.
        let h = help("UPSTASH_REDIS_REST_TOKEN=0123456789abcdef0123456789abcdef\n");
        assert!(
            h.contains("copy the REST token (UPSTASH_REDIS_REST_TOKEN)"),
            "{h}"
        );
    }

    #[test]
    fn two_families_on_two_databases_name_the_one_the_client_reads() {
        let text = "KV_REST_API_URL=https://us1-dog-2.upstash.io\nUPSTASH_REDIS_REST_URL=https://eu1-cat-1.upstash.io\n";
        let (_, diags) = lint_env(SourceFile::new(".env", text));
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, Code::FamilyMismatch);
        assert_eq!(diags[0].location.as_ref().unwrap().line, 1);
        assert!(
            diags[0]
                .message
                .contains("the app uses `eu1-cat-1.upstash.io`")
        );
        // Same database under both names, or a prefix (not what `fromEnv` reads): nothing.
        assert!(lint("KV_REST_API_URL=https://eu1-cat-1.upstash.io\nUPSTASH_REDIS_REST_URL=https://EU1-cat-1.upstash.io\n").is_empty());
        assert!(lint("X_KV_REST_API_URL=https://us1-dog-2.upstash.io\nUPSTASH_REDIS_REST_URL=https://eu1-cat-1.upstash.io\n").is_empty());
    }

    #[test]
    fn public_prefixes() {
        let found = lint(
            "UPSTASH_REDIS_REST_TOKEN=AXfull\nNEXT_PUBLIC_UPSTASH_REDIS_REST_TOKEN=AXfull\nNEXT_PUBLIC_REDIS_URL=rediss://default:pw@h.upstash.io:6379\nEXPO_PUBLIC_UPSTASH_REDIS_REST_TOKEN=AXother\nEXPO_PUBLIC_UPSTASH_REDIS_REST_READONLY_TOKEN=AoNamedSo\n",
        );
        let codes: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(
            codes,
            [
                "secret-public-prefix",
                "secret-public-prefix",
                "secret-public-prefix",
                "public-token"
            ]
        );
        // Proven read-only by the value of the unprefixed read-only token beside it.
        assert!(lint("KV_REST_API_READ_ONLY_TOKEN=ro\nVITE_KV_REST_API_TOKEN=ro\n").is_empty());
        assert!(
            lint("KV_REST_API_READ_ONLY_TOKEN=ro\nVITE_KV_REST_API_READ_ONLY_TOKEN=ro\n")
                .is_empty()
        );
        let (_, d) = lint_env(SourceFile::new(".env", "VITE_KV_REST_API_TOKEN=AXx\n"));
        assert_eq!(
            d[0].help.as_deref(),
            Some(
                "put the console's read-only token here, under the name `VITE_KV_REST_API_READ_ONLY_TOKEN`; the standard token must stay on the server"
            )
        );
    }

    #[test]
    fn secrets_are_masked_in_rendered_output() {
        let text = "REDIS_URL=redis://default:hunter2pass@eu1-cat.upstash.io:6379\nUPSTASH_REDIS_REST_TOKEN=\"Bearer AXhunter3\"\nbroken line hunter4\n";
        let (source, diags) = lint_env(SourceFile::new(".env", text));
        assert_eq!(diags.len(), 3, "{diags:?}");
        for d in &diags {
            let out = crate::diagnostic::TextRenderer::new(false)
                .render(d, std::slice::from_ref(&source));
            assert!(!out.contains("hunter"), "{out}");
        }
    }

    #[test]
    fn a_bom_is_noted_and_the_first_line_is_read_after_it() {
        assert_eq!(
            lint("\u{feff}REDIS_URL rediss://h\n"),
            [
                ("bom".to_owned(), 1, 1),
                ("invalid-env-line".to_owned(), 1, 10)
            ]
        );
        // The key named is the one on the first line, which the BOM sticks to.
        let help = |text: &str| lint_env(SourceFile::new(".env", text)).1[0].help.clone();
        assert_eq!(
            help("\u{feff}KV_URL=x\n").as_deref(),
            Some(
                "the BOM is kept; some tools read the first key as `\\u{feff}KV_URL`: save the file as UTF-8 without BOM"
            )
        );
        assert_eq!(
            help("\u{feff}# c\nKV_URL=x\n").as_deref(),
            Some(
                "the BOM is kept; some tools read the first line, a comment, as a line that is not one: save the file as UTF-8 without BOM"
            )
        );
        assert_eq!(
            help("\u{feff}export KV_URL=x\n").as_deref(),
            Some(
                "the BOM is kept; some tools read the first line's `export` as `\\u{feff}export`, and the line as no assignment: save the file as UTF-8 without BOM"
            )
        );
        assert_eq!(
            help("\u{feff}\n").as_deref(),
            Some(
                "the BOM is kept; some tools read the first line with it: save the file as UTF-8 without BOM"
            )
        );
        assert!(lint("REDIS_URL=rediss://default:pw@h.upstash.io:6379\n").is_empty());
    }

    #[test]
    fn host_mismatch_between_tcp_and_rest() {
        let found = lint(
            "REDIS_URL=rediss://default:pw@eu1-cat.upstash.io:6379\nUPSTASH_REDIS_REST_URL=https://us1-dog.upstash.io\n",
        );
        assert_eq!(found, [("host-mismatch".to_owned(), 2, 24)]);
        // A Fly private database has no REST API: the REST URL beside it is another
        // database (for the code off Fly), not a mismatch.
        assert!(
            lint(
                "REDIS_URL=redis://default:pw@fly-tidy-cat-12345.upstash.io:6379
UPSTASH_REDIS_REST_URL=https://eu1-cat.upstash.io
",
            )
            .is_empty()
        );
    }
}
