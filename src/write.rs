//! The one place that writes files: atomically (temp file in the same directory, then
//! rename), so a reader never sees a half-written file and a good file is never truncated.
//! Files holding user data are also fsynced before the rename, to survive a power loss.

use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use crate::error::Error;

/// Whether a write waits for the disk before it replaces the old file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Durability {
    /// fsync the new contents before the rename: for files that hold user data (an `.env`
    /// with lines upwire does not manage), which a power loss must not empty.
    Synced,
    /// No fsync: for files upwire can write again at any time. Still atomic; one fsync per
    /// file would make `generate` for a thousand targets take seconds instead of milliseconds.
    Regenerable,
}

/// Writes `contents` to `path` atomically and durably ([`Durability::Synced`]), creating
/// parent directories. `mode` sets the Unix permissions of the new file (e.g. `0o600` for
/// files holding secrets). When `path` is a symlink, the file it leads to is written and
/// the link kept ([`resolve_links`]).
///
/// # Errors
/// [`Error::Write`] naming the path; the original file, if any, is left untouched.
pub(crate) fn write_atomic(path: &Path, contents: &[u8], mode: Option<u32>) -> Result<(), Error> {
    write_atomic_with(path, contents, mode, Durability::Synced, None)
}

/// [`write_atomic`] with the durability chosen, and the project the file must stay in
/// ([`confine`]: checked again once its directory exists, right before the write).
///
/// # Errors
/// [`Error::Write`] naming the path; the original file, if any, is left untouched.
pub(crate) fn write_atomic_with(
    path: &Path,
    contents: &[u8],
    mode: Option<u32>,
    durability: Durability,
    project: Option<&Path>,
) -> Result<(), Error> {
    let (target, _) = resolve_links(path)?;
    confine(project, path, &target)?;
    let path = target.as_path();
    let wrap = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir).map_err(wrap)?;
    // The directory exists now: where the file system leads is what it will be written to.
    confine(project, path, &target)?;
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    remove_stale_temps(dir);
    // Unique per process and write: two runs (or two writes of one run) never share one.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.upwire-{}-{n}.tmp", std::process::id()));
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
        // The mode asked for exactly, whatever the umask (`fix` keeps a file's own mode).
        #[cfg(unix)]
        if let Some(mode) = mode {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(fs::Permissions::from_mode(mode))?;
        }
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

/// Removes the temp files (`.<name>.upwire-<pid>-<n>.tmp`, and the older
/// `.<name>.upwire-<pid>.tmp`) that an earlier run left in `dir` when it was killed between
/// creating one and renaming it, once per directory and process. They hold new contents,
/// secrets included, under names no `.gitignore` rule for `.env` covers. Only those of a
/// process that no longer runs are removed (or of this process's id, which an earlier run in
/// another container had: this run has none there yet): a run writing at the same time keeps
/// its own.
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
        let pid = pid.split_once('-').map_or(pid, |(pid, n)| {
            if n.bytes().all(|b| b.is_ascii_digit()) {
                pid
            } else {
                ""
            }
        });
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid == std::process::id() || !process_runs(pid) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Whether a process with this id runs (signal 0 checks without sending; `EPERM` means it
/// runs as another user). Elsewhere than on Unix: assumed to run, so its files stay.
fn process_runs(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: kill with signal 0 only checks that the process exists.
        let sent = unsafe { libc::kill(pid, 0) };
        sent == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Refuses a write to `path` (whose symlinks lead to `target`) that the file system would put
/// outside `project` or into a `.git` directory: the physical place is the deepest existing
/// directory with every link resolved, plus the names still to create. A `.git` in any
/// spelling a file system takes for it counts ([`crate::project_path::is_git_name`]); below
/// `project` when there is one, anywhere on the path otherwise (`fix` and `init` write the
/// files the user named, wherever they are, but never into a repository's internals).
///
/// # Errors
/// [`Error::Write`] naming `path` and where it leads; nothing is written.
pub(crate) fn confine(project: Option<&Path>, path: &Path, target: &Path) -> Result<(), Error> {
    let refuse = |why: String| Error::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(format!("{why}; nothing was written")),
    };
    let real = physical(target).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })?;
    let below = match project {
        Some(project) => {
            let root = fs::canonicalize(project).map_err(|source| Error::Read {
                path: project.to_path_buf(),
                source,
            })?;
            match real.strip_prefix(&root) {
                Ok(below) => below.to_path_buf(),
                Err(_) => {
                    return Err(refuse(format!(
                        "the file system leads it outside the project, to `{}` (a symlink on the way): remove the link or point it inside the project",
                        real.display()
                    )));
                }
            }
        }
        None => real.clone(),
    };
    if below
        .components()
        .any(|c| crate::project_path::is_git_name(&c.as_os_str().to_string_lossy()))
    {
        return Err(refuse(format!(
            "the file system leads it into a `.git` directory, to `{}` (a symlink on the way): upwire never writes there",
            real.display()
        )));
    }
    Ok(())
}

