//! `generate` and the files it finds in place: an env file with a byte-order mark, secret
//! files that are symlinks, and the git-ignore check across repositories.

use std::path::Path;
use std::process::{Command, Output};

use crate::support::{code, root, run, transcript, upwire};

const BOM: &str = "\u{feff}";

/// The fake URL of `examples/example.env`.
const REDIS_URL: &str =
    "rediss://default:ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl@eu1-tidy-cat-12345.upstash.io:6379";

/// A descriptor with one server target per `dir`, secrets from `example.env`.
fn descriptor(dirs: &[&str]) -> String {
    let mut s = String::from(
        "[database.main]\nredis_url = \"${UPSTASH_REDIS_URL}\"\n\
         rest_url = \"${UPSTASH_REDIS_REST_URL}\"\n\
         rest_token = \"${UPSTASH_REDIS_REST_TOKEN}\"\n",
    );
    for (i, dir) in dirs.iter().enumerate() {
        s.push_str(&format!(
            "\n[target.t{i}]\nkind = \"server\"\ndir = \"{dir}\"\n"
        ));
    }
    s
}

/// Writes the descriptor and `example.env` into `project`.
fn project(project: &Path, dirs: &[&str]) {
    std::fs::create_dir_all(project).unwrap();
    std::fs::write(project.join("upwire.toml"), descriptor(dirs)).unwrap();
    std::fs::copy(
        root().join("examples/example.env"),
        project.join("example.env"),
    )
    .unwrap();
}

fn generate(project: &Path) -> Output {
    run(upwire()
        .current_dir(project)
        .args(["--env-file", "example.env", "generate"]))
}

// ---------------------------------------------------------------------------------------------
// Byte-order mark

#[test]
fn a_bom_env_file_is_merged_in_place_and_keeps_its_bom() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), &["svc"]);
    std::fs::create_dir_all(dir.path().join("svc")).unwrap();
    let env = dir.path().join("svc/.env");
    std::fs::write(&env, format!("{BOM}REDIS_URL=old\r\nOTHER=1\r\n")).unwrap();
    let output = generate(dir.path());
    assert_eq!(code(&output), 0, "{}", transcript(&output, dir.path()));
    let after = std::fs::read(&env).unwrap();
    assert_eq!(
        after,
        format!("{BOM}REDIS_URL={REDIS_URL}\r\nOTHER=1\r\n").as_bytes(),
        "{}",
        String::from_utf8_lossy(&after)
    );
    // Read back, the file has one REDIS_URL: a second run changes nothing.
    let again = generate(dir.path());
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("unchanged svc/.env"),
        "{}",
        transcript(&again, dir.path())
    );
    assert_eq!(std::fs::read(&env).unwrap(), after);
}

#[test]
fn an_env_file_with_a_bom_provides_its_first_variable() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), &["svc"]);
    let example = std::fs::read_to_string(dir.path().join("example.env")).unwrap();
    let first = example
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(first.starts_with("UPSTASH_REDIS_URL="), "{first}");
    std::fs::write(dir.path().join("example.env"), format!("{BOM}{first}\n")).unwrap();
    let output = run(upwire().current_dir(dir.path()).args([
        "--env-file",
        "example.env",
        "--format",
        "json",
        "resolve",
    ]));
    let text = transcript(&output, dir.path());
    assert_eq!(code(&output), 0, "{text}");
    assert!(!text.contains("unresolved-variable"), "{text}");
    assert!(
        !text.contains("ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl"),
        "{text}"
    );
}

