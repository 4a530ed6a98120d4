//! `generate` writes only inside the project: a `dir` that leaves the directory
//! holding upwire.toml, two spellings of one directory, and a target name with a control
//! character, each against real files.

use std::path::Path;

use crate::support::{all_output, code, file_names_below, run, upwire};

const DATABASE: &str = "[database.main]\nredis_url = \"rediss://default:${PW}@eu1-tidy-cat-12345.upstash.io:6379\"\n\n";

fn generate(project: &Path, descriptor: &str) -> std::process::Output {
    std::fs::write(
        project.join("upwire.toml"),
        format!("{DATABASE}{descriptor}"),
    )
    .unwrap();
    run(upwire()
        .current_dir(project)
        .env("PW", "AXpathCanary7788")
        .args(["generate"]))
}

#[test]
fn a_dir_that_leaves_the_project_writes_nothing_there() {
    let outer = tempfile::tempdir().unwrap();
    let project = outer.path().join("a/b/project");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::create_dir_all(project.join(".git/hooks")).unwrap();
    // A .env outside, which a merge would have changed.
    std::fs::create_dir_all(outer.path().join("a/outside/up")).unwrap();
    std::fs::write(outer.path().join("a/outside/up/.env"), "KEEP=1\n").unwrap();
    let absolute = outer.path().join("abs");
    for (dir, word) in [
        ("../../outside/up", "leads out of the project"),
        (absolute.to_str().unwrap(), "is an absolute path"),
        ("x/../../..", "leads out of the project"),
        (".git/hooks", "points into `.git`"),
    ] {
        let out = generate(
            &project,
            &format!("[target.api]\nkind = \"server\"\ndir = \"{dir}\"\n"),
        );
        let text = all_output(&out);
        assert_eq!(code(&out), 1, "{dir}: {text}");
        assert!(text.contains("error[dir-outside-project]"), "{dir}: {text}");
        assert!(text.contains(word), "{dir}: {text}");
        assert!(!text.contains("AXpathCanary7788"), "{text}");
        // Nothing of the target anywhere: not outside, not in .git, not in the project.
        assert_eq!(
            file_names_below(&outer.path().join("a/outside")),
            ["up/.env"],
            "{dir}"
        );
        assert_eq!(
            std::fs::read_to_string(outer.path().join("a/outside/up/.env")).unwrap(),
            "KEEP=1\n"
        );
        assert!(!absolute.exists(), "{dir}");
        assert_eq!(
            file_names_below(&project.join(".git")),
            Vec::<String>::new(),
            "{dir}"
        );
        assert!(
            file_names_below(&project)
                .iter()
                .all(|f| f == "upwire.toml" || f == "REDIS.md"),
            "{dir}: {:?}",
            file_names_below(&project)
        );
    }
    // `lint` finds it too, without writing.
    let out = run(upwire().current_dir(&project).env("PW", "x").arg("lint"));
    assert!(all_output(&out).contains("dir-outside-project"));
}

