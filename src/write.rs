//! The one place that writes files: atomically (temp file in the same directory, then
//! rename), so a reader never sees a half-written file and a good file is never truncated.
//! Files holding user data are also fsynced before the rename, to survive a power loss.

use std::fs;
use std::io::{ErrorKind, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::error::Error;

/// Whether a write waits for the disk before it replaces the old file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// fsync the new contents before the rename: for files that hold user data (an `.env`
    /// with lines upwire does not manage), which a power loss must not empty.
    Synced,
    /// No fsync: for files upwire can write again at any time. Still atomic; one fsync per
    /// file would make `generate` for a thousand targets take seconds instead of milliseconds.
    Regenerable,
}

/// Writes `contents` to `path` atomically and durably ([`Durability::Synced`]), creating
/// parent directories. `mode` sets the Unix permissions of the new file (e.g. `0o600` for
/// files holding secrets).
///
/// # Errors
/// [`Error::Write`] naming the path; the original file, if any, is left untouched.
pub fn write_atomic(path: &Path, contents: &[u8], mode: Option<u32>) -> Result<(), Error> {
    write_atomic_with(path, contents, mode, Durability::Synced)
}

/// [`write_atomic`] with the durability chosen.
///
/// # Errors
/// [`Error::Write`] naming the path; the original file, if any, is left untouched.
pub fn write_atomic_with(
    path: &Path,
    contents: &[u8],
    mode: Option<u32>,
    durability: Durability,
) -> Result<(), Error> {
    let wrap = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir).map_err(wrap)?;
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    remove_stale_temps(dir);
    let tmp = dir.join(format!(".{name}.upwire-{}.tmp", std::process::id()));
    let result = (|| {
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(mode.unwrap_or(0o644));
        }
        #[cfg(not(unix))]
        let _ = mode;
        let mut file = options.open(&tmp)?;
        #[cfg(debug_assertions)]
        fault::during_write(path, &mut file, contents)?;
        file.write_all(contents)?;
        if durability == Durability::Synced {
            file.sync_all()?;
        }
        #[cfg(debug_assertions)]
        fault::before_rename(path);
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(wrap)
}

/// Removes the temp files (`.<name>.upwire-<pid>.tmp`) that an earlier run left in `dir` when
/// it was killed between creating one and renaming it, once per directory and process. They
/// hold new contents, secrets included, under names no `.gitignore` rule for `.env` covers;
/// and a run that gets the same process id (pid 1 in a container) could not create its own. A
/// concurrent run writing into the same directory loses its temp file and fails cleanly; no
/// file is ever left half-written.
fn remove_stale_temps(dir: &Path) {
    static CLEANED: std::sync::LazyLock<
        std::sync::Mutex<std::collections::HashSet<std::path::PathBuf>>,
    > = std::sync::LazyLock::new(Default::default);
    let mut cleaned = CLEANED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if !cleaned.insert(dir.to_path_buf()) {
        return;
    }
    drop(cleaned);
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .filter(|n| n.starts_with('.'))
            .and_then(|n| n.strip_suffix(".tmp"))
            .and_then(|n| n.rsplit_once(".upwire-"))
            .map(|(_, pid)| pid)
        else {
            continue;
        };
        if !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Fault injection for the file-safety tests (tests/integration/file_safety.rs), in debug
/// builds only: release builds (`cargo install`, `--release`) do not contain it and never
/// read the variable. `UPWIRE_TEST_FAULT=<fault>:<file name>`, where `<fault>` is
/// - `enospc`: write half of the contents, then fail as a full disk does;
/// - `abort`: write half of the contents, then abort the process (a kill mid-write);
/// - `abort-before-rename`: write everything, then abort before the rename.
#[cfg(debug_assertions)]
mod fault {
    use std::io::Write;
    use std::path::Path;

    fn wanted(path: &Path, fault: &str) -> bool {
        let Ok(spec) = std::env::var("UPWIRE_TEST_FAULT") else {
            return false;
        };
        spec.split_once(':').is_some_and(|(f, name)| {
            f == fault && path.file_name().is_some_and(|n| n.to_str() == Some(name))
        })
    }

    pub(super) fn during_write(
        path: &Path,
        file: &mut std::fs::File,
        contents: &[u8],
    ) -> std::io::Result<()> {
        for fault in ["enospc", "abort"] {
            if wanted(path, fault) {
                file.write_all(&contents[..contents.len() / 2])?;
                file.sync_all()?;
                if fault == "abort" {
                    std::process::abort();
                }
                // ENOSPC, as a full disk reports it.
                #[cfg(unix)]
                return Err(std::io::Error::from_raw_os_error(28));
                #[cfg(not(unix))]
                return Err(std::io::Error::from(std::io::ErrorKind::StorageFull));
            }
        }
        Ok(())
    }

    pub(super) fn before_rename(path: &Path) {
        if wanted(path, "abort-before-rename") {
            std::process::abort();
        }
    }
}

/// What `apply` did, or would do, to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The file did not exist.
    Create,
    /// The file existed with other contents.
    Update,
    /// The file already had these contents; not touched.
    Unchanged,
    /// User code that exists and is kept (no `--force`).
    Kept,
}