#[test]
fn lint_notes_a_bom_and_keeps_columns_right() {
    let dir = tempfile::tempdir().unwrap();
    let env = dir.path().join(".env");
    std::fs::write(
        &env,
        format!("{BOM}REDIS_URL=redis://localhost:6379\n bad line\n"),
    )
    .unwrap();
    let output = run(upwire()
        .current_dir(dir.path())
        .args(["lint", "--format", "json", ".env"]));
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<(String, u64, u64)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("bom".to_owned(), 1, 1),
            ("invalid-env-line".to_owned(), 2, 5)
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Git-ignore check, per repository

/// A home with no git configuration, for git and upwire alike.
struct GitHome(tempfile::TempDir);

impl GitHome {
    fn new() -> Self {
        Self(tempfile::tempdir().unwrap())
    }

    /// `cmd` with no system or global git configuration and no parent repository.
    fn apply<'a>(&self, cmd: &'a mut Command, ceiling: &Path) -> &'a mut Command {
        cmd.env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", self.0.path())
            .env("XDG_CONFIG_HOME", self.0.path())
            .env("GIT_CEILING_DIRECTORIES", ceiling)
    }

    fn init(&self, repo: &Path, ceiling: &Path) {
        std::fs::create_dir_all(repo).unwrap();
        let status = self
            .apply(Command::new("git").args(["init", "-q"]), ceiling)
            .current_dir(repo)
            .status();
        assert!(status.is_ok_and(|s| s.success()), "git init");
    }

    fn generate(&self, project: &Path, ceiling: &Path) -> Output {
        run(self
            .apply(&mut upwire(), ceiling)
            .current_dir(project)
            .args(["--env-file", "example.env", "generate"]))
    }
}

/// A target in no repository listed first, then two in one: git once stopped with 128 on the
/// first path and the whole warning disappeared (`ok: no problems found`).
#[test]
fn a_target_outside_the_repository_does_not_hide_the_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let home = GitHome::new();
    let project_dir = tmp.path().join("project");
    project(&project_dir, &["outside", "repo/svc", "repo/ignored"]);
    home.init(&project_dir.join("repo"), tmp.path());
    std::fs::write(project_dir.join("repo/.gitignore"), "ignored/.env\n").unwrap();
    let output = home.generate(&project_dir, tmp.path());
    let text = transcript(&output, tmp.path());
    assert!(
        text.contains(
            "warning[env-not-ignored]: files with secrets are not git-ignored: repo/svc/.env\n"
        ),
        "{text}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("outside/.env"), "{text}");
    assert!(!stderr.contains("ignored/.env"), "{text}");
    assert!(!text.contains("could not check"), "{text}");
}

/// Two repositories below one project directory, and a target in none: each repository is
/// asked about its own files with paths relative to its top.
#[test]
fn each_repository_is_asked_about_its_own_files() {
    let tmp = tempfile::tempdir().unwrap();
    let home = GitHome::new();
    let project_dir = tmp.path().join("project");
    project(&project_dir, &["plain", "a/svc", "b", "b/sub"]);
    home.init(&project_dir.join("a"), tmp.path());
    home.init(&project_dir.join("b"), tmp.path());
    std::fs::write(project_dir.join("a/.gitignore"), "/.env\n").unwrap();
    std::fs::write(project_dir.join("b/.gitignore"), "/sub/.env\n").unwrap();
    let output = home.generate(&project_dir, tmp.path());
    let text = transcript(&output, tmp.path());
    assert!(
        text.contains(
            "warning[env-not-ignored]: files with secrets are not git-ignored: a/svc/.env, b/.env\n"
        ),
        "{text}"
    );
    assert!(!text.contains("could not check"), "{text}");
}

