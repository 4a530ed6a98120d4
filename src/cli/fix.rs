//! `upwire fix`: lint, apply the fixes lint's findings carry (`Diagnostic::fix`), lint the
//! new text again until nothing more can be fixed, then write each changed file atomically
//! (or, with `--dry-run`, print the diff, secrets masked). What is left is reported as lint
//! reports it, with lint's exit codes.

use super::lint::{FileKind, example_drift, file_kind, inputs, is_descriptor, lint_one};
use super::output::plural;
use super::*;
use crate::envfile::{BOM, bom_len};

/// Rounds of lint-and-fix at most: a fix can uncover another (a password percent-encoded
/// first, then `redis://` to `rediss://`); a handful is plenty, and the bound makes sure a
/// fix that undoes another can never loop.
const MAX_ROUNDS: usize = 8;

/// One file being fixed.
struct FileFix {
    path: PathBuf,
    name: String,
    descriptor: bool,
    /// A descriptor's byte-order mark, kept outside the text lint reads (an env file keeps
    /// its mark in the text, as lint reads it).
    bom: &'static str,
    /// The text as read, with its secrets registered (for the diff).
    before: Option<SourceFile>,
    text: String,
}

/// One fix applied (or, with `--dry-run`, that would be).
#[derive(serde::Serialize)]
struct Applied {
    code: &'static str,
    file: String,
    line: usize,
    column: usize,
    message: String,
}

#[derive(serde::Serialize)]
struct FileJson<'a> {
    file: &'a str,
    changed: bool,
    written: bool,
}

#[derive(serde::Serialize)]
struct FixReport<'a> {
    dry_run: bool,
    fixes: &'a [Applied],
    files: Vec<FileJson<'a>>,
    #[serde(serialize_with = "crate::cli::report::diagnostics")]
    diagnostics: &'a [Diagnostic],
}

pub(super) fn fix(cli: &Cli, paths: &[PathBuf], dry_run: bool) -> Result<u8, Error> {
    let out = Output::new(cli);
    let (mut targets, env, _) = inputs(cli, paths, false, "fixing")?;
    // Only what `fix` can rewrite: another tool's file (an `eas.json`, a `package.json`) is
    // never read as an env file, nor written.
    targets.retain(|path| {
        let what = match file_kind(path) {
            FileKind::Descriptor | FileKind::Env | FileKind::Example => return true,
            FileKind::Eas => "an Expo app's eas.json (`upwire lint` checks it)",
            FileKind::Other(what) => what,
        };
        crate::cli::say!(
            "note: skipped `{}`: {what}; `fix` rewrites env files and descriptors only",
            path.display()
        );
        false
    });
    let mut files = read_all(&targets)?;
    let mut applied: Vec<Applied> = Vec::new();
    let mut round = 0;
    let (mut sources, mut diags) = loop {
        round += 1;
        let mut sources = Vec::new();
        let mut diags = Vec::new();
        // The descriptors' targets, whose `env_prefix`es the env files after them are read with.
        let mut plans = Vec::new();
        for f in &files {
            let source = SourceFile::new(f.name.clone(), f.text.clone());
            let (source, found, targets) = lint_one(source, f.descriptor, &env, &plans);
            plans.extend(targets);
            diags.extend(found);
            sources.push(source);
        }
        for (f, source) in files.iter_mut().zip(&sources) {
            if f.before.is_none() {
                f.before = Some(source.clone());
            }
        }
        let mut changed = false;
        if round < MAX_ROUNDS {
            for f in &mut files {
                let (text, done) = crate::fix::apply(&f.text, &f.name, &diags);
                if !done.is_empty() && text != f.text {
                    applied.extend(done.into_iter().map(|d| {
                        let l = d.location.as_ref();
                        Applied {
                            code: d.code.name(),
                            file: f.name.clone(),
                            line: l.map_or(0, |l| l.line),
                            column: l.map_or(0, |l| l.column),
                            message: d.message.clone(),
                        }
                    }));
                    f.text = text;
                    changed = true;
                }
            }
        }
        if !changed {
            break (sources, diags);
        }
    };
    let env_files: Vec<(PathBuf, usize)> = files
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.descriptor)
        .map(|(i, f)| (f.path.clone(), i))
        .collect();
    let after: Vec<SourceFile> = sources[..files.len()].to_vec();
    example_drift(&env_files, &mut sources, &mut diags);
    diags.sort_by_key(|d| d.location.as_ref().map(|l| (l.file.clone(), l.span.start)));
    let changed: Vec<bool> = files
        .iter()
        .map(|f| f.before.as_ref().is_some_and(|b| b.text != f.text))
        .collect();
    if !dry_run {
        write_all(&files, &changed)?;
    }
    let report = FixReport {
        dry_run,
        fixes: &applied,
        files: files
            .iter()
            .zip(&changed)
            .map(|(f, &changed)| FileJson {
                file: &f.name,
                changed,
                written: changed && !dry_run,
            })
            .collect(),
        diagnostics: &diags,
    };
    Report::new(report).print(out.format, || {
        let mut err = stderr();
        let verb = if dry_run { "would fix" } else { "fixed" };
        for a in &applied {
            let _ = writeln!(
                err,
                "{verb} {}:{}:{}: {}: {}",
                a.file, a.line, a.column, a.code, a.message
            );
        }
        if dry_run {
            // The fixes above the diff on a terminal: both writers buffer.
            let _ = err.flush();
            let mut stdout = stdout();
            for ((f, after), changed) in files.iter().zip(&after).zip(&changed) {
                if let (true, Some(before)) = (*changed, &f.before) {
                    let _ = write!(stdout, "{}", masked_diff(&f.name, before, after));
                }
            }
        }
        let touched = changed.iter().filter(|c| **c).count();
        let summary = match (applied.len(), dry_run) {
            (0, _) => "nothing to fix".to_owned(),
            (n, true) => format!(
                "would fix {} in {}; nothing was written (run without --dry-run to apply)",
                plural(n, "problem"),
                plural(touched, "file")
            ),
            (n, false) => format!(
                "fixed {} in {}",
                plural(n, "problem"),
                plural(touched, "file")
            ),
        };
        let _ = writeln!(err, "{summary}");
        if dry_run && !applied.is_empty() && !diags.is_empty() {
            let _ = writeln!(err, "left after the fixes (lines as in the fixed file):");
        }
        drop(err);
        out.diagnostics(&diags, &sources);
    });
    Ok(exit_for(&diags))
}

