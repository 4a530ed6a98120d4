//! What git says about the files `generate` writes: whether a secret file would be
//! committed (`git check-ignore`, one process per repository).

use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What git says about one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum GitIgnore {
    /// A `.gitignore` rule (or `info/exclude`, `core.excludesFile`) covers it.
    Ignored,
    /// `git add` would pick it up.
    NotIgnored,
    /// Not inside a git work tree: nothing git could commit.
    NotInRepository,
    /// git is missing or failed; why, in a few words.
    Unchecked(String),
}

/// [`GitIgnore`] for each of `paths`, in the same order. The paths are grouped by the
/// repository that holds them (`git -C DIR rev-parse --show-toplevel`, once per directory),
/// and each repository gets one `git check-ignore --stdin` with paths relative to its top
/// (one process per path would cost more than generating a thousand targets). A path git
/// cannot check is [`GitIgnore::Unchecked`]; it never hides the answer for the others.
#[must_use]
pub(crate) fn git_check_ignore(paths: &[&Path]) -> Vec<GitIgnore> {
    let mut out = vec![GitIgnore::NotInRepository; paths.len()];
    let mut tops: std::collections::HashMap<PathBuf, Result<Option<PathBuf>, String>> =
        std::collections::HashMap::new();
    let mut repos: std::collections::BTreeMap<PathBuf, Vec<(usize, PathBuf)>> =
        std::collections::BTreeMap::new();
    for (i, path) in paths.iter().enumerate() {
        let Some((dir, rest)) = existing_dir(path) else {
            out[i] = GitIgnore::Unchecked("its directory cannot be resolved".to_owned());
            continue;
        };
        let top = tops.entry(dir.clone()).or_insert_with(|| toplevel(&dir));
        match top {
            Ok(None) => {}
            Ok(Some(top)) => match dir.join(&rest).strip_prefix(&*top) {
                Ok(relative) => repos
                    .entry(top.clone())
                    .or_default()
                    .push((i, relative.to_path_buf())),
                Err(_) => {
                    out[i] = GitIgnore::Unchecked("it is not below its repository's top".into());
                }
            },
            Err(reason) => out[i] = GitIgnore::Unchecked(reason.clone()),
        }
    }
    for (top, files) in repos {
        let relative: Vec<&Path> = files.iter().map(|(_, r)| r.as_path()).collect();
        let found = match check_ignore(&top, &relative) {
            Ok(found) => found,
            // One path git refuses (beyond a symlink, inside a submodule) fails the whole
            // call: ask path by path, so that only that one goes unchecked.
            Err(_) if relative.len() > 1 => relative
                .iter()
                .map(|r| match check_ignore(&top, &[r]) {
                    Ok(mut one) => one.pop().unwrap_or_else(unexpected_output),
                    Err(reason) => GitIgnore::Unchecked(reason),
                })
                .collect(),
            Err(reason) => vec![GitIgnore::Unchecked(reason)],
        };
        for ((i, _), status) in files.iter().zip(found) {
            out[*i] = status;
        }
    }
    out
}

const ANSWER_UNEXPECTED: &str = "`git check-ignore` answered in an unexpected form";

fn unexpected_output() -> GitIgnore {
    GitIgnore::Unchecked(ANSWER_UNEXPECTED.to_owned())
}

/// The nearest directory of `path` that exists, canonical (as git prints its top), and the
/// rest of the path below it. A dry run asks about files whose directory is not made yet.
fn existing_dir(path: &Path) -> Option<(PathBuf, PathBuf)> {
    let absolute = std::path::absolute(path).ok()?;
    let mut rest = PathBuf::from(absolute.file_name()?);
    let mut dir = absolute.parent()?;
    while !dir.is_dir() {
        rest = Path::new(dir.file_name()?).join(rest);
        dir = dir.parent()?;
    }
    Some((fs::canonicalize(dir).ok()?, rest))
}

/// git with the environment upwire needs: messages in English, which [`toplevel`] reads.
fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(dir).env("LC_ALL", "C");
    cmd
}

/// The top of the work tree holding `dir`; `Ok(None)` outside any work tree.
fn toplevel(dir: &Path) -> Result<Option<PathBuf>, String> {
    let output = git(dir)
        .args(["rev-parse", "--show-toplevel"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| spawn_failure(&e))?;
    if output.status.success() {
        let top = String::from_utf8(output.stdout)
            .map_err(|_| "git printed a repository path that is not UTF-8".to_owned())?;
        let top = top.trim_end_matches(['\n', '\r']);
        if top.is_empty() {
            // Inside `.git` itself, or a bare repository: git names no work tree.
            return Err("git names no work tree for it".to_owned());
        }
        return Ok(Some(PathBuf::from(top)));
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("not a git repository") {
        return Ok(None);
    }
    Err(git_failure("rev-parse", &stderr))
}

/// One `git check-ignore` for `paths` (relative to `top`), in order.
fn check_ignore(top: &Path, paths: &[&Path]) -> Result<Vec<GitIgnore>, String> {
    // --verbose --non-matching: one record per path, in order; -z: four NUL-ended fields
    // (source, line, pattern, path), the pattern empty when nothing matched.
    let mut child = git(top)
        .args([
            "check-ignore",
            "--stdin",
            "-z",
            "--verbose",
            "--non-matching",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| spawn_failure(&e))?;
    let mut input = Vec::new();
    for p in paths {
        input.extend_from_slice(p.as_os_str().as_encoded_bytes());
        input.push(0);
    }
    let stdin = child.stdin.take();
    // Written from another thread: git answers while it reads, and a full stdout pipe
    // would stop it reading the rest.
    let output = std::thread::scope(|scope| {
        scope.spawn(move || {
            if let Some(mut stdin) = stdin {
                // A path git refuses makes it stop early; the status says so.
                let _ = stdin.write_all(&input);
            }
        });
        child.wait_with_output()
    })
    .map_err(|e| format!("`git check-ignore` failed: {e}"))?;
    // 0: some path is ignored, 1: none is.
    if !matches!(output.status.code(), Some(0 | 1)) {
        return Err(git_failure(
            "check-ignore",
            &String::from_utf8_lossy(&output.stderr),
        ));
    }
    let fields: Vec<&[u8]> = output.stdout.split(|b| *b == 0).collect();
    let found: Vec<GitIgnore> = fields
        .chunks_exact(4)
        .map(|record| {
            if !record[2].is_empty() && !record[2].starts_with(b"!") {
                GitIgnore::Ignored
            } else {
                GitIgnore::NotIgnored
            }
        })
        .collect();
    if found.len() == paths.len() {
        Ok(found)
    } else {
        Err(ANSWER_UNEXPECTED.to_owned())
    }
}

fn spawn_failure(e: &std::io::Error) -> String {
    if e.kind() == ErrorKind::NotFound {
        "git is not installed (not on PATH)".to_owned()
    } else {
        format!("git could not be started: {e}")
    }
}

/// `git <command> failed: <its first line>`, without git's `fatal: ` prefix.
fn git_failure(command: &str, stderr: &str) -> String {
    let line = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let line = line.trim();
    let line = line
        .strip_prefix("fatal: ")
        .or_else(|| line.strip_prefix("error: "))
        .unwrap_or(line);
    if line.is_empty() {
        format!("`git {command}` failed")
    } else {
        format!("`git {command}` failed: {line}")
    }
}
