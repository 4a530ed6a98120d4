//! Where a target writes: its `dir`, normalised and kept inside the project.
//!
//! `generate` writes below the directory that holds the descriptor. A `dir` is a relative
//! path inside it: `.` and empty parts are dropped, `..` goes up only as far as the project's
//! own directory, and nothing may go into `.git`. The normal form (`svc`, `a/b`, `.`) is what
//! `dir-conflict` compares, so `svc` and `./svc/` are one directory.

/// Why a `dir` cannot be written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DirProblem {
    /// `/tmp/x`, `C:\x`, `\\server\share`.
    Absolute,
    /// `../outside`, `x/../../..`.
    Escapes,
    /// `.git/hooks`.
    IntoGit,
    /// A newline, tab or other control character.
    ControlCharacter,
}

impl DirProblem {
    /// What is wrong, for a message.
    #[must_use]
    pub(crate) fn describe(self) -> &'static str {
        match self {
            DirProblem::Absolute => "is an absolute path",
            DirProblem::Escapes => "leads out of the project with `..`",
            DirProblem::IntoGit => "points into `.git`",
            DirProblem::ControlCharacter => "contains a control character",
        }
    }
}

/// The normal form of `dir` (relative, `/`-separated, `.` for the project's directory), or
/// why it leaves the project.
///
/// # Errors
/// [`DirProblem`] for an absolute path, a `..` that leads out, a path into `.git`, or a
/// control character.
pub(crate) fn normalize(dir: &str) -> Result<String, DirProblem> {
    if dir.chars().any(char::is_control) {
        return Err(DirProblem::ControlCharacter);
    }
    let bytes = dir.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    if dir.starts_with(['/', '\\']) || drive || dir.starts_with('~') {
        return Err(DirProblem::Absolute);
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in dir.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(DirProblem::Escapes);
                }
            }
            p if p.eq_ignore_ascii_case(".git") => return Err(DirProblem::IntoGit),
            p => parts.push(p),
        }
    }
    Ok(if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    })
}

/// `text` with control characters written as escapes, for messages that quote a name.
#[must_use]
pub(crate) fn escape_controls(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_directory_are_one() {
        for (dir, want) in [
            ("svc", "svc"),
            ("./svc/", "svc"),
            ("svc//api/", "svc/api"),
            ("svc/../api", "api"),
            ("", "."),
            (".", "."),
            ("./", "."),
            ("a/b/..", "a"),
            ("a\\b", "a/b"),
        ] {
            assert_eq!(normalize(dir), Ok(want.to_owned()), "{dir}");
        }
    }

    #[test]
    fn paths_out_of_the_project_are_refused() {
        for (dir, problem) in [
            ("../../outside/up", DirProblem::Escapes),
            ("x/../../..", DirProblem::Escapes),
            ("..", DirProblem::Escapes),
            ("/tmp/x", DirProblem::Absolute),
            ("C:\\x", DirProblem::Absolute),
            ("\\\\server\\share", DirProblem::Absolute),
            ("~/x", DirProblem::Absolute),
            (".git/hooks", DirProblem::IntoGit),
            ("svc/.GIT", DirProblem::IntoGit),
            ("svc\napi", DirProblem::ControlCharacter),
        ] {
            assert_eq!(normalize(dir), Err(problem), "{dir}");
        }
    }

    #[test]
    fn control_characters_are_shown_escaped() {
        assert_eq!(escape_controls("api\nx\t"), "api\\nx\\t");
    }
}
