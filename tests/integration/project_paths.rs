//! `generate` writes only inside the project (issue 12): a `dir` that leaves the directory
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
        text.contains("targets `api` and `worker` share `svc` but need different values under `REDIS_URL`"),
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
