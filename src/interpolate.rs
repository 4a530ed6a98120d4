//! `${NAME}` resolution: the process environment first, then each `--env-file` in order, then
//! the env files read by convention. Those belong to a folder (a target's `dir`): a database's
//! `${NAME}` is looked up only in the folders of the targets that use it ([`Scope`]).

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::diagnostic::SourceFile;
use crate::error::Error;

mod expansion;

/// How messages name the process environment as where a value came from.
pub(crate) const PROCESS_ENVIRONMENT: &str = "the process environment";

/// Where variables come from.
#[derive(Clone, Default)]
pub struct Env {
    process: HashMap<String, String>,
    files: Vec<EnvFile>,
    /// The files read for each target folder, by index into `files`: a database's lookup
    /// visits its own folders' files, not every app's of a monorepo.
    by_folder: HashMap<String, Vec<usize>>,
    /// The files read for every database (named, the descriptor's `.env`), by index.
    shared: Vec<usize>,
}

/// An env file's variables, first of each name.
#[derive(Clone)]
struct EnvFile {
    path: PathBuf,
    vars: HashMap<String, String>,
    origin: Origin,
}

/// Why an env file is read, which decides for which databases.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Origin {
    /// Named on the command line (`--env-file`): for every database, after the environment.
    Named,
    /// Read by convention for the targets in this folder (a `dir` with a `/` after it, empty
    /// for the descriptor's folder: `.env.local` of a Next.js app there): only for the
    /// databases of those targets.
    Folder(String),
    /// The `.env` beside the descriptor: for every database, after its own targets' folders
    /// (as one of them for a database with a target in the descriptor's folder).
    Descriptor,
}

/// The folders whose env files a database reads: those of the targets that use it (each
/// `dir` with a `/` after it, empty for the descriptor's folder). The `.env` beside the
/// descriptor is read in any case, after them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scope<'a> {
    pub folders: &'a [String],
}

/// A variable whose value differs between two places upwire reads it from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Conflict {
    pub name: String,
    /// Where the reference is in the value.
    pub range: Range<usize>,
    /// Where the value taken came from: a file's path, or "the process environment".
    pub taken: String,
    /// An env file read for it that holds another value.
    pub other: PathBuf,
    pub kind: ConflictKind,
}

/// What a [`Conflict`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConflictKind {
    /// Two folders of one database's targets (`env-conflict`).
    Folders,
    /// The environment or a named file over an env file read by convention, which
    /// `generate` would write the value into (`env-overridden`).
    Override,
}

