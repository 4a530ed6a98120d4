//! `upwire generate` and `upwire docs`: printing and exit codes around the pure generator.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use crate::cli::{
    Cli, Findings, Format, Output, Report, exit_for, load_descriptor, select_targets,
};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::envfile::entries;
use crate::error::Error;
use crate::generate::artifacts;
use crate::git::{GitIgnore, git_check_ignore};
use crate::secret::MASK;
use crate::write::{Action, ApplyOptions, Change, apply, write_atomic};

pub(crate) use crate::project::base_dir;

/// What a run shows instead of writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Preview {
    /// Write the files.
    Off,
    /// `--dry-run`: a summary, a line per file and every warning.
    Summary,
    /// `--diff` (with or without `--dry-run`): the summary plus each file's diff.
    Diff,
}

impl Preview {
    pub(crate) fn of(dry_run: bool, diff: bool) -> Self {
        match (dry_run, diff) {
            (_, true) => Self::Diff,
            (true, false) => Self::Summary,
            (false, false) => Self::Off,
        }
    }
}

/// `upwire generate`.
pub(crate) fn generate(
    cli: &Cli,
    only: Option<&str>,
    preview: Preview,
    force: bool,
) -> Result<u8, Error> {
    let dry_run = preview != Preview::Off;
    let out = Output::new(cli);
    // Held until the run ends: a second `generate` in the project waits for this one.
    let _lock = if dry_run {
        None
    } else {
        Some(crate::write::lock_project(&cli.config)?)
    };
    let mut r = load_descriptor(cli)?;
    select_targets(&r, only)?;
    let mut files = artifacts(&r.plan, &mut r.diagnostics);
    files.retain(|a| only.is_none() || a.target.is_none() || a.target.as_deref() == only);
    let changes = apply(
        &base_dir(&cli.config),
        &files,
        ApplyOptions { force, dry_run },
    )?;
    // Files with secrets that git would commit, also those a dry run would only create: the
    // warning is the point of looking before writing.
    let checked: Vec<&Change> = changes.iter().filter(|c| c.secret).collect();
    // Through a symlink the secrets are in the file it leads to: that one must be ignored.
    let paths: Vec<&Path> = checked.iter().map(|c| c.target.as_path()).collect();
    let statuses = git_check_ignore(&paths);
    let exposed: Vec<&Change> = checked
        .iter()
        .zip(&statuses)
        .filter(|(_, s)| **s == GitIgnore::NotIgnored)
        .map(|(c, _)| *c)
        .collect();
    if !exposed.is_empty() {
        let mut names: Vec<String> = exposed
            .iter()
            .filter_map(|c| {
                c.target
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
            })
            .collect();
        names.sort();
        names.dedup();
        let mut exposed: Vec<String> = exposed
            .iter()
            .map(|c| c.target.display().to_string())
            .collect();
        // Two links to one shared file name it once.
        let mut seen = std::collections::HashSet::new();
        exposed.retain(|p| seen.insert(p.clone()));
        r.diagnostics.push(
            Diagnostic::new(
                Code::EnvNotIgnored,
                format!(
                    "files with secrets are not git-ignored: {}",
                    exposed.join(", ")
                ),
            )
            .help(format!(
                "add these lines to .gitignore: {}",
                names.join(", ")
            )),
        );
    }
    if let Some(note) = unchecked_note(&checked, &statuses) {
        r.diagnostics.push(note);
    }
    #[derive(serde::Serialize)]
    struct Generated<'a> {
        #[serde(flatten)]
        findings: Findings<'a>,
        files: Vec<FileJson<'a>>,
        dry_run: bool,
    }
    #[derive(serde::Serialize)]
    struct FileJson<'a> {
        path: String,
        action: &'a str,
        secret: bool,
    }
    let targets = r
        .plan
        .targets
        .iter()
        .filter(|t| only.is_none_or(|n| n == t.name));
    Report::new(Generated {
        findings: Findings::new(&r.diagnostics, targets),
        files: changes
            .iter()
            .map(|c| FileJson {
                path: c.path.display().to_string(),
                action: action_name(c.action),
                secret: c.secret,
            })
            .collect(),
        dry_run,
    })
    .print(out.format, || {
        let mut stdout = crate::cli::stdout();
        if dry_run {
            let _ = writeln!(stdout, "{}", summary(&changes));
        }
        for c in &changes {
            let _ = write!(stdout, "{}", describe(c, preview));
        }
        let changing = |c: &&Change| matches!(c.action, Action::Create | Action::Update);
        if preview == Preview::Summary && changes.iter().any(|c| changing(&c)) {
            let _ = writeln!(stdout, "(`--diff` shows each change)");
        }
        drop(stdout);
        out.diagnostics(&r.diagnostics, std::slice::from_ref(&r.source));
    });
    Ok(exit_for(&r.diagnostics))
}