/// Where the file system puts `path`: its deepest existing ancestor with every symlink
/// resolved, and the names below it that do not exist yet.
///
/// # Errors
/// A link on the way that leads nowhere (creating the directory would follow it), or the
/// error of resolving one.
fn physical(path: &Path) -> std::io::Result<PathBuf> {
    let mut missing = Vec::new();
    let mut current = path.to_path_buf();
    loop {
        match fs::canonicalize(&current) {
            Ok(mut real) => {
                real.extend(missing.iter().rev());
                return Ok(real);
            }
            Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
                if fs::symlink_metadata(&current).is_ok_and(|m| m.file_type().is_symlink()) {
                    return Err(std::io::Error::other(format!(
                        "`{}` is a symlink that leads nowhere: create what it points to or remove it",
                        current.display()
                    )));
                }
                let (Some(name), Some(parent)) = (current.file_name(), current.parent()) else {
                    return Err(e);
                };
                missing.push(name.to_os_string());
                current = if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_path_buf()
                };
            }
            Err(e) => return Err(e),
        }
    }
}

/// Fault injection for the file-safety tests (tests/integration/write.rs), in debug
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

/// `generate`'s hold on a project: an advisory lock (`flock`) on its descriptor, released
/// when dropped (or when the process ends, however it ends).
#[derive(Debug)]
pub(crate) struct ProjectLock {
    _file: Option<fs::File>,
}