/// Names only: the values are the secrets `${NAME}` brings in.
impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Env")
            .field("process", &self.process.len())
            .field(
                "files",
                &self.files.iter().map(|f| &f.path).collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// The process environment's variables whose name and value are UTF-8. `std::env::vars`
/// panics on any other, and its message quotes the value, which may be a secret: a variable
/// that is not UTF-8 is no URL or token upwire could use, so it is passed over (a
/// `${NAME}` naming it is reported as not set).
pub(crate) fn process_vars() -> impl Iterator<Item = (String, String)> {
    std::env::vars_os()
        .filter_map(|(name, value)| Some((name.into_string().ok()?, value.into_string().ok()?)))
}

impl Env {
    /// Variables from the process environment only.
    #[must_use]
    pub fn from_process() -> Self {
        Self {
            process: process_vars().collect(),
            ..Self::default()
        }
    }

    /// A fixed set of variables, for tests and embedding.
    #[must_use]
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self {
            process: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            ..Self::default()
        }
    }

    /// Adds an env file, consulted after the environment and earlier files.
    ///
    /// # Errors
    /// When the file cannot be read or parsed; the error names the path and line, never a value.
    pub fn add_file(&mut self, path: &Path) -> Result<(), Error> {
        self.add(path, Origin::Named)
    }

    /// Adds an env file read by convention for the targets in `folder` (a `dir` with a `/`
    /// after it, empty for the descriptor's folder): a database reads it only when one of
    /// its targets is in that folder. `None` for the `.env` beside the descriptor, which
    /// every database reads after its own folders'.
    ///
    /// # Errors
    /// As [`Env::add_file`].
    pub(crate) fn add_folder_file(
        &mut self,
        path: &Path,
        folder: Option<&str>,
    ) -> Result<(), Error> {
        self.add(
            path,
            folder.map_or(Origin::Descriptor, |f| Origin::Folder(f.to_owned())),
        )
    }

    fn add(&mut self, path: &Path, origin: Origin) -> Result<(), Error> {
        // The limits every input has: no binary, non-UTF-8 or oversized file.
        let source = crate::input::load_source(path)?;
        // dotenvy expands `${NAME}` without a bound: the file may not grow past the input
        // bound through it.
        let limit = crate::input::MAX_INPUT_BYTES;
        if let Some((name, line)) = expansion::first_over(&source.text, limit) {
            return Err(Error::EnvFile {
                path: path.to_path_buf(),
                reason: format!(
                    "`{name}` (line {line}) expands to more than {limit} bytes (8 MiB, the most upwire reads from one input) through `${{...}}` references to other variables; make the values refer to each other less, or write them out"
                ),
            });
        }
        let mut vars = HashMap::new();
        for item in dotenvy::from_read_iter(source.text.as_bytes()) {
            let (k, v) = item.map_err(|e| env_file_error(path, &source, &e))?;
            vars.entry(k).or_insert(v);
        }
        let index = self.files.len();
        match &origin {
            Origin::Folder(folder) => self
                .by_folder
                .entry(folder.clone())
                .or_default()
                .push(index),
            Origin::Named | Origin::Descriptor => self.shared.push(index),
        }
        self.files.push(EnvFile {
            path: path.to_path_buf(),
            vars,
            origin,
        });
        Ok(())
    }

    /// Where `name`'s value comes from, as [`Env::get`] finds it: "the process environment"
    /// or the env file's path.
    #[must_use]
    pub(crate) fn origin(&self, name: &str) -> Option<String> {
        if self.process.contains_key(name) {
            return Some(PROCESS_ENVIRONMENT.to_owned());
        }
        self.file_setting(name).map(|p| p.display().to_string())
    }

    /// The value of `name` in the env files read for target folder `folder` (a `dir` with a
    /// `/` after it, empty for the descriptor's folder): its first file that sets it, as the
    /// folder's framework reads it, with that file.
    #[must_use]
    pub(crate) fn in_folder(&self, folder: &str, name: &str) -> Option<(&str, &Path)> {
        self.by_folder
            .get(folder)
            .into_iter()
            .flatten()
            .find_map(|&i| {
                let f = &self.files[i];
                f.vars.get(name).map(|v| (v.as_str(), f.path.as_path()))
            })
    }

    /// Whether `name` is given explicitly: in the process environment or an `--env-file`.
    #[must_use]
    pub(crate) fn given(&self, name: &str) -> bool {
        self.process.contains_key(name)
            || self.shared.iter().any(|&i| {
                self.files[i].origin == Origin::Named && self.files[i].vars.contains_key(name)
            })
    }

    /// Every variable name known, for did-you-mean suggestions.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.process
            .keys()
            .chain(self.files.iter().flat_map(|f| f.vars.keys()))
            .map(String::as_str)
    }

    /// Looks a variable up.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.process
            .get(name)
            .or_else(|| self.files.iter().find_map(|f| f.vars.get(name)))
            .map(String::as_str)
    }

    /// Whether any file was read for a target folder: only then can a [`Scope`] read less
    /// than everything.
    #[must_use]
    pub(crate) fn has_folder_files(&self) -> bool {
        !self.by_folder.is_empty()
    }

    /// The file that sets `name`, in any scope (for a message about one that does not read
    /// it).
    #[must_use]
    pub(crate) fn file_setting(&self, name: &str) -> Option<&Path> {
        self.files
            .iter()
            .find(|f| f.vars.contains_key(name))
            .map(|f| f.path.as_path())
    }

    /// Looks `name` up in the files `scope` reads (all without one), first found wins: the
    /// environment, the named files, the files of its own targets' folders, then the `.env`
    /// beside the descriptor (a file of another target's folder is not read, even where that
    /// target put its files first). With the value, what disagrees with it:
    /// - taken from one of its folders, the file of another of its folders whose own value
    ///   differs: each folder's value is its first file's, as its framework reads it (a
    ///   `.env` under a `.env.local` does not count);
    /// - taken from the environment or a named file (as given), the first env file read by
    ///   convention in the scope that holds another value: `generate` writes there.
    fn get_in<'s>(&self, name: &str, scope: Option<Scope<'s>>) -> (Option<&str>, Option<Conflict>) {
        // The files the scope reads, each with its rank (named 0, its own folders' 1, the
        // descriptor's `.env` 2 unless a target of the scope is in the descriptor's folder)
        // and the own folder it belongs to: the shared files and its own folders' alone.
        let mut found: Vec<(u8, usize, Option<&'s str>, &String)> = Vec::new();
        let mut add = |i: usize, rank: u8, own: Option<&'s str>| {
            if let Some(v) = self.files[i].vars.get(name) {
                found.push((rank, i, own, v));
            }
        };
        match scope {
            None => {
                for (i, f) in self.files.iter().enumerate() {
                    add(i, u8::from(f.origin != Origin::Named), None);
                }
            }
            Some(scope) => {
                let root = scope.folders.iter().any(String::is_empty);
                for &i in &self.shared {
                    match self.files[i].origin {
                        Origin::Descriptor if root => add(i, 1, Some("")),
                        Origin::Descriptor => add(i, 2, None),
                        _ => add(i, 0, None),
                    }
                }
                for folder in scope.folders {
                    for &i in self.by_folder.get(folder).into_iter().flatten() {
                        add(i, 1, Some(folder.as_str()));
                    }
                }
            }
        }
        // The files' own order within a rank.
        found.sort_by_key(|&(rank, i, _, _)| (rank, i));
        let clash = |taken: String, other: &Path, kind| Conflict {
            name: name.to_owned(),
            range: 0..0,
            taken,
            other: other.to_path_buf(),
            kind,
        };
        let differ = |a: &str, b: &str| !crate::parse::same_value(a, b);
        // The environment or a named file, over a file read by convention.
        let given = match self.process.get(name) {
            Some(v) => Some((v, PROCESS_ENVIRONMENT.to_owned())),
            None => found
                .first()
                .filter(|&&(_, i, _, _)| self.files[i].origin == Origin::Named)
                .map(|&(_, i, _, v)| (v, self.files[i].path.display().to_string())),
        };
        if let Some((value, taken)) = given {
            let over = found
                .iter()
                .find(|&&(_, i, _, v)| self.files[i].origin != Origin::Named && differ(v, value))
                .map(|&(_, i, _, _)| clash(taken, &self.files[i].path, ConflictKind::Override));
            return (Some(value), over);
        }
        let Some(&(_, first, first_folder, value)) = found.first() else {
            return (None, None);
        };
        let Some(first_folder) = first_folder else {
            return (Some(value), None);
        };
        // Each own folder's value: its first file's.
        let mut seen = std::collections::HashSet::from([first_folder]);
        let conflict = found.iter().find_map(|&(_, i, folder, v)| {
            if !seen.insert(folder?) {
                return None;
            }
            differ(v, value).then(|| {
                clash(
                    self.files[first].path.display().to_string(),
                    &self.files[i].path,
                    ConflictKind::Folders,
                )
            })
        });
        (Some(value), conflict)
    }
}