/// One file's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Path as written (base joined with the artifact path).
    pub path: std::path::PathBuf,
    /// What happened (or would happen with `dry_run`).
    pub action: Action,
    /// Whether the file holds secrets.
    pub secret: bool,
    /// The previous contents (`None` when absent).
    pub old: Option<String>,
    /// The contents written (or to be written).
    pub new: String,
}

/// Options for [`apply`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ApplyOptions {
    /// Replace user code (`src/redis_client.rs`) too.
    pub force: bool,
    /// Compute the changes, write nothing.
    pub dry_run: bool,
}

/// Writes `artifacts` below `base`: atomically, secrets with mode 0600, env files merged,
/// user code kept unless forced, unchanged files not touched.
///
/// # Errors
/// The first file that cannot be read or written; files before it are complete, none is
/// half-written.
pub fn apply(
    base: &Path,
    artifacts: &[crate::generate::Artifact],
    options: ApplyOptions,
) -> Result<Vec<Change>, Error> {
    use crate::generate::Policy;
    let mut changes = Vec::with_capacity(artifacts.len());
    for a in artifacts {
        let path = base.join(&a.path);
        let old = match fs::read(&path) {
            Ok(bytes) => Some(String::from_utf8(bytes).map_err(|_| Error::NotUtf8 {
                path: path.clone(),
                offset: 0,
            })?),
            // A parent that is a regular file means there is no file yet either; writing
            // then reports the real problem.
            Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => None,
            Err(e) => return Err(Error::Read { path, source: e }),
        };
        let new = match (&a.policy, &old) {
            (Policy::MergeEnv(vars), Some(existing)) if !existing.is_empty() => {
                if let Some(at) = crate::envfile::unclosed_quote(existing) {
                    let line = existing[..at].matches('\n').count() + 1;
                    return Err(Error::EnvFile {
                        path,
                        reason: format!(
                            "line {line} opens a quote that is never closed; close it or remove the line and run generate again (the file was not changed)"
                        ),
                    });
                }
                crate::envfile::merge(existing, vars)
            }
            // The last line of defence for files meant to be committed: no remembered secret.
            _ if !a.secret => crate::secret::scrub(&a.contents).into_owned(),
            _ => a.contents.clone(),
        };
        let action = match (&old, &a.policy) {
            (Some(_), Policy::CreateOnly) if !options.force => Action::Kept,
            (Some(o), _) if *o == new => Action::Unchanged,
            (Some(_), _) => Action::Update,
            (None, _) => Action::Create,
        };
        if !options.dry_run && matches!(action, Action::Create | Action::Update) {
            // A merged .env keeps lines only the user has: those must survive a crash.
            let durability = match (&a.policy, &old) {
                (Policy::MergeEnv(_), Some(_)) => Durability::Synced,
                _ => Durability::Regenerable,
            };
            write_atomic_with(
                &path,
                new.as_bytes(),
                Some(if a.secret { 0o600 } else { 0o644 }),
                durability,
            )?;
        }
        // An unchanged secret file is not rewritten, but it still gets the mode that files
        // holding secrets have: a `.env` the user created with 0644 would stay readable by all.
        #[cfg(unix)]
        if a.secret && !options.dry_run && action == Action::Unchanged {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).map(|m| m.permissions().mode());
            if mode.is_ok_and(|m| m & 0o077 != 0) {
                fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).map_err(
                    |source| Error::Write {
                        path: path.clone(),
                        source,
                    },
                )?;
            }
        }
        changes.push(Change {
            path,
            action,
            secret: a.secret,
            old,
            new,
        });
    }
    Ok(changes)
}

