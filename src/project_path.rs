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
    /// A name that Windows or macOS read as another: a trailing dot or space (`svc.`), or an
    /// invisible character (U+200B, U+FEFF, ...).
    AmbiguousName,
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
            DirProblem::AmbiguousName => {
                "has a name that ends with a dot or a space or holds an invisible character, which Windows or macOS read as another name"
            }
        }
    }
}

/// `dir` in its normal form ([`normalize`]) as the CI job and the package folders write it:
/// `/`-separated and empty for the project's directory; `None` when it leaves the project.
pub(crate) fn in_project(dir: &str) -> Option<String> {
    let normal = normalize(dir).ok()?;
    Some(if normal == "." { String::new() } else { normal })
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
            p if is_git_name(p) => return Err(DirProblem::IntoGit),
            p if p.ends_with(['.', ' ']) || p.chars().any(is_ignorable) => {
                return Err(DirProblem::AmbiguousName);
            }
            p => parts.push(p),
        }
    }
    Ok(if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    })
}

/// Characters a file system drops from names or that show as nothing: HFS+ ignores the
/// zero-width and direction marks (the list git's `is_hfs_dotgit` uses), and none of them
/// belongs in a directory name.
fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{206a}'..='\u{206f}'
            | '\u{feff}'
    )
}

/// Whether a file system may take the name `name` for `.git`: in any case (Windows, macOS),
/// with trailing dots and spaces (Windows drops them), invisible characters (HFS+ drops
/// them), an NTFS stream (`.git::$INDEX_ALLOCATION`), or as Windows' short name `GIT~1`.
#[must_use]
pub(crate) fn is_git_name(name: &str) -> bool {
    let name: String = name.chars().filter(|c| !is_ignorable(*c)).collect();
    let name = name.split(':').next().unwrap_or("");
    let name = name.trim_end_matches(['.', ' ']);
    name.eq_ignore_ascii_case(".git") || name.eq_ignore_ascii_case("git~1")
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
            (".git.", DirProblem::IntoGit),
            (".git ", DirProblem::IntoGit),
            (".git\u{200b}", DirProblem::IntoGit),
            ("a/.g\u{200c}it/hooks", DirProblem::IntoGit),
            ("GIT~1", DirProblem::IntoGit),
            (".git::$INDEX_ALLOCATION", DirProblem::IntoGit),
            ("svc.", DirProblem::AmbiguousName),
            ("svc /api", DirProblem::AmbiguousName),
            ("s\u{feff}vc", DirProblem::AmbiguousName),
        ] {
            assert_eq!(normalize(dir), Err(problem), "{dir}");
        }
    }

    #[test]
    fn control_characters_are_shown_escaped() {
        assert_eq!(escape_controls("api\nx\t"), "api\\nx\\t");
    }
}