/// A note naming the secret files git could not be asked about, and why: silence would read
/// as "all ignored".
fn unchecked_note(checked: &[&Change], statuses: &[GitIgnore]) -> Option<Diagnostic> {
    let mut paths = Vec::new();
    let mut reasons: Vec<&str> = Vec::new();
    for (c, status) in checked.iter().zip(statuses) {
        if let GitIgnore::Unchecked(reason) = status {
            paths.push(c.target.display().to_string());
            if !reasons.contains(&reason.as_str()) {
                reasons.push(reason);
            }
        }
    }
    if paths.is_empty() {
        return None;
    }
    Some(
        Diagnostic::new(
            Code::EnvNotIgnored,
            format!(
                "could not check whether git ignores these files with secrets: {}",
                paths.join(", ")
            ),
        )
        .severity(crate::diagnostic::Severity::Note)
        .help(format!(
            "{}; check them with `git check-ignore -v PATH`",
            reasons.join("; ")
        )),
    )
}

fn action_name(a: Action) -> &'static str {
    match a {
        Action::Create => "create",
        Action::Update => "update",
        Action::Unchanged => "unchanged",
        Action::Kept => "kept",
    }
}

/// The first line of a dry run: how many files each action would touch.
fn summary(changes: &[Change]) -> String {
    let count = |a: Action| changes.iter().filter(|c| c.action == a).count();
    let secrets = changes
        .iter()
        .filter(|c| c.secret && matches!(c.action, Action::Create | Action::Update))
        .count();
    let files = |n: usize| if n == 1 { "file" } else { "files" };
    let (create, update) = (count(Action::Create), count(Action::Update));
    let mut line = format!(
        "dry run, nothing written: {create} {} to create, {update} to change, {} unchanged, {} kept",
        files(create),
        count(Action::Unchanged),
        count(Action::Kept),
    );
    if secrets > 0 {
        let _ = write!(line, " ({secrets} of them with secrets)");
    }
    line
}

/// One line per file; with [`Preview::Diff`], a unified diff for files without secrets and
/// the list of changed keys (values hidden) for files with secrets.
fn describe(c: &Change, preview: Preview) -> String {
    let dry_run = preview != Preview::Off;
    let mut s = String::new();
    let path = c.path.display();
    let verb = match (c.action, dry_run) {
        (Action::Create, true) => "would create",
        (Action::Update, true) => "would update",
        (Action::Create, false) => "created",
        (Action::Update, false) => "updated",
        (Action::Unchanged, _) => "unchanged",
        (Action::Kept, _) => "kept",
    };
    let note = match c.action {
        Action::Kept => " (exists; --force replaces it)",
        _ if c.secret => " (secrets, mode 0600)",
        _ => "",
    };
    // A symlink stays one: name where the contents went, as `ls -l` shows links.
    let links: String = c
        .links
        .iter()
        .map(|l| format!(" -> {}", l.display()))
        .collect();
    let _ = writeln!(s, "{verb:>12} {path}{links}{note}");
    if preview != Preview::Diff || !matches!(c.action, Action::Create | Action::Update) {
        return s;
    }
    if c.secret {
        let keys = changed_keys(c.old.as_deref().unwrap_or(""), &c.new);
        if keys.is_empty() {
            let _ = writeln!(s, "             (holds secrets: contents not shown)");
        } else {
            for k in keys {
                let _ = writeln!(s, "             {k}={MASK}");
            }
        }
        return s;
    }
    let old = c.old.as_deref().unwrap_or("");
    let diff = similar::TextDiff::from_lines(old, &c.new);
    let _ = write!(
        s,
        "{}",
        diff.unified_diff()
            .context_radius(3)
            .header(&format!("a/{path}"), &format!("b/{path}"))
    );
    s
}

/// Keys whose value differs between two env files (the names only).
fn changed_keys(old: &str, new: &str) -> Vec<String> {
    let before = entries(old);
    entries(new)
        .into_iter()
        .filter(|(k, v)| !before.iter().any(|(bk, bv)| bk == k && bv == v))
        .map(|(k, _)| k)
        .collect()
}

/// `upwire docs`: the guide never holds values, so unresolved variables do not stop it.
pub(crate) fn docs(cli: &Cli, out_path: Option<&Path>) -> Result<u8, Error> {
    let out = Output::new(cli);
    let mut r = load_descriptor(cli)?;
    r.ignore_unresolved();
    let guide = crate::docs::guide(&r.plan);
    match out_path {
        Some(path) => {
            write_atomic(path, guide.as_bytes(), None)?;
            if out.format == Format::Text {
                crate::cli::say!("wrote {}", path.display());
            }
        }
        None if out.format == Format::Text => {
            let _ = crate::cli::stdout().write_all(guide.as_bytes());
        }
        None => {}
    }
    #[derive(serde::Serialize)]
    struct Docs<'a> {
        #[serde(serialize_with = "crate::cli::report::diagnostics")]
        diagnostics: &'a [Diagnostic],
        markdown: Option<&'a str>,
    }
    Report::new(Docs {
        diagnostics: &r.diagnostics,
        markdown: out_path.is_none().then_some(guide.as_str()),
    })
    .print(out.format, || {
        if !r.diagnostics.is_empty() {
            out.diagnostics(&r.diagnostics, std::slice::from_ref(&r.source));
        }
    });
    Ok(exit_for(&r.diagnostics))
}