/// Two spellings of one folder are one folder: two targets that agree on their values share
/// its files; two that need different values under one name conflict, however it is spelled.
#[test]
fn two_spellings_of_one_directory_share_it_or_conflict() {
    let project = tempfile::tempdir().unwrap();
    let out = generate(
        project.path(),
        "[target.api]\nkind = \"server\"\ndir = \"svc\"\n\n[target.worker]\nkind = \"container\"\ndir = \"./svc/\"\n",
    );
    let text = all_output(&out);
    assert_eq!(code(&out), 0, "{text}");
    assert_eq!(
        file_names_below(&project.path().join("svc")),
        [".env", ".env.example", "src/redis_client.rs"],
        "{text}"
    );

    let project = tempfile::tempdir().unwrap();
    let out = generate(
        project.path(),
        "[database.cache]\nredis_url = \"redis://127.0.0.1:6380\"\n\n\
         [target.api]\nkind = \"server\"\ndatabase = \"main\"\ndir = \"svc\"\n\n\
         [target.worker]\nkind = \"container\"\ndatabase = \"cache\"\ndir = \"./svc/\"\n",
    );
    let text = all_output(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(
        text.contains(
            "targets `api` and `worker` share `svc` but need different values under `REDIS_URL`"
        ),
        "{text}"
    );
    assert!(!project.path().join("svc").exists(), "{text}");
    // `lint` reports it as well.
    let out = run(upwire()
        .current_dir(project.path())
        .env("PW", "x")
        .arg("lint"));
    assert_eq!(code(&out), 1);
    assert!(all_output(&out).contains("error[dir-conflict]"));
}

#[test]
fn a_dir_inside_the_project_is_written_in_its_normal_form() {
    let project = tempfile::tempdir().unwrap();
    let out = generate(
        project.path(),
        "[target.api]\nkind = \"server\"\ndir = \"./svc//x/../api/\"\n",
    );
    assert_eq!(code(&out), 0, "{}", all_output(&out));
    assert!(project.path().join("svc/api/.env").exists());
    assert!(project.path().join("svc/api/.env.example").exists());
    let guide = std::fs::read_to_string(project.path().join("REDIS.md")).unwrap();
    assert!(guide.contains("svc/api"), "{guide}");
}

#[test]
fn a_target_name_with_a_newline_is_refused_and_never_written() {
    let project = tempfile::tempdir().unwrap();
    let out = generate(
        project.path(),
        "[target.\"api\\nEVIL=1\"]\nkind = \"server\"\ndir = \"svc\"\n",
    );
    let text = all_output(&out);
    assert_eq!(code(&out), 1, "{text}");
    assert!(
        text.contains("target name `api\\nEVIL=1` is not allowed"),
        "{text}"
    );
    assert!(!project.path().join("svc").exists(), "{text}");
    let guide = std::fs::read_to_string(project.path().join("REDIS.md")).unwrap_or_default();
    assert!(!guide.contains("\nEVIL=1"), "{guide}");
}

#[test]
fn control_characters_in_values_are_shown_escaped() {
    let project = tempfile::tempdir().unwrap();
    std::fs::write(
        project.path().join("upwire.toml"),
        "[database.\"main\\r\"]\nredis_url = \"redis://localhost\"\n[target.api]\nkind = \"server\\nX=1\"\nenv_prefix = \"A\\tB\"\ndir = \"a\\u0007b\"\n",
    )
    .unwrap();
    let out = run(upwire().current_dir(project.path()).arg("lint"));
    let text = all_output(&out);
    assert_eq!(code(&out), 1, "{text}");
    for shown in [
        "database name `main\\r` is not allowed",
        "unknown kind `server\\nX=1`",
        "env_prefix `A\\tB` is not a valid variable prefix",
        "contains a control character: `a\\u{7}b`",
    ] {
        assert!(text.contains(shown), "{shown}: {text}");
    }
    // No message line was broken by a raw control character.
    assert!(!text.contains("\nX=1"), "{text}");
    assert!(!text.contains('\u{7}') && !text.contains('\t'), "{text:?}");
}

/// Spellings that Windows or macOS take for `.git` (or that show as another name) are refused
/// as a `dir`, and nothing is written into them.
#[test]
fn spellings_of_git_and_invisible_names_are_refused() {
    for dir in [
        ".git.",
        ".git ",
        ".git\u{200b}",
        ".GIT",
        "a/.g\u{200c}it",
        "GIT~1",
        "svc.",
        "s\u{feff}vc",
    ] {
        let project = tempfile::tempdir().unwrap();
        let key = serde_json::to_string(dir).unwrap();
        let out = generate(
            project.path(),
            &format!("[target.api]\nkind = \"server\"\ndir = {key}\n"),
        );
        let text = all_output(&out);
        assert_eq!(code(&out), 1, "{dir:?}: {text}");
        assert!(
            text.contains("error[dir-outside-project]"),
            "{dir:?}: {text}"
        );
        assert!(
            file_names_below(project.path())
                .iter()
                .all(|f| f == "upwire.toml" || f == "REDIS.md"),
            "{dir:?}: {:?}",
            file_names_below(project.path())
        );
    }
}

/// Writes are confined by where the file system leads, not by the path's text: a directory
/// or a file on the way that is a symlink out of the project or into `.git` stops the run
/// before anything is written, with an error that says where it leads.
#[cfg(unix)]
mod links {
    use std::os::unix::fs::symlink;
    use std::path::Path;

    use crate::support::{all_output, code, file_bytes_below};

    /// A project below `outer` with a `.git` (a config and a hook) and a directory `elsewhere`
    /// beside it; returns the project's path.
    fn setup(outer: &Path) -> std::path::PathBuf {
        let project = outer.join("project");
        std::fs::create_dir_all(project.join(".git/hooks")).unwrap();
        std::fs::write(project.join(".git/config"), "[core]\n\tbare = false\n").unwrap();
        std::fs::write(project.join(".git/hooks/pre-commit"), "#!/bin/sh\nexit 0\n").unwrap();
        std::fs::create_dir_all(outer.join("elsewhere")).unwrap();
        std::fs::write(outer.join("elsewhere/keep"), "x").unwrap();
        project
    }

    fn refused(outer: &Path, project: &Path, descriptor: &str, why: &str) {
        let before = file_bytes_below(outer);
        let out = super::generate(project, descriptor);
        let text = all_output(&out);
        assert_eq!(code(&out), 2, "{text}");
        assert!(text.contains("error: cannot write `"), "{text}");
        assert!(text.contains(why), "{why}: {text}");
        assert!(text.contains("nothing was written"), "{text}");
        assert!(!text.contains("AXpathCanary7788"), "{text}");
        // The descriptor is the only change: generate wrote it in `generate` above.
        let mut after = file_bytes_below(outer);
        let mut before = before;
        after.remove("project/upwire.toml");
        before.remove("project/upwire.toml");
        assert_eq!(
            after.keys().collect::<Vec<_>>(),
            before.keys().collect::<Vec<_>>(),
            "{text}"
        );
        assert_eq!(after, before, "{text}");
    }

    const SERVER: &str = "[target.api]\nkind = \"server\"\ndir = \"svc\"\n";
    const VERCEL: &str = "[target.web]\nkind = \"lambda\"\ntransport = \"tcp\"\nplatform = \"vercel\"\ndir = \"web\"\n";

    #[test]
    fn a_dir_that_is_a_link_out_of_the_project_is_refused() {
        let outer = tempfile::tempdir().unwrap();
        let project = setup(outer.path());
        symlink(outer.path().join("elsewhere"), project.join("svc")).unwrap();
        refused(outer.path(), &project, SERVER, "outside the project");
        // A relative link out is the same.
        std::fs::remove_file(project.join("svc")).unwrap();
        symlink("../elsewhere", project.join("svc")).unwrap();
        refused(outer.path(), &project, SERVER, "outside the project");
    }

    #[test]
    fn a_dir_that_is_a_link_into_git_is_refused() {
        let outer = tempfile::tempdir().unwrap();
        let project = setup(outer.path());
        symlink(".git", project.join("svc")).unwrap();
        refused(outer.path(), &project, SERVER, "into a `.git` directory");
    }

    #[test]
    fn a_committed_file_that_links_into_git_is_refused() {
        let outer = tempfile::tempdir().unwrap();
        let project = setup(outer.path());
        std::fs::create_dir(project.join("svc")).unwrap();
        symlink("../.git/config", project.join("svc/.env.example")).unwrap();
        refused(outer.path(), &project, SERVER, "into a `.git` directory");

        std::fs::create_dir(project.join("web")).unwrap();
        symlink(
            "../.git/hooks/pre-commit",
            project.join("web/vercel-env.sh"),
        )
        .unwrap();
        std::fs::remove_file(project.join("svc/.env.example")).unwrap();
        refused(outer.path(), &project, VERCEL, "into a `.git` directory");
    }

    /// A link that stays inside the project is still written through (a shared `.env`).
    #[test]
    fn a_dir_linked_inside_the_project_is_written() {
        let outer = tempfile::tempdir().unwrap();
        let project = setup(outer.path());
        std::fs::create_dir(project.join("shared")).unwrap();
        symlink("shared", project.join("svc")).unwrap();
        let out = super::generate(&project, SERVER);
        assert_eq!(code(&out), 0, "{}", all_output(&out));
        assert!(project.join("shared/.env").is_file());
    }
}

/// Two `generate` runs at once in one project, many times over: the second waits for the
/// first (a lock on the descriptor), both succeed, every file is whole, and no temp file is
/// left; never "No such file" from one removing the other's temp file.
#[test]
fn concurrent_generate_runs_serialise() {
    let project = tempfile::tempdir().unwrap();
    let mut descriptor = String::from(DATABASE);
    for i in 0..40 {
        descriptor.push_str(&format!(
            "[target.t{i}]\nkind = \"server\"\ndir = \"svc{i}\"\n\n"
        ));
    }
    std::fs::write(project.path().join("upwire.toml"), &descriptor).unwrap();
    let spawn = || {
        upwire()
            .current_dir(project.path())
            .env("PW", "AXpathCanary7788")
            .arg("generate")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let want = "REDIS_URL=rediss://default:AXpathCanary7788@eu1-tidy-cat-12345.upstash.io:6379\n";
    for round in 0..10 {
        if round % 2 == 1 {
            // Every other round from scratch: both runs create the files.
            for i in 0..40 {
                let _ = std::fs::remove_dir_all(project.path().join(format!("svc{i}")));
            }
        }
        let (a, b) = (spawn(), spawn());
        for child in [a, b] {
            let out = child.wait_with_output().unwrap();
            let text = all_output(&out);
            assert!(
                code(&out) == 0
                    || (code(&out) == 2 && text.contains("another upwire generate is running")),
                "round {round}: {text}"
            );
            assert!(!text.contains("No such file"), "round {round}: {text}");
        }
        for i in 0..40 {
            let env = std::fs::read_to_string(project.path().join(format!("svc{i}/.env"))).unwrap();
            assert!(env.ends_with(want), "round {round}, svc{i}: {env}");
        }
        let temps: Vec<String> = file_names_below(project.path())
            .into_iter()
            .filter(|f| f.ends_with(".tmp"))
            .collect();
        assert!(temps.is_empty(), "round {round}: {temps:?}");
    }
}

/// A folder whose name has a space or a `$` is a folder, not a credential: `generate` writes
/// into it (the classifier reads `apps/` as a URL's scheme only when the `dir` holds what a
/// URL with a secret has); a token-shaped `dir` or one with a password is still refused and
/// never written or printed.
#[test]
fn a_dir_with_a_space_or_a_dollar_is_written_and_a_credential_refused() {
    let project = tempfile::tempdir().unwrap();
    let out = generate(
        project.path(),
        "[target.a]\nkind = \"server\"\ndir = \"apps/we b\"\n\n\
         [target.b]\nkind = \"server\"\ndir = \"apps/x$y\"\n",
    );
    assert_eq!(code(&out), 0, "{}", all_output(&out));
    for dir in ["apps/we b", "apps/x$y"] {
        assert!(
            project
                .path()
                .join(dir)
                .join("src/redis_client.rs")
                .is_file(),
            "{dir}: {}",
            all_output(&out)
        );
    }
    for dir in [
        "apps/AXdirTokenCanary0123456789abcdef",
        "rediss://default:DirPwCanary4455@h.upstash.io",
    ] {
        let project = tempfile::tempdir().unwrap();
        let out = generate(
            project.path(),
            &format!("[target.a]\nkind = \"server\"\ndir = \"{dir}\"\n"),
        );
        let said = all_output(&out);
        assert!(said.contains("error[invalid-name]"), "{said}");
        for canary in ["AXdirTokenCanary0123456789abcdef", "DirPwCanary4455"] {
            assert!(!said.contains(canary), "{canary} in {said}");
        }
        // Only the guide, which shows the target's `dir` masked.
        assert_eq!(
            file_names_below(project.path()),
            ["REDIS.md", "upwire.toml"],
            "{said}"
        );
        let guide = std::fs::read_to_string(project.path().join("REDIS.md")).unwrap();
        for canary in ["AXdirTokenCanary0123456789abcdef", "DirPwCanary4455"] {
            assert!(!guide.contains(canary), "{canary} in {guide}");
        }
    }
}