/// How long a `generate` waits for another one in the same project before it gives up.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Takes [`ProjectLock`] on `descriptor`, waiting up to 30 s for a run that holds it: two
/// `generate` runs in one project write one after the other, each merging into what the
/// other wrote. No lock where there is no descriptor file (stdin) or no `flock` (not Unix).
///
/// # Errors
/// [`Error::Usage`] when another run still holds it after 30 s; nothing was written.
pub(crate) fn lock_project(descriptor: &Path) -> Result<ProjectLock, Error> {
    let Ok(file) = fs::File::open(descriptor) else {
        return Ok(ProjectLock { _file: None });
    };
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let started = std::time::Instant::now();
        loop {
            // SAFETY: flock on a descriptor this function owns; no memory is involved.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
                break;
            }
            let e = std::io::Error::last_os_error();
            if e.raw_os_error() != Some(libc::EWOULDBLOCK) || started.elapsed() >= LOCK_WAIT {
                // A file system without locks (some network mounts) does not stop the run.
                if e.raw_os_error() != Some(libc::EWOULDBLOCK) {
                    return Ok(ProjectLock { _file: None });
                }
                return Err(Error::Usage(format!(
                    "another upwire generate is running in this project (it holds `{}`) and did not finish within {} s; run generate again when it has (nothing was written)",
                    descriptor.display(),
                    LOCK_WAIT.as_secs()
                )));
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
    Ok(ProjectLock { _file: Some(file) })
}

/// What `apply` did, or would do, to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
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
pub(crate) struct Change {
    /// Path as written (base joined with the artifact path).
    pub path: PathBuf,
    /// Where the contents go: `path`, or the file its symlinks lead to.
    pub target: PathBuf,
    /// The links from `path` to `target` as they are written (`../common/.env`), when
    /// `path` is a symlink.
    pub links: Vec<PathBuf>,
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
pub(crate) struct ApplyOptions {
    /// Replace user code (`src/redis_client.rs`, `lib/redis.ts`) too.
    pub force: bool,
    /// Compute the changes, write nothing.
    pub dry_run: bool,
}

/// How many links [`resolve_links`] follows, as Linux's `MAXSYMLINKS`.
const MAX_LINKS: usize = 40;

/// Follows `path` through every level of symlink to the file it stands for: `path` itself
/// when it is not a link (or does not exist), and the links as written.
///
/// # Errors
/// [`Error::Write`] for a link that points nowhere, at a directory or at something other
/// than a file, or that loops: there is nothing to write to.
pub(crate) fn resolve_links(path: &Path) -> Result<(PathBuf, Vec<PathBuf>), Error> {
    let refuse = |links: &[PathBuf], why: &str| {
        let chain: Vec<String> = links.iter().map(|l| l.display().to_string()).collect();
        Error::Write {
            path: path.to_path_buf(),
            source: std::io::Error::other(format!(
                "it is a symlink to `{}`, {why}; nothing was written",
                chain.join("` -> `")
            )),
        }
    };
    let mut current = path.to_path_buf();
    let mut links = Vec::new();
    let mut visited = std::collections::HashSet::new();
    loop {
        let meta = match fs::symlink_metadata(&current) {
            Ok(meta) => meta,
            Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
                if links.is_empty() {
                    return Ok((current, links));
                }
                return Err(refuse(
                    &links,
                    "which does not exist (a dangling link): create the file it points to or remove the link",
                ));
            }
            Err(e) => {
                return Err(Error::Read {
                    path: current,
                    source: e,
                });
            }
        };
        let kind = meta.file_type();
        if !kind.is_symlink() {
            if links.is_empty() || kind.is_file() {
                return Ok((current, links));
            }
            let what = if kind.is_dir() {
                "a directory: point it at a file"
            } else {
                "which is not a regular file: point it at a file"
            };
            return Err(refuse(&links, what));
        }
        if !visited.insert(current.clone()) || links.len() == MAX_LINKS {
            links.truncate(MAX_LINKS.min(8));
            return Err(refuse(&links, "and the links form a loop: break it"));
        }
        let link = fs::read_link(&current).map_err(|source| Error::Read {
            path: current.clone(),
            source,
        })?;
        // A relative link is relative to the directory holding it.
        current = match current.parent() {
            Some(dir) if link.is_relative() => dir.join(&link),
            _ => link.clone(),
        };
        links.push(link);
    }
}

/// Whether the existing file at `path` (the file a symlink leads to) may be replaced by
/// `fix`: its mode, to keep. A read-only file is refused, although a rename over it would
/// succeed: that its owner made it read-only is a decision `fix` must not undo.
///
/// # Errors
/// [`Error::Write`] for a read-only file or one that cannot be resolved; nothing is written.
pub(crate) fn rewritable(path: &Path) -> Result<Option<u32>, Error> {
    let (target, _) = resolve_links(path)?;
    let meta = fs::metadata(&target).map_err(|source| Error::Read {
        path: target.clone(),
        source,
    })?;
    if meta.permissions().readonly() {
        return Err(Error::Write {
            path: path.to_path_buf(),
            source: std::io::Error::other(
                "it is read-only; make it writable (`chmod u+w`) to let upwire fix it; nothing was written",
            ),
        });
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Ok(Some(meta.permissions().mode() & 0o777))
    }
    #[cfg(not(unix))]
    Ok(None)
}

/// Writes `artifacts` below `base`: atomically, secrets with mode 0600, env files merged,
/// user code kept unless forced, unchanged files not touched. A file that is a symlink stays
/// one: the file it leads to is written (its temp file next to it, renamed over it).
///
/// Every file is resolved, read and merged before the first is written, so a file that
/// cannot be (a dangling link, a link to a directory, an unreadable file, an env file that
/// cannot be merged) stops the run with nothing written.
///
/// # Errors
/// The first file that cannot be resolved, read or merged (nothing written), or written
/// (files before it are complete, none is half-written).
pub(crate) fn apply(
    base: &Path,
    artifacts: &[crate::generate::Artifact],
    options: ApplyOptions,
) -> Result<Vec<Change>, Error> {
    use crate::generate::WritePolicy;
    let mut changes: Vec<Change> = Vec::with_capacity(artifacts.len());
    // Contents each target will have after this run: two links to one shared file (two
    // targets' `.env`) merge one after the other rather than the second undoing the first.
    let mut planned: std::collections::HashMap<PathBuf, usize> = std::collections::HashMap::new();
    let mut synced = Vec::with_capacity(artifacts.len());
    let project = if base.as_os_str().is_empty() {
        Path::new(".")
    } else {
        base
    };
    for a in artifacts {
        let path = base.join(&a.path);
        let (target, links) = resolve_links(&path)?;
        confine(Some(project), &path, &target)?;
        let key = fs::canonicalize(&target).unwrap_or_else(|_| target.clone());
        let old = match planned.get(&key) {
            Some(&earlier) => Some(changes[earlier].new.clone()),
            None => read_existing(&target)?,
        };
        let new = match (&a.policy, &old) {
            (WritePolicy::MergeEnv(vars), Some(existing)) if !existing.is_empty() => {
                if let Some((line, why)) = crate::envfile::merge_blocker(existing, vars) {
                    return Err(Error::EnvFile {
                        path,
                        reason: format!(
                            "line {line} {why}, then run generate again (the file was not changed)"
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
            (Some(_), WritePolicy::CreateOnly) if !options.force => Action::Kept,
            (Some(o), _) if *o == new => Action::Unchanged,
            (Some(_), _) => Action::Update,
            (None, _) => Action::Create,
        };
        if matches!(action, Action::Create | Action::Update) {
            planned.insert(key, changes.len());
        }
        // A merged .env keeps lines only the user has: those must survive a crash.
        synced.push(matches!(
            (&a.policy, &old),
            (WritePolicy::MergeEnv(_), Some(_))
        ));
        changes.push(Change {
            path,
            target,
            links,
            action,
            secret: a.secret,
            old,
            new,
        });
    }
    if options.dry_run {
        return Ok(changes);
    }
    for (c, synced) in changes.iter().zip(synced) {
        if matches!(c.action, Action::Create | Action::Update) {
            let durability = if synced {
                Durability::Synced
            } else {
                Durability::Regenerable
            };
            write_atomic_with(
                &c.target,
                c.new.as_bytes(),
                Some(if c.secret { 0o600 } else { 0o644 }),
                durability,
                Some(project),
            )?;
        }
        // An unchanged secret file is not rewritten, but it still gets the mode that files
        // holding secrets have: a `.env` the user created with 0644 would stay readable by all.
        #[cfg(unix)]
        if c.secret && c.action == Action::Unchanged {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&c.target).map(|m| m.permissions().mode());
            if mode.is_ok_and(|m| m & 0o077 != 0) {
                fs::set_permissions(&c.target, fs::Permissions::from_mode(0o600)).map_err(
                    |source| Error::Write {
                        path: c.path.clone(),
                        source,
                    },
                )?;
            }
        }
    }
    Ok(changes)
}

/// The contents of `path`, `None` when there is no file.
fn read_existing(path: &Path) -> Result<Option<String>, Error> {
    match fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| Error::NotUtf8 {
                path: path.to_path_buf(),
                offset: 0,
            }),
        // A parent that is a regular file means there is no file yet either; writing
        // then reports the real problem.
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => Ok(None),
        Err(e) => Err(Error::Read {
            path: path.to_path_buf(),
            source: e,
        }),
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

    #[cfg(unix)]
    #[test]
    fn links_resolve_through_every_level_and_loops_are_refused() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join("real"), "x").unwrap();
        symlink("real", d.join("one")).unwrap();
        symlink(d.join("one"), d.join("two")).unwrap();
        let (target, links) = resolve_links(&d.join("two")).unwrap();
        assert_eq!(target, d.join("real"));
        assert_eq!(links, [d.join("one"), PathBuf::from("real")]);
        assert_eq!(
            resolve_links(&d.join("real")).unwrap(),
            (d.join("real"), vec![])
        );
        assert_eq!(
            resolve_links(&d.join("absent")).unwrap(),
            (d.join("absent"), vec![])
        );
        symlink("b", d.join("a")).unwrap();
        symlink("a", d.join("b")).unwrap();
        let err = resolve_links(&d.join("a")).unwrap_err().to_string();
        assert!(
            err.ends_with("it is a symlink to `b` -> `a`, and the links form a loop: break it; nothing was written"),
            "{err}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn writing_through_a_link_keeps_the_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("shared/REDIS.md");
        fs::create_dir_all(real.parent().unwrap()).unwrap();
        fs::write(&real, "old").unwrap();
        let link = dir.path().join("REDIS.md");
        std::os::unix::fs::symlink("shared/REDIS.md", &link).unwrap();
        write_atomic(&link, b"new", None).unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        std::os::unix::fs::symlink("nowhere", dir.path().join("dangling")).unwrap();
        assert!(write_atomic(&dir.path().join("dangling"), b"x", None).is_err());
        assert!(!dir.path().join("nowhere").exists());
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