fn env_file_error(path: &Path, source: &SourceFile, e: &dotenvy::Error) -> Error {
    let reason = match e {
        // dotenvy names the line by its text, which may hold a secret: give its position.
        dotenvy::Error::LineParse(line, index) => match source.text.find(line.as_str()) {
            Some(at) => {
                let (line, column) = source.line_col(at + index);
                format!(
                    "cannot parse line {line} at column {column}; `upwire lint {}` says what is wrong with it, `upwire fix {}` fixes what it can",
                    path.display(),
                    path.display()
                )
            }
            None => format!("cannot parse the env file near byte {index}"),
        },
        dotenvy::Error::Io(io) => io.to_string(),
        dotenvy::Error::EnvVar(_) => "invalid variable".to_owned(),
        _ => "cannot read the env file".to_owned(),
    };
    Error::EnvFile {
        path: path.to_path_buf(),
        reason,
    }
}

/// A `${...}` reference inside a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reference {
    /// `${NAME}` spanning `range` of the value.
    Var { name: String, range: Range<usize> },
    /// `${` with no closing `}` or with an invalid name.
    Malformed { range: Range<usize> },
}

impl Reference {
    /// The name a `${NAME}` reference reads; `None` for a malformed one.
    #[must_use]
    pub(crate) fn name(&self) -> Option<&str> {
        match self {
            Reference::Var { name, .. } => Some(name),
            Reference::Malformed { .. } => None,
        }
    }
}

