//! `${NAME}` resolution: the process environment first, then each `--env-file` in order.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::diagnostic::SourceFile;
use crate::error::Error;

mod expansion;

/// Where variables come from.
#[derive(Clone, Default)]
pub struct Env {
    process: HashMap<String, String>,
    files: Vec<(PathBuf, HashMap<String, String>)>,
}

/// Names only: the values are the secrets `${NAME}` brings in.
impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Env")
            .field("process", &self.process.len())
            .field(
                "files",
                &self.files.iter().map(|(p, _)| p).collect::<Vec<_>>(),
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
            files: Vec::new(),
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
            files: Vec::new(),
        }
    }

    /// Adds an env file, consulted after the environment and earlier files.
    ///
    /// # Errors
    /// When the file cannot be read or parsed; the error names the path and line, never a value.
    pub fn add_file(&mut self, path: &Path) -> Result<(), Error> {
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
        self.files.push((path.to_path_buf(), vars));
        Ok(())
    }

    /// Where `name`'s value comes from, as [`Env::get`] finds it: "the process environment"
    /// or the env file's path.
    #[must_use]
    pub(crate) fn origin(&self, name: &str) -> Option<String> {
        if self.process.contains_key(name) {
            return Some("the process environment".to_owned());
        }
        self.files
            .iter()
            .find(|(_, vars)| vars.contains_key(name))
            .map(|(path, _)| path.display().to_string())
    }

    /// Every variable name known, for did-you-mean suggestions.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.process
            .keys()
            .chain(self.files.iter().flat_map(|(_, vars)| vars.keys()))
            .map(String::as_str)
    }

    /// Looks a variable up.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.process
            .get(name)
            .or_else(|| self.files.iter().find_map(|(_, vars)| vars.get(name)))
            .map(String::as_str)
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

/// Substitutes every reference. Returns the value, or the references that could not be
/// resolved.
///
/// # Errors
/// The unresolved or malformed references, with their ranges in `value`.
pub(crate) fn interpolate(value: &str, env: &Env) -> Result<String, Vec<Reference>> {
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
                match env.get(name) {
                    Some(v) => out.push_str(v),
                    None => missing.push(r.clone()),
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