/// Whether git ignores `path`: `None` when `path` is not in a git work tree or git is absent.
#[must_use]
pub fn git_ignored(path: &Path) -> Option<bool> {
    git_ignored_all(&[path]).pop().flatten()
}

/// [`git_ignored`] for many paths with one `git check-ignore --stdin` (one process per path
/// would cost more than generating a thousand targets). Same order as `paths`.
#[must_use]
pub fn git_ignored_all(paths: &[&Path]) -> Vec<Option<bool>> {
    let unknown = vec![None; paths.len()];
    let Some(first) = paths.first() else {
        return Vec::new();
    };
    let Ok(absolute) = paths
        .iter()
        .map(std::path::absolute)
        .collect::<Result<Vec<_>, _>>()
    else {
        return unknown;
    };
    let dir = first
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let inside = Command::new("git")
        .args(["rev-parse", "--is-inside-work-tree"])
        .current_dir(dir)
        .stderr(Stdio::null())
        .output();
    if !inside.is_ok_and(|o| o.status.success()) {
        return unknown;
    }
    // --verbose --non-matching: one record per path, in order; -z: four NUL-ended fields
    // (source, line, pattern, path), the pattern empty when nothing matched.
    let child = Command::new("git")
        .args([
            "check-ignore",
            "--stdin",
            "-z",
            "--verbose",
            "--non-matching",
        ])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return unknown;
    };
    if let Some(mut stdin) = child.stdin.take() {
        let mut input = Vec::new();
        for p in &absolute {
            input.extend_from_slice(p.as_os_str().as_encoded_bytes());
            input.push(0);
        }
        // A path outside the repository makes git stop early; the status below says so.
        let _ = stdin.write_all(&input);
    }
    let Ok(output) = child.wait_with_output() else {
        return unknown;
    };
    // 0: some path is ignored, 1: none is; anything else (a path outside the work tree):
    // ask path by path from each file's own directory.
    if !matches!(output.status.code(), Some(0 | 1)) {
        return paths.iter().map(|p| git_ignored_one(p)).collect();
    }
    let fields: Vec<&[u8]> = output.stdout.split(|b| *b == 0).collect();
    let ignored: Vec<Option<bool>> = fields
        .chunks_exact(4)
        .map(|record| Some(!record[2].is_empty() && !record[2].starts_with(b"!")))
        .collect();
    if ignored.len() == paths.len() {
        ignored
    } else {
        unknown
    }
}

/// One path, checked from its own directory (for paths in different repositories).
fn git_ignored_one(path: &Path) -> Option<bool> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let status = Command::new("git")
        .arg("check-ignore")
        .arg("-q")
        .arg(path.file_name()?)
        .current_dir(dir)
        .stderr(Stdio::null())
        .status()
        .ok()?;
    match status.code() {
        Some(0) => Some(true),
        Some(1) => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_atomically_with_the_given_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/.env");
        write_atomic(&path, b"A=1\n", Some(0o600)).unwrap();
        write_atomic(&path, b"A=2\n", Some(0o600)).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "A=2\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let leftovers: Vec<_> = fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }

    #[test]
    fn a_failed_write_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        fs::write(&path, "good").unwrap();
        let blocker = dir.path().join("f/child");
        assert!(write_atomic(&blocker, b"x", None).is_err());
        assert_eq!(fs::read_to_string(&path).unwrap(), "good");
    }
}