/// git that fails (a broken repository configuration) or is missing: a note names every
/// path it could not check, and the others are still checked.
#[test]
fn paths_git_cannot_check_are_named_in_a_note() {
    let tmp = tempfile::tempdir().unwrap();
    let home = GitHome::new();
    let project_dir = tmp.path().join("project");
    project(&project_dir, &["good", "broken"]);
    home.init(&project_dir.join("good"), tmp.path());
    home.init(&project_dir.join("broken"), tmp.path());
    std::fs::write(project_dir.join("broken/.git/config"), "[core\n").unwrap();
    let output = home.generate(&project_dir, tmp.path());
    let text = transcript(&output, tmp.path());
    assert!(
        text.contains("files with secrets are not git-ignored: good/.env\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "note[env-not-ignored]: could not check whether git ignores these files with secrets: broken/.env\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("`git rev-parse` failed: bad config"),
        "{text}"
    );

    // No git on PATH at all.
    let empty = tempfile::tempdir().unwrap();
    let output = run(home
        .apply(&mut upwire(), tmp.path())
        .env("PATH", empty.path())
        .current_dir(&project_dir)
        .args(["--env-file", "example.env", "generate"]));
    let text = transcript(&output, tmp.path());
    assert_eq!(code(&output), 0, "{text}");
    assert!(
        text.contains(
            "could not check whether git ignores these files with secrets: broken/.env, good/.env\n"
        ),
        "{text}"
    );
    assert!(text.contains("git is not installed"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Symlinked files

#[cfg(unix)]
mod symlinks {
    use std::os::unix::fs::{PermissionsExt, symlink};
    use std::path::{Path, PathBuf};

    use super::{REDIS_URL, generate, project};
    use crate::support::{code, transcript};

    const OLD: &str = "# shared by every service\nREDIS_URL=old\nKEEP=1\n";

    fn merged() -> String {
        format!("# shared by every service\nREDIS_URL={REDIS_URL}\nKEEP=1\n")
    }

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn is_link(path: &Path) -> bool {
        std::fs::symlink_metadata(path)
            .unwrap()
            .file_type()
            .is_symlink()
    }

    /// A project with target `svc` and `common/.env` (mode 0644) next to it.
    fn with_shared_env() -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("project");
        project(&root, &["svc"]);
        std::fs::create_dir_all(root.join("svc")).unwrap();
        std::fs::create_dir_all(root.join("common")).unwrap();
        std::fs::write(root.join("common/.env"), OLD).unwrap();
        std::fs::set_permissions(
            root.join("common/.env"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        (tmp, root)
    }

    /// Every entry below `dir` (links not followed), relative, sorted.
    fn entries(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).unwrap().flatten() {
                let path = entry.path();
                if entry.file_type().unwrap().is_dir() {
                    stack.push(path.clone());
                }
                out.push(path.strip_prefix(dir).unwrap().display().to_string());
            }
        }
        out.sort();
        out
    }

    #[test]
    fn a_relative_link_stays_a_link_and_its_target_is_merged() {
        let (_tmp, root) = with_shared_env();
        symlink("../common/.env", root.join("svc/.env")).unwrap();
        let output = generate(&root);
        let text = transcript(&output, &root);
        assert_eq!(code(&output), 0, "{text}");
        assert!(
            text.contains("     updated svc/.env -> ../common/.env (secrets, mode 0600)\n"),
            "{text}"
        );
        assert!(is_link(&root.join("svc/.env")));
        assert_eq!(
            std::fs::read_link(root.join("svc/.env")).unwrap(),
            Path::new("../common/.env")
        );
        assert_eq!(
            std::fs::read_to_string(root.join("common/.env")).unwrap(),
            merged()
        );
        assert_eq!(mode(&root.join("common/.env")), 0o600);
        // No temp file left beside the link or the target.
        assert!(
            entries(&root).iter().all(|e| !e.ends_with(".tmp")),
            "{:?}",
            entries(&root)
        );

        // A second run leaves it as it is, and says where it points.
        let again = generate(&root);
        assert!(
            String::from_utf8_lossy(&again.stdout)
                .contains("   unchanged svc/.env -> ../common/.env (secrets, mode 0600)\n"),
            "{}",
            transcript(&again, &root)
        );
        assert!(is_link(&root.join("svc/.env")));
    }

    #[test]
    fn an_absolute_link_and_a_chain_of_two_stay_links() {
        let (_tmp, root) = with_shared_env();
        let absolute = root.join("common/.env");
        symlink(&absolute, root.join("svc/.env")).unwrap();
        let output = generate(&root);
        let text = transcript(&output, &root);
        assert_eq!(code(&output), 0, "{text}");
        assert!(is_link(&root.join("svc/.env")));
        assert_eq!(std::fs::read_to_string(&absolute).unwrap(), merged());
        assert_eq!(mode(&absolute), 0o600);

        // svc/.env -> ../common/current.env -> .env
        let (_tmp, root) = with_shared_env();
        symlink(".env", root.join("common/current.env")).unwrap();
        symlink("../common/current.env", root.join("svc/.env")).unwrap();
        let output = generate(&root);
        let text = transcript(&output, &root);
        assert_eq!(code(&output), 0, "{text}");
        assert!(
            text.contains("updated svc/.env -> ../common/current.env -> .env (secrets"),
            "{text}"
        );
        assert!(is_link(&root.join("svc/.env")));
        assert!(is_link(&root.join("common/current.env")));
        assert!(!is_link(&root.join("common/.env")));
        assert_eq!(
            std::fs::read_to_string(root.join("common/.env")).unwrap(),
            merged()
        );
        assert_eq!(mode(&root.join("common/.env")), 0o600);
    }

    #[test]
    fn two_targets_linked_to_one_file_both_merge_into_it() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("project");
        project(&root, &["a", "b"]);
        for dir in ["a", "b", "common"] {
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        std::fs::write(root.join("common/.env"), OLD).unwrap();
        symlink("../common/.env", root.join("a/.env")).unwrap();
        symlink("../common/.env", root.join("b/.env")).unwrap();
        let output = generate(&root);
        let text = transcript(&output, &root);
        assert_eq!(code(&output), 0, "{text}");
        assert!(is_link(&root.join("a/.env")) && is_link(&root.join("b/.env")));
        assert_eq!(
            std::fs::read_to_string(root.join("common/.env")).unwrap(),
            merged()
        );
    }

    #[test]
    fn a_linked_file_without_secrets_stays_a_link_too() {
        let (_tmp, root) = with_shared_env();
        std::fs::write(root.join("common/example.env"), "# old\n").unwrap();
        symlink("../common/example.env", root.join("svc/.env.example")).unwrap();
        let output = generate(&root);
        let text = transcript(&output, &root);
        assert_eq!(code(&output), 0, "{text}");
        assert!(
            text.contains("updated svc/.env.example -> ../common/example.env\n"),
            "{text}"
        );
        assert!(is_link(&root.join("svc/.env.example")));
        let example = std::fs::read_to_string(root.join("common/example.env")).unwrap();
        assert!(example.contains("REDIS_URL="), "{example}");
        assert!(!example.contains("ATA5"), "{example}");
    }

    /// A dangling link or a link to a directory is refused before anything of the run is
    /// written: the other target's files are not created either.
    #[test]
    fn a_dangling_link_or_a_link_to_a_directory_writes_nothing() {
        for (link, why) in [
            ("../missing/.env", "which does not exist"),
            ("../common", "a directory"),
        ] {
            let tmp = tempfile::tempdir().unwrap();
            let root = tmp.path().join("project");
            project(&root, &["first", "svc"]);
            std::fs::create_dir_all(root.join("svc")).unwrap();
            std::fs::create_dir_all(root.join("common")).unwrap();
            symlink(link, root.join("svc/.env")).unwrap();
            let before = entries(&root);
            let output = generate(&root);
            let text = transcript(&output, &root);
            assert_eq!(code(&output), 2, "{text}");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                stderr.contains(&format!("svc/.env`: it is a symlink to `{link}`, {why}")),
                "{text}"
            );
            assert!(stderr.contains("nothing was written"), "{text}");
            assert_eq!(entries(&root), before, "{text}");
            assert!(is_link(&root.join("svc/.env")));
        }
    }
}