/// Every file, read (bounded) before anything is fixed; a file given twice, or through a
/// symlink and directly, once.
fn read_all(targets: &[PathBuf]) -> Result<Vec<FileFix>, Error> {
    let mut seen = std::collections::HashSet::new();
    let mut files = Vec::new();
    for path in targets {
        if let Ok(real) = path.canonicalize()
            && !seen.insert(real)
        {
            continue;
        }
        let descriptor = is_descriptor(path);
        let source = crate::input::load_source_keeping_bom(path)?;
        let bom = if descriptor && bom_len(&source.text) > 0 {
            "\u{feff}"
        } else {
            ""
        };
        files.push(FileFix {
            path: path.clone(),
            name: source.name.clone(),
            descriptor,
            bom,
            before: None,
            text: source.text[bom.len()..].to_owned(),
        });
    }
    Ok(files)
}

/// Writes every changed file, after checking that each can be (nothing is written when one
/// cannot): atomically, to the file a symlink leads to, its mode kept.
fn write_all(files: &[FileFix], changed: &[bool]) -> Result<(), Error> {
    let mut modes = Vec::new();
    for (f, _) in files.iter().zip(changed).filter(|(_, c)| **c) {
        modes.push(crate::write::rewritable(&f.path)?);
    }
    for ((f, _), mode) in files.iter().zip(changed).filter(|(_, c)| **c).zip(modes) {
        let contents = format!("{}{}", f.bom, f.text);
        crate::write::write_atomic(&f.path, contents.as_bytes(), mode)?;
    }
    Ok(())
}

/// A unified diff of `before` and `after` by line, compared on the real text and shown with
/// every secret of either as `****` (a line whose only change is inside a secret shows as
/// removed and added, both masked).
fn masked_diff(name: &str, before: &SourceFile, after: &SourceFile) -> String {
    use std::fmt::Write as _;
    let old: Vec<&str> = before.text.split_inclusive('\n').collect();
    let new: Vec<&str> = after.text.split_inclusive('\n').collect();
    let (old_masked, new_masked) = (before.masked_lines(), after.masked_lines());
    let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &old, &new);
    let mut s = format!("--- a/{name}\n+++ b/{name}\n");
    for group in similar::group_diff_ops(ops, 3) {
        let _ = writeln!(s, "{}", similar::udiff::UnifiedHunkHeader::new(&group));
        for op in &group {
            for change in op.iter_changes(&old_masked[..], &new_masked[..]) {
                let sign = match change.tag() {
                    similar::ChangeTag::Equal => ' ',
                    similar::ChangeTag::Delete => '-',
                    similar::ChangeTag::Insert => '+',
                };
                let line = change.value();
                let line = line.strip_prefix(BOM).unwrap_or(&line);
                if line.ends_with('\n') {
                    let _ = write!(s, "{sign}{line}");
                } else {
                    let _ = write!(s, "{sign}{line}\n\\ No newline at end of file\n");
                }
            }
        }
    }
    s
}