/// Finds the `${NAME}` references in `value`.
#[must_use]
pub(crate) fn references(value: &str) -> Vec<Reference> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = value[from..].find("${").map(|i| i + from) {
        match value[i + 2..].find('}') {
            Some(len) => {
                let name = &value[i + 2..i + 2 + len];
                let range = i..i + 3 + len;
                if is_var_name(name) {
                    out.push(Reference::Var {
                        name: name.to_owned(),
                        range: range.clone(),
                    });
                } else {
                    out.push(Reference::Malformed {
                        range: range.clone(),
                    });
                }
                from = range.end;
            }
            None => {
                out.push(Reference::Malformed {
                    range: i..value.len(),
                });
                break;
            }
        }
    }
    out
}

fn is_var_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Substitutes every reference, looked up in `scope` (everything without one), adding to
/// `conflicts` what disagrees with a value taken ([`Env::get_in`]).
/// Returns the value, or the references that could not be resolved.
///
/// # Errors
/// The unresolved or malformed references, with their ranges in `value`.
pub(crate) fn interpolate_in(
    value: &str,
    env: &Env,
    scope: Option<Scope<'_>>,
    conflicts: &mut Vec<Conflict>,
) -> Result<String, Vec<Reference>> {
    let refs = references(value);
    if refs.is_empty() {
        return Ok(value.to_owned());
    }
    let mut out = String::with_capacity(value.len());
    let mut missing = Vec::new();
    let mut pos = 0;
    for r in refs {
        match &r {
            Reference::Var { name, range } => {
                out.push_str(&value[pos..range.start]);
                let (found, conflict) = env.get_in(name, scope);
                match found {
                    Some(v) => out.push_str(v),
                    None => missing.push(r.clone()),
                }
                if let Some(conflict) = conflict {
                    conflicts.push(Conflict {
                        range: range.clone(),
                        ..conflict
                    });
                }
                pos = range.end;
            }
            Reference::Malformed { .. } => missing.push(r),
        }
    }
    out.push_str(&value[pos..]);
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interpolate(value: &str, env: &Env) -> Result<String, Vec<Reference>> {
        interpolate_in(value, env, None, &mut Vec::new())
    }

    #[test]
    fn environment_wins_over_files_and_missing_names_are_reported() {
        let env = Env::from_pairs([("A", "1"), ("B", "two")]);
        assert_eq!(interpolate("x${A}y${B}", &env).unwrap(), "x1ytwo");
        let err = interpolate("${A}${NOPE}", &env).unwrap_err();
        assert_eq!(
            err,
            vec![Reference::Var {
                name: "NOPE".into(),
                range: 4..11
            }]
        );
        assert!(matches!(
            interpolate("${A", &env).unwrap_err()[0],
            Reference::Malformed { .. }
        ));
        assert!(matches!(
            interpolate("${1X}", &env).unwrap_err()[0],
            Reference::Malformed { .. }
        ));
    }

    #[test]
    fn env_files_are_read_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.env");
        let b = dir.path().join("b.env");
        std::fs::write(&a, "X=from-a\n").unwrap();
        std::fs::write(&b, "X=from-b\nY=\"quoted value\"\n").unwrap();
        let mut env = Env::from_pairs([("Z", "proc")]);
        env.add_file(&a).unwrap();
        env.add_file(&b).unwrap();
        assert_eq!(env.get("X"), Some("from-a"));
        assert_eq!(env.get("Y"), Some("quoted value"));
        assert_eq!(env.get("Z"), Some("proc"));
        let err = env.add_file(&dir.path().join("missing.env")).unwrap_err();
        assert!(err.to_string().contains("missing.env"));
    }

    /// A database reads the files of its own targets' folders and the descriptor's; two of its
    /// folders that disagree are a conflict, unless a named file or the environment decides.
    #[test]
    fn a_scope_reads_its_folders_and_reports_two_that_disagree() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        let web = write("web.env", "URL=web-db\nONLY_WEB=w\nSAME=s\n");
        let worker = write("worker.env", "URL=worker-db\nSAME=s\n");
        let root = write("root.env", "URL=root-db\nROOT=r\n");
        // The descriptor's folder first, as when a target there is listed first.
        let mut env = Env::default();
        env.add_folder_file(&root, None).unwrap();
        env.add_folder_file(&web, Some("apps/web/")).unwrap();
        env.add_folder_file(&worker, Some("apps/worker/")).unwrap();
        assert!(env.has_folder_files());
        let run = |env: &Env, value: &str, folders: &[&str]| {
            let folders: Vec<String> = folders.iter().map(|f| (*f).to_owned()).collect();
            let mut conflicts = Vec::new();
            let out = interpolate_in(
                value,
                env,
                Some(Scope { folders: &folders }),
                &mut conflicts,
            );
            (out, conflicts)
        };
        // Each database its own folder's value, the descriptor's folder after it.
        assert_eq!(run(&env, "${URL}", &["apps/web/"]).0.unwrap(), "web-db");
        assert_eq!(
            run(&env, "${URL}", &["apps/worker/"]).0.unwrap(),
            "worker-db"
        );
        assert_eq!(run(&env, "${ROOT}", &["apps/worker/"]).0.unwrap(), "r");
        // A database of a target in the descriptor's folder reads it first.
        assert_eq!(run(&env, "${URL}", &[""]).0.unwrap(), "root-db");
        // ... and one with targets there and in a folder has two values.
        let (out, conflicts) = run(&env, "${URL}", &["", "apps/worker/"]);
        assert_eq!(out.unwrap(), "root-db");
        assert_eq!(conflicts.len(), 1, "{conflicts:?}");
        // Another target's folder is not read.
        assert!(run(&env, "${ONLY_WEB}", &["apps/worker/"]).0.is_err());
        // Both folders: the first value, and the conflict named by both files.
        let (out, conflicts) = run(&env, "x${URL}", &["apps/web/", "apps/worker/"]);
        assert_eq!(out.unwrap(), "xweb-db");
        assert_eq!(
            conflicts,
            [Conflict {
                name: "URL".into(),
                range: 1..7,
                taken: web.display().to_string(),
                other: worker.clone(),
                kind: ConflictKind::Folders,
            }]
        );
        // Two spellings of one URL agree.
        let slash = write("slash.env", "URL=https://Web-DB.upstash.io:443/\n");
        let plain = write("plain.env", "URL=https://web-db.upstash.io\n");
        let mut spelled = Env::default();
        spelled.add_folder_file(&slash, Some("a/")).unwrap();
        spelled.add_folder_file(&plain, Some("b/")).unwrap();
        assert!(run(&spelled, "${URL}", &["a/", "b/"]).1.is_empty());
        // Agreeing folders, and the descriptor's own `.env`, are no conflict.
        assert!(
            run(&env, "${SAME}", &["apps/web/", "apps/worker/"])
                .1
                .is_empty()
        );
        assert!(run(&env, "${URL}", &["apps/worker/"]).1.is_empty());
        // A folder's value is its first file's: a `.env` under its `.env.local` (a local
        // placeholder) is no conflict with another folder, whichever folder comes first.
        let local = write("web.env.local", "URL=worker-db\n");
        let placeholder = write("web-placeholder.env", "URL=redis://localhost:6379\n");
        for order in [["apps/worker/", "apps/web/"], ["apps/web/", "apps/worker/"]] {
            let mut env = Env::default();
            for folder in order {
                if folder == "apps/web/" {
                    env.add_folder_file(&local, Some(folder)).unwrap();
                    env.add_folder_file(&placeholder, Some(folder)).unwrap();
                } else {
                    env.add_folder_file(&worker, Some(folder)).unwrap();
                }
            }
            let (out, conflicts) = run(&env, "${URL}", &["apps/web/", "apps/worker/"]);
            assert_eq!(out.unwrap(), "worker-db");
            assert!(conflicts.is_empty(), "{order:?}: {conflicts:?}");
        }
        // The files of a target in the descriptor's folder (its `.env.local`) are that
        // target's: a database of targets elsewhere reads only the descriptor's `.env`.
        let mut env = Env::default();
        env.add_folder_file(&web, Some("")).unwrap();
        env.add_folder_file(&root, None).unwrap();
        assert!(run(&env, "${ONLY_WEB}", &["apps/worker/"]).0.is_err());
        assert_eq!(run(&env, "${URL}", &["apps/worker/"]).0.unwrap(), "root-db");
        assert_eq!(run(&env, "${URL}", &[""]).0.unwrap(), "web-db");
        // A named file (or the environment) is taken as given: no folder conflict, but the
        // first file read by convention that it overrides with another value is named.
        let named = write("named.env", "URL=named\nSAME=s\n");
        let mut with_named = Env::from_pairs([("ONLY_WEB", "from-the-shell")]);
        with_named.add_file(&named).unwrap();
        with_named.add_folder_file(&web, Some("apps/web/")).unwrap();
        with_named
            .add_folder_file(&worker, Some("apps/worker/"))
            .unwrap();
        let (out, conflicts) = run(&with_named, "${URL}", &["apps/worker/", "apps/web/"]);
        assert_eq!(out.unwrap(), "named");
        assert_eq!(
            conflicts,
            [Conflict {
                name: "URL".into(),
                range: 0..6,
                taken: named.display().to_string(),
                other: web.clone(),
                kind: ConflictKind::Override,
            }]
        );
        let (out, conflicts) = run(&with_named, "${ONLY_WEB}", &["apps/web/"]);
        assert_eq!(out.unwrap(), "from-the-shell");
        assert_eq!(conflicts[0].taken, PROCESS_ENVIRONMENT);
        assert_eq!(conflicts[0].other, web);
        // Only a file the scope reads, and only another value.
        assert!(
            run(&with_named, "${ONLY_WEB}", &["apps/worker/"])
                .1
                .is_empty()
        );
        assert!(run(&with_named, "${SAME}", &["apps/web/"]).1.is_empty());
    }

    #[test]
    fn broken_env_files_are_refused_by_position_without_their_values() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.env");
        std::fs::write(&bad, "A=1\nTOKEN=Bearer AXsecret\n").unwrap();
        let err = Env::default().add_file(&bad).unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
        assert!(!err.contains("AXsecret"), "{err}");
        let binary = dir.path().join("binary.env");
        std::fs::write(&binary, b"A=\0\0\n").unwrap();
        let err = Env::default().add_file(&binary).unwrap_err();
        assert!(matches!(err, Error::Binary { .. }), "{err}");
    }
}
