//! `init` and opening a project: `init` for every combination of kinds, then `lint` and `generate`;
//! `lint` and `generate` agree on errors; `lint --no-env`; finding `upwire.toml` upward and the
//! `.env` beside it; what a missing descriptor says.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use crate::support::test::Test;
use crate::support::{INIT_VARIABLES as VALUES, all_output, code, json, run, upwire_in};

const KINDS: [&str; 5] = ["server", "container", "lambda", "edge", "mobile"];

/// `upwire init --kind K...` in `dir`.
fn init(dir: &Path, kinds: &[&str]) -> Output {
    let mut cmd = upwire_in(dir);
    cmd.arg("init");
    for k in kinds {
        cmd.args(["--kind", k]);
    }
    run(&mut cmd)
}

/// The `${NAME}`s the descriptor's uncommented lines refer to.
fn referenced(descriptor: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in descriptor
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
    {
        let mut rest = line;
        while let Some(start) = rest.find("${") {
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else { break };
            names.insert(after[..end].to_owned());
            rest = &after[end..];
        }
    }
    names
}

/// Writes a `.env` in `dir` with a valid value for every variable `descriptor` refers to;
/// panics on a variable this test has no value for.
fn write_valid_env(dir: &Path, descriptor: &str) {
    let mut text = String::new();
    for name in referenced(descriptor) {
        let value = VALUES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
            .unwrap_or_else(|| panic!("no test value for ${{{name}}}"));
        text.push_str(&format!("{name}={value}\n"));
    }
    std::fs::write(dir.join(".env"), text).expect("write .env");
}

fn error_codes(doc: &serde_json::Value) -> BTreeSet<String> {
    doc["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn all_codes(doc: &serde_json::Value) -> Vec<String> {
    doc["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Every non-empty subset of the kinds, as `--kind` lists, and plain `init` (no kind).
fn every_combination() -> Vec<Vec<&'static str>> {
    let mut all = vec![Vec::new()];
    for mask in 1..(1u32 << KINDS.len()) {
        all.push(
            KINDS
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, k)| *k)
                .collect(),
        );
    }
    all
}

#[test]
fn init_for_every_combination_of_kinds_passes_lint_and_generate() {
    let combinations = every_combination();
    assert_eq!(combinations.len(), 32);
    for (n, kinds) in combinations.iter().enumerate() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path();
        let out = init(dir, kinds);
        assert_eq!(code(&out), 0, "init {kinds:?}: {}", all_output(&out));
        let descriptor = std::fs::read_to_string(dir.join("upwire.toml")).expect("written");

        // Target names say their kind; several targets get one `dir` each.
        let effective: Vec<&str> = if kinds.is_empty() {
            vec!["server"]
        } else {
            kinds.clone()
        };
        for k in &effective {
            for line in [format!("[target.{k}]\n"), format!("\nkind = \"{k}\"\n")] {
                assert!(descriptor.contains(&line), "{kinds:?}: {descriptor}");
            }
            assert_eq!(
                descriptor.contains(&format!("\ndir = \"{k}\"")),
                effective.len() > 1,
                "{kinds:?}: {descriptor}"
            );
        }
        // Only the variables the kinds use.
        let vars = referenced(&descriptor);
        let tcp = effective
            .iter()
            .any(|k| ["server", "container"].contains(k));
        let full_rest = effective.iter().any(|k| ["lambda", "edge"].contains(k));
        let mobile = effective.contains(&"mobile");
        let want: BTreeSet<String> = [
            (tcp, "REDIS_URL"),
            (full_rest || mobile, "UPSTASH_REDIS_REST_URL"),
            (full_rest, "UPSTASH_REDIS_REST_TOKEN"),
            (mobile, "UPSTASH_REDIS_REST_READONLY_TOKEN"),
        ]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, name)| name.to_owned())
        .collect();
        assert_eq!(vars, want, "{kinds:?}");

        write_valid_env(dir, &descriptor);
        let lint = run(upwire_in(dir).args(["lint", "--format", "json"]));
        assert_eq!(code(&lint), 0, "lint {kinds:?}: {}", all_output(&lint));
        assert_eq!(all_codes(&json(&lint)), Vec::<String>::new(), "{kinds:?}");
        assert_eq!(json(&lint)["dotenv"], ".env", "{kinds:?}");

        let dry = run(upwire_in(dir).args(["generate", "--dry-run", "--format", "json"]));
        assert_eq!(code(&dry), 0, "dry run {kinds:?}: {}", all_output(&dry));
        let doc = json(&dry);
        assert_eq!(error_codes(&doc), BTreeSet::new(), "{kinds:?}");
        assert!(
            !all_codes(&doc).contains(&"target-skipped".to_owned()),
            "{kinds:?}: {doc}"
        );

        // A real run for a few: every target gets its own .env.
        if n % 8 == 0 || effective.len() == KINDS.len() {
            let generated = run(upwire_in(dir).arg("generate"));
            assert_eq!(
                code(&generated),
                0,
                "generate {kinds:?}: {}",
                all_output(&generated)
            );
            for k in &effective {
                let sub = if effective.len() > 1 {
                    dir.join(k)
                } else {
                    dir.to_path_buf()
                };
                assert!(sub.join(".env").is_file(), "{kinds:?}: no {k}/.env");
                assert!(sub.join(".env.example").is_file(), "{kinds:?}");
            }
        }
    }
}

#[test]
fn init_refuses_a_repeated_kind_and_names_it() {
    let test = Test::new()
        .args([
            "init", "--kind", "lambda", "--kind", "edge", "--kind", "lambda",
        ])
        .status(2)
        .stderr_contains("`--kind lambda` is given twice");
    test.run();
    assert!(!test.dir().join("upwire.toml").exists());
}

#[test]
fn a_server_only_project_asks_only_for_redis_url() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    assert_eq!(code(&init(dir, &[])), 0);
    let lint = run(upwire_in(dir).args(["lint", "--format", "json"]));
    assert_eq!(code(&lint), 1);
    let doc = json(&lint);
    let messages: Vec<&str> = doc["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .map(|d| d["message"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(all_codes(&doc), ["unresolved-variable"], "{doc}");
    assert!(messages[0].contains("`${REDIS_URL}`"), "{messages:?}");
    // Once set under the name `init` asked for, `generate` leaves the file as it is (no copy
    // of the URL under a second name) and the starter reads that name.
    let descriptor = std::fs::read_to_string(dir.join("upwire.toml")).expect("read");
    write_valid_env(dir, &descriptor);
    let before = std::fs::read_to_string(dir.join(".env")).expect("read");
    let generated = run(upwire_in(dir).arg("generate"));
    assert_eq!(code(&generated), 0, "{}", all_output(&generated));
    assert_eq!(
        std::fs::read_to_string(dir.join(".env")).expect("read"),
        before
    );
    let starter = std::fs::read_to_string(dir.join("src/redis_client.rs")).expect("starter");
    assert!(
        starter.contains("pub const URL_VAR: &str = \"REDIS_URL\";"),
        "{starter}"
    );
}

/// Descriptors `generate` refuses: `lint` reports the same errors, from the same plan.
const BAD: &[(&str, &str)] = &[
    (
        "dir-conflict",
        "[database.main]\nredis_url = \"${REDIS_URL}\"\n[database.cache]\nredis_url = \"redis://127.0.0.1:6380\"\n\
         [target.api]\nkind = \"server\"\ndatabase = \"main\"\n[target.worker]\nkind = \"container\"\ndatabase = \"cache\"\ndir = \"./\"\n",
    ),
    (
        "dir-outside-project",
        "[database.main]\nredis_url = \"${REDIS_URL}\"\n[target.server]\nkind = \"server\"\ndir = \"../elsewhere\"\n",
    ),
    (
        "token-missing",
        "[database.main]\nrest_url = \"${UPSTASH_REDIS_REST_URL}\"\n[target.edge]\nkind = \"edge\"\n",
    ),
    (
        "unresolved",
        "[database.main]\nredis_url = \"${NOT_SET_ANYWHERE}\"\n[target.server]\nkind = \"server\"\n",
    ),
    (
        "rest-url-in-redis-url",
        "[database.main]\nredis_url = \"https://eu1-tidy-cat-12345.upstash.io\"\n[target.server]\nkind = \"server\"\n",
    ),
    (
        "unknown-kind",
        "[database.main]\nredis_url = \"${REDIS_URL}\"\n[target.server]\nkind = \"sever\"\n",
    ),
    (
        "database-lacks-transport",
        "[database.main]\nrest_url = \"${UPSTASH_REDIS_REST_URL}\"\nrest_token = \"${UPSTASH_REDIS_REST_TOKEN}\"\n\
         [target.server]\nkind = \"server\"\n",
    ),
    (
        "blocking-on-edge",
        "[database.main]\nredis_url = \"${REDIS_URL}\"\nrest_url = \"${UPSTASH_REDIS_REST_URL}\"\nrest_token = \"${UPSTASH_REDIS_REST_TOKEN}\"\n\
         [target.edge]\nkind = \"edge\"\nneeds = [\"blocking\"]\n",
    ),
];

#[test]
fn lint_reports_every_error_generate_does() {
    for (name, descriptor) in BAD {
        let tmp = tempfile::tempdir().expect("temp dir");
        let project = tmp.path().join("project");
        std::fs::create_dir(&project).expect("mkdir");
        std::fs::write(project.join("upwire.toml"), descriptor).expect("write");
        let with_values = |cmd: &mut Command| {
            cmd.envs(VALUES);
        };
        let mut lint = upwire_in(&project);
        with_values(lint.args(["lint", "--format", "json"]));
        let lint = run(&mut lint);
        let mut generated = upwire_in(&project);
        with_values(generated.args(["generate", "--dry-run", "--format", "json"]));
        let generated = run(&mut generated);
        let (l, g) = (error_codes(&json(&lint)), error_codes(&json(&generated)));
        assert!(
            !l.is_empty(),
            "{name}: no error at all: {}",
            all_output(&lint)
        );
        assert_eq!(l, g, "{name}");
        assert_eq!(code(&lint), 1, "{name}");
        assert_eq!(code(&generated), 1, "{name}");
    }
}

#[test]
fn lint_no_env_checks_everything_but_the_values() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    assert_eq!(code(&init(dir, &KINDS)), 0);
    // No variable anywhere, and a .env with a wrong value that must not be read.
    std::fs::write(dir.join(".env"), "REDIS_URL=https://not-tcp.example\n").expect("write");
    let out = run(upwire_in(dir).args(["lint", "--no-env"]));
    assert_eq!(code(&out), 0, "{}", all_output(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "ok: no problems found in upwire.toml\n"
    );
    // Without --no-env the same descriptor asks for its variables.
    let out = run(upwire_in(dir).args(["--no-dotenv", "lint", "--format", "json"]));
    assert_eq!(code(&out), 1);
    assert!(
        all_codes(&json(&out))
            .iter()
            .all(|c| c == "unresolved-variable")
    );

    // Everything else is still checked: a literal value, a kind, a dir.
    let bad = "[database.main]\nredis_url = \"https://eu1-tidy-cat-12345.upstash.io\"\nrest_url = \"${UPSTASH_REDIS_REST_URL}\"\n\
               [target.server]\nkind = \"sever\"\n[target.two]\nkind = \"server\"\ndir = \"/abs\"\n";
    std::fs::write(dir.join("upwire.toml"), bad).expect("write");
    let out = run(upwire_in(dir).args(["lint", "--no-env", "--format", "json"]));
    assert_eq!(code(&out), 1, "{}", all_output(&out));
    let codes = all_codes(&json(&out));
    assert!(
        !codes.contains(&"unresolved-variable".to_owned()),
        "{codes:?}"
    );
    for want in ["rest-url-in-redis-url", "dir-outside-project"] {
        assert!(codes.contains(&want.to_owned()), "{want}: {codes:?}");
    }
    assert!(codes.iter().any(|c| c.starts_with("unknown")), "{codes:?}");
}

/// A project with its descriptor and .env, and `sub/deep` below it.
fn project_with_subdir() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let project = tmp.path().join("project");
    let deep = project.join("sub/deep");
    std::fs::create_dir_all(&deep).expect("mkdir");
    assert_eq!(code(&init(&project, &[])), 0);
    let descriptor = std::fs::read_to_string(project.join("upwire.toml")).expect("read");
    write_valid_env(&project, &descriptor);
    (tmp, project, deep)
}

#[test]
fn the_descriptor_is_found_upward_and_generate_writes_beside_it() {
    let (_tmp, project, deep) = project_with_subdir();
    let lint = run(upwire_in(&deep).arg("lint"));
    assert_eq!(code(&lint), 0, "{}", all_output(&lint));
    let stderr = String::from_utf8_lossy(&lint.stderr);
    assert_eq!(
        stderr,
        "note: reading ../../.env next to ../../upwire.toml (--no-dotenv to skip)\n\
         ok: no problems found in ../../upwire.toml, ../../.env\n"
    );

    let generated = run(upwire_in(&deep).arg("generate"));
    assert_eq!(code(&generated), 0, "{}", all_output(&generated));
    assert!(project.join(".env.example").is_file());
    assert!(project.join("REDIS.md").is_file());
    assert!(project.join("src/redis_client.rs").is_file());
    let written_below: Vec<_> = std::fs::read_dir(&deep).expect("read").collect();
    assert!(
        written_below.is_empty(),
        "wrote into the cwd: {written_below:?}"
    );

    // JSON says which .env was read.
    let doc = json(&run(upwire_in(&deep).args(["resolve", "--format", "json"])));
    assert_eq!(doc["dotenv"], "../../.env");
    assert_eq!(doc["diagnostics"], serde_json::json!([]));
}

#[test]
fn no_dotenv_skips_the_env_file_beside_the_descriptor() {
    let (_tmp, _project, deep) = project_with_subdir();
    let out = run(upwire_in(&deep).args(["--no-dotenv", "lint", "--format", "json"]));
    assert_eq!(code(&out), 1, "{}", all_output(&out));
    let doc = json(&out);
    assert_eq!(doc.get("dotenv"), None);
    assert_eq!(doc.get("env_files"), None);
    assert_eq!(all_codes(&doc), ["unresolved-variable"]);
    assert!(!all_output(&out).contains("reading"));
}

#[test]
fn the_process_environment_and_env_files_come_before_the_default_env() {
    let (_tmp, project, _deep) = project_with_subdir();
    // The default .env holds a wrong value: whatever comes first must win.
    std::fs::write(project.join(".env"), "REDIS_URL=https://not-tcp.example\n").expect("write");
    let fails = run(upwire_in(&project).arg("lint"));
    assert_eq!(code(&fails), 1, "{}", all_output(&fails));

    // `lint upwire.toml`: the descriptor alone (plain `lint` also lints the .env it reads).
    let from_process = run(upwire_in(&project)
        .envs(VALUES)
        .args(["lint", "upwire.toml"]));
    assert_eq!(code(&from_process), 0, "{}", all_output(&from_process));

    let file = project.join("good.env");
    std::fs::write(&file, format!("REDIS_URL={}\n", VALUES[0].1)).expect("write");
    let from_file =
        run(upwire_in(&project).args(["--env-file", "good.env", "lint", "upwire.toml"]));
    assert_eq!(code(&from_file), 0, "{}", all_output(&from_file));
}

#[test]
fn an_explicit_config_is_not_searched_for() {
    let (_tmp, _project, deep) = project_with_subdir();
    for test in [
        Test::in_dir(&deep).args(["-c", "upwire.toml", "lint"]),
        Test::in_dir(&deep)
            .env("UPWIRE_CONFIG", "upwire.toml")
            .arg("lint"),
    ] {
        test.status(2)
            .stdout("")
            .stderr(
                "error: `upwire.toml` does not exist; check the path, or run \
                 `upwire init -c upwire.toml` to write it\n",
            )
            .run();
    }
}

#[test]
fn a_missing_descriptor_says_what_to_do_in_every_command() {
    let tmp = tempfile::tempdir().expect("temp dir");
    for command in [&["lint"][..], &["resolve"], &["generate"], &["docs"]] {
        let out = run(upwire_in(tmp.path()).args(command));
        assert_eq!(code(&out), 2, "{command:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "error: no `upwire.toml` in this directory or any parent; run `upwire init` to write one, or pass -c PATH\n",
            "{command:?}"
        );
        let out = run(upwire_in(tmp.path())
            .args(["-c", "nope.toml"])
            .args(command));
        assert_eq!(code(&out), 2, "{command:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr,
            "error: `nope.toml` does not exist; check the path, or run `upwire init -c nope.toml` to write it\n",
            "{command:?}"
        );
        assert!(!stderr.contains("-c PATH"), "{stderr}");
    }
}

/// Only the values copied from the console (a Marketplace custom prefix among them), no
/// descriptor: `lint` and `fix` read the env files in the folder and say so; `fix` repairs
/// what is certain and the rest stays reported.
#[test]
fn without_a_descriptor_lint_and_fix_read_the_env_files_in_the_folder() {
    let tmp = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        tmp.path().join(".env.local"),
        "STORAGE_KV_REST_API_URL=rediss://default:AXJkcGFzcw@eu1-tidy-cat-12345.upstash.io:6379\nSTORAGE_KV_REST_API_TOKEN=\"Bearer AXJkdG9rZW4\"\n",
    )
    .expect("write");
    std::fs::write(
        tmp.path().join(".dev.vars"),
        "REDIS_URL=redis://default:AXJkcGFzcw@eu1-tidy-cat-12345.upstash.io:6379\n",
    )
    .expect("write");
    let out = run(upwire_in(tmp.path()).args(["lint", "--format", "json"]));
    assert_eq!(code(&out), 1, "{}", all_output(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr,
        "note: no upwire.toml; linting .env.local, .dev.vars (the env files in this folder)\n"
    );
    let codes: Vec<String> = crate::support::json(&out)["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        codes,
        [
            "redis-url-in-rest-url",
            "token-has-bearer-prefix",
            "tls-required"
        ]
    );
    assert!(!all_output(&out).contains("AXJk"), "no secret shown");

    let out = run(upwire_in(tmp.path()).arg("fix"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(
            "note: no upwire.toml; fixing .env.local, .dev.vars (the env files in this folder)\n"
        ),
        "{stderr}"
    );
    let fixed = std::fs::read_to_string(tmp.path().join(".env.local")).expect("read");
    assert!(
        fixed.contains("STORAGE_KV_REST_API_TOKEN=\"AXJkdG9rZW4\""),
        "{fixed}"
    );
    let fixed = std::fs::read_to_string(tmp.path().join(".dev.vars")).expect("read");
    assert!(fixed.starts_with("REDIS_URL=rediss://"), "{fixed}");
}

#[test]
fn an_unreadable_default_env_is_a_warning_not_a_stop() {
    let (_tmp, project, _deep) = project_with_subdir();
    std::fs::write(project.join(".env"), "A=\"unclosed\n").expect("write");
    let out = run(upwire_in(&project).envs(VALUES).arg("lint"));
    assert_eq!(code(&out), 0, "{}", all_output(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("warning: env file `.env`: cannot parse line "),
        "{stderr}"
    );
    assert!(
        stderr.contains("run `upwire lint .env` to see why"),
        "{stderr}"
    );
    // Given with --env-file, the same file stops the run.
    let out = run(upwire_in(&project).args(["--env-file", ".env", "lint"]));
    assert_eq!(code(&out), 2, "{}", all_output(&out));
}

/// A project of `files`, with `init` run in its folder as a user would: it says it `found`
/// each of those lines; then `lint`, `generate` and `lint` over everything written pass. The
/// project is returned for more checks.
fn init_generate_and_lint(files: &[(&str, &str)], found: &[&str]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    let out = run(upwire_in(dir).arg("init"));
    assert_eq!(code(&out), 0, "{}", all_output(&out));
    let said = String::from_utf8_lossy(&out.stderr);
    for line in found {
        assert!(said.contains(line), "{line}\n{said}");
    }
    let lint = run(upwire_in(dir).arg("lint"));
    assert_eq!(code(&lint), 0, "{}", all_output(&lint));
    let generate = run(upwire_in(dir).arg("generate"));
    assert_eq!(code(&generate), 0, "{}", all_output(&generate));
    let written: Vec<String> = crate::support::file_names_below(dir)
        .into_iter()
        .filter(|f| !f.starts_with(".git/"))
        .collect();
    let lint = run(upwire_in(dir).arg("lint").args(&written));
    assert_eq!(code(&lint), 0, "{}", all_output(&lint));
    tmp
}

/// `init` in a project it recognises: a Rust service on Fly in `api/` and a Next.js app with
/// middleware in `web/`, reading the names the Vercel integration wrote.
#[test]
fn init_reads_the_project_it_runs_in() {
    let tmp = init_generate_and_lint(
        &[
            (
                "api/Cargo.toml",
                "[package]\nname = \"api\"\n\n[dependencies]\naxum = \"0.8\"\n",
            ),
            ("api/fly.toml", "app = \"api\"\nprimary_region = \"ams\"\n"),
            ("web/package.json", r#"{"dependencies":{"next":"15.1.0"}}"#),
            ("web/middleware.ts", "export function middleware() {}\n"),
            (".gitignore", ".env\n.env*.local\n"),
            (
                ".env",
                "REDIS_URL=rediss://default:ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl@eu1-tidy-cat-12345.upstash.io:6379\n\
                 KV_REST_API_URL=https://eu1-tidy-cat-12345.upstash.io\n\
                 KV_REST_API_TOKEN=ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl\n",
            ),
        ],
        &[
            "found: target `api` (server on fly, framework axum) in api",
            "found: target `web` (lambda on vercel, framework nextjs) in web",
            "found: target `web-middleware` (edge on vercel, framework nextjs) in web",
        ],
    );
    let dir = tmp.path();
    let descriptor = std::fs::read_to_string(dir.join("upwire.toml")).expect("read");
    assert!(
        descriptor.contains("rest_url = \"${KV_REST_API_URL}\""),
        "{descriptor}"
    );
    assert!(
        descriptor.contains("redis_url = \"${REDIS_URL}\""),
        "{descriptor}"
    );
    assert!(dir.join("web/.env.local").exists() && dir.join("web/lib/redis.ts").exists());
    assert!(dir.join("api/src/redis_client.rs").exists());
}

/// `init` in a project on the newer platforms: Hono on Deno Deploy in `edge/` (a `deno.json`
/// importing `jsr:@hono/hono` with a `deployctl` task), an Express server on Railway in `api/`,
/// and a Next.js app with Supabase Edge Functions in `web/`: each gets its platform's files.
#[test]
fn init_reads_deno_deploy_railway_and_supabase_projects() {
    let tmp = init_generate_and_lint(
        &[
            (
                "edge/deno.json",
                r#"{"tasks":{"deploy":"deployctl deploy --prod"},"imports":{"hono":"jsr:@hono/hono@^4"}}"#,
            ),
            ("edge/main.ts", "import { Hono } from \"hono\";\n"),
            ("api/package.json", r#"{"dependencies":{"express":"5"}}"#),
            (
                "api/railway.toml",
                "[deploy]\nstartCommand = \"node index.js\"\n",
            ),
            ("web/package.json", r#"{"dependencies":{"next":"15.1.0"}}"#),
            ("web/supabase/config.toml", "project_id = \"web\"\n"),
            (
                "web/supabase/functions/hello/index.ts",
                "Deno.serve(() => new Response(\"hi\"));\n",
            ),
            (".gitignore", ".env\n.env*.local\n"),
            (
                ".env",
                "REDIS_URL=rediss://default:ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl@eu1-tidy-cat-12345.upstash.io:6379\n\
                 UPSTASH_REDIS_REST_URL=https://eu1-tidy-cat-12345.upstash.io\n\
                 UPSTASH_REDIS_REST_TOKEN=ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl\n",
            ),
        ],
        &[
            "found: target `api` (server on railway, framework express) in api",
            "found: target `edge` (edge on deno-deploy, framework hono) in edge",
            "found: target `web` (lambda on vercel, framework nextjs) in web",
            "found: target `web-functions` (edge on supabase) in web",
        ],
    );
    for file in [
        "api/railway-env.sh",
        "edge/src/redis.ts",
        "edge/deno-deploy-env.sh",
        "web/.env.local",
        "web/supabase/functions/.env",
        "web/supabase/functions/_shared/redis.ts",
        "web/supabase-secrets.sh",
    ] {
        assert!(tmp.path().join(file).exists(), "{file}");
    }
}

/// The Vercel Marketplace integration given a custom prefix (`STORAGE_`): `init` proposes its
/// names and the prefix, says on screen exactly the names it wrote, and `generate` keeps to the
/// prefixed names (the starter reads them; `.env.local`, which `vercel env pull` wrote, is not
/// given un-prefixed copies the platform never sets).
#[test]
fn init_keeps_the_marketplace_custom_prefix() {
    let env_local = "# Created by Vercel CLI\n\
        STORAGE_KV_REST_API_READ_ONLY_TOKEN=\"AlYMAEJUnFYzPAm3I9ds4XkUWWVx3S-kT01WdQY6HgfDkQ\"\n\
        STORAGE_KV_REST_API_TOKEN=\"AVYMAEJUnFYzPAm3I9ds4XkUWWVx3S-kT01WdQY6HgfDkQ\"\n\
        STORAGE_KV_REST_API_URL=\"https://equipped-owl-22028.upstash.io\"\n\
        STORAGE_REDIS_URL=\"rediss://default:AVYMAEJUnFYzPAm3I9ds4XkUWWVx3S-kT01WdQY6HgfDkQ@equipped-owl-22028.upstash.io:6379\"\n";
    let tmp = init_generate_and_lint(
        &[
            ("package.json", r#"{"dependencies":{"next":"15.1.0"}}"#),
            (".gitignore", ".env\n.env*.local\n"),
            (".env.local", env_local),
        ],
        &[
            "found: variable names in .env.local; the database reads `STORAGE_KV_REST_API_URL`, `STORAGE_KV_REST_API_TOKEN`\n",
        ],
    );
    let dir = tmp.path();
    let descriptor = std::fs::read_to_string(dir.join("upwire.toml")).expect("read");
    for line in [
        "env_names = \"vercel-marketplace\"",
        "rest_url = \"${STORAGE_KV_REST_API_URL}\"",
        "rest_token = \"${STORAGE_KV_REST_API_TOKEN}\"",
        "env_prefix = \"STORAGE_\"",
        "# redis_url = ",
    ] {
        assert!(descriptor.contains(line), "{line}\n{descriptor}");
    }
    assert_eq!(
        std::fs::read_to_string(dir.join(".env.local")).expect("read"),
        env_local
    );
    let starter = std::fs::read_to_string(dir.join("lib/redis.ts")).expect("read");
    assert!(
        starter.contains("process.env.STORAGE_KV_REST_API_URL")
            && !starter.contains("process.env.KV_REST_API_URL"),
        "{starter}"
    );
}

/// What `init` says the database reads is what it wrote: no field left as a comment, and a
/// name in no env file is said to be missing.
#[test]
fn init_says_the_names_it_wrote() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    std::fs::write(
        dir.join("package.json"),
        r#"{"dependencies":{"hono":"4","wrangler":"4"}}"#,
    )
    .unwrap();
    std::fs::write(dir.join("wrangler.toml"), "name = \"w\"\n").unwrap();
    std::fs::write(
        dir.join(".dev.vars"),
        "UPSTASH_REDIS_REST_URL=https://eu1-tidy-cat-12345.upstash.io\n",
    )
    .unwrap();
    let out = run(upwire_in(dir).arg("init"));
    assert_eq!(code(&out), 0, "{}", all_output(&out));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(
            "found: variable names in .dev.vars; the database reads `UPSTASH_REDIS_REST_URL`\n"
        ) && said
            .contains("the database also reads `UPSTASH_REDIS_REST_TOKEN`, in no env file yet")
            && !said.contains("`REDIS_URL`"),
        "{said}"
    );
}

/// `init` in a monorepo two levels deep (`apps/web`, `apps/worker`), and a platform named only
/// by the framework's deployment adapter (`@astrojs/vercel`, Nuxt's Nitro `preset`).
#[test]
fn init_reads_monorepos_and_deployment_adapters() {
    let env = "REDIS_URL=rediss://default:ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl@eu1-tidy-cat-12345.upstash.io:6379\n\
        UPSTASH_REDIS_REST_URL=https://eu1-tidy-cat-12345.upstash.io\n\
        UPSTASH_REDIS_REST_TOKEN=ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl\n";
    init_generate_and_lint(
        &[
            (
                "package.json",
                r#"{"private":true,"workspaces":["apps/*"]}"#,
            ),
            (
                "apps/web/package.json",
                r#"{"dependencies":{"next":"15.1.0"}}"#,
            ),
            (
                "apps/worker/package.json",
                r#"{"dependencies":{"bullmq":"5"}}"#,
            ),
            ("apps/worker/railway.json", "{}"),
            (".gitignore", ".env\n.env*.local\n"),
            (".env", env),
        ],
        &[
            "found: target `web` (lambda on vercel, framework nextjs) in apps/web",
            "found: target `worker` (server on railway, framework bullmq) in apps/worker",
        ],
    );
    init_generate_and_lint(
        &[
            (
                "package.json",
                r#"{"dependencies":{"astro":"^5.1.0","@astrojs/vercel":"^8.0.0"}}"#,
            ),
            (".gitignore", ".env\n"),
            (".env", env),
        ],
        &[
            "(lambda on vercel, framework astro) in ., from package.json: astro; platform from package.json: @astrojs/vercel",
        ],
    );
    init_generate_and_lint(
        &[
            ("package.json", r#"{"dependencies":{"nuxt":"^3.15.0"}}"#),
            (
                "nuxt.config.ts",
                "export default defineNuxtConfig({ nitro: { preset: \"netlify\" } })\n",
            ),
            (".gitignore", ".env\n"),
            (".env", env),
        ],
        &[
            "on netlify, framework nuxt) in ., from package.json: nuxt; platform from nuxt.config.ts",
        ],
    );
    // Remix on Vercel over ioredis, with only `REDIS_URL`: the function speaks TCP.
    let tmp = init_generate_and_lint(
        &[
            (
                "package.json",
                r#"{"dependencies":{"@remix-run/node":"^2.15.0","@vercel/remix":"^2.15.0","ioredis":"^5.4.0"}}"#,
            ),
            (".gitignore", ".env\n"),
            (".env", env.lines().next().unwrap()),
        ],
        &["found: variable names in .env; the database reads `REDIS_URL`\n"],
    );
    let descriptor = std::fs::read_to_string(tmp.path().join("upwire.toml")).expect("read");
    assert!(
        descriptor.contains("\ntransport = \"tcp\"") && descriptor.contains("\n# rest_url"),
        "{descriptor}"
    );
}

/// The hosts of the `rediss://` and `https://` URLs in `text` (never the values themselves,
/// which hold passwords).
fn hosts_in(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|l| l.split_once('=').map(|(_, v)| v.trim_matches('"')))
        .filter_map(|v| v.split_once("://").map(|(_, rest)| rest))
        .map(|rest| {
            let authority = rest.split('/').next().unwrap_or_default();
            let host = authority.rsplit('@').next().unwrap_or_default();
            host.split(':').next().unwrap_or_default().to_owned()
        })
        .collect()
}

const WEB_HOST: &str = "web-db-12345.upstash.io";
const WORKER_HOST: &str = "worker-db-67890.upstash.io";

/// A monorepo of a Next.js app and a BullMQ worker, each with the env file of its folder.
fn two_app_monorepo(web_env: String, worker_env: String) -> Vec<(&'static str, String)> {
    vec![
        (
            "package.json",
            r#"{"name":"mono","private":true,"workspaces":["apps/*"]}"#.to_owned(),
        ),
        (
            "apps/web/package.json",
            r#"{"name":"web","dependencies":{"next":"15.0.0","@upstash/redis":"1.35.0"}}"#
                .to_owned(),
        ),
        (
            "apps/worker/package.json",
            r#"{"name":"worker","dependencies":{"bullmq":"5.0.0","ioredis":"5.4.0"}}"#.to_owned(),
        ),
        (".gitignore", ".env\n.env*.local\n".to_owned()),
        ("apps/web/.env.local", web_env),
        ("apps/worker/.env", worker_env),
    ]
}

/// Two apps of a monorepo wired to two databases under the same names: `init` gives each its
/// own `[database.NAME]`, `lint` finds no `env-conflict`, and `generate` leaves each app's own
/// values in its env file.
#[test]
fn init_gives_apps_on_different_databases_one_database_each() {
    let web_env = format!(
        "UPSTASH_REDIS_REST_URL=https://{WEB_HOST}\n\
         UPSTASH_REDIS_REST_TOKEN=ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl\n\
         REDIS_URL=rediss://default:AXwebPASS5YXRhYmFzZS1wYXNzd29yZA@{WEB_HOST}:6379\n"
    );
    let worker_env = format!(
        "REDIS_URL=rediss://default:AXworkerPASS5YXRhYmFzZS1wYXNzd29yZA@{WORKER_HOST}:6379\n"
    );
    let files = two_app_monorepo(web_env, worker_env);
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let tmp = init_generate_and_lint(
        &files,
        &[
            "found: the env files of the targets' folders point at 2 databases: `web` for `web`; `worker` for `worker`\n",
        ],
    );
    let dir = tmp.path();
    let descriptor = std::fs::read_to_string(dir.join("upwire.toml")).expect("read");
    for line in [
        "\n[database.web]\n",
        "\n[database.worker]\n",
        "\ndatabase = \"web\" ",
        "\ndatabase = \"worker\" ",
    ] {
        assert!(descriptor.contains(line), "{line}\n{descriptor}");
    }
    let lint = run(upwire_in(dir).args(["--format", "json", "lint"]));
    assert_eq!(code(&lint), 0, "{}", all_output(&lint));
    assert!(!all_codes(&json(&lint)).contains(&"env-conflict".to_owned()));
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).expect("read");
    assert_eq!(
        hosts_in(&read("apps/web/.env.local")),
        BTreeSet::from([WEB_HOST.to_owned()])
    );
    assert_eq!(
        hosts_in(&read("apps/worker/.env")),
        BTreeSet::from([WORKER_HOST.to_owned()])
    );
    // Neither the descriptor nor what init or lint says quotes a password or the token.
    let init_again = run(upwire_in(dir).args(["init", "--force"]));
    let secret = |text: &str| text.contains("PASS5") || text.contains("ATA5YX");
    assert!(!secret(&descriptor), "a secret in upwire.toml");
    for out in [&init_again, &lint] {
        assert!(!secret(&all_output(out)), "a secret in the output");
    }
}

/// The usual monorepo on one database: the app has the REST URL and token, the worker the TCP
/// URL of the same host. One `[database.main]`, and no target names it.
#[test]
fn init_keeps_one_database_for_apps_on_one_host() {
    let files = two_app_monorepo(
        format!(
            "UPSTASH_REDIS_REST_URL=https://{WEB_HOST}\n\
             UPSTASH_REDIS_REST_TOKEN=ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl\n"
        ),
        format!(
            "REDIS_URL=rediss://default:ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl@{WEB_HOST}:6379\n"
        ),
    );
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let tmp = init_generate_and_lint(
        &files,
        &[
            "; the database reads `REDIS_URL`, `UPSTASH_REDIS_REST_URL`, `UPSTASH_REDIS_REST_TOKEN`\n",
        ],
    );
    let descriptor = std::fs::read_to_string(tmp.path().join("upwire.toml")).expect("read");
    assert_eq!(
        descriptor.matches("\n[database.").count(),
        1,
        "{descriptor}"
    );
    assert!(descriptor.contains("\n[database.main]\n"), "{descriptor}");
    assert!(!descriptor.contains("\ndatabase = "), "{descriptor}");
}

/// In a folder of a project whose descriptor is further up: a folder that descriptor already
/// describes gets no second one (upwire finds the project's from there), unless `-c` asks for
/// it; another folder gets its own, with a note that it now shadows the project's.
#[test]
fn init_in_a_folder_the_projects_descriptor_describes_writes_nothing() {
    let t = Test::new()
        .file(
            "upwire.toml",
            "[database.main]\nrest_url = \"${UPSTASH_REDIS_REST_URL}\"\n\n[target.web]\nkind = \"lambda\"\ndir = \"apps/web\"\n",
        )
        .file("apps/web/package.json", r#"{"dependencies":{"next":"15"}}"#)
        .file("apps/other/package.json", r#"{"dependencies":{"hono":"4"}}"#);
    let web = t.dir().join("apps/web");
    Test::in_dir(&web)
        .arg("init")
        .status(2)
        .stderr_contains("error: `../../upwire.toml` already describes this folder (target `web`, `dir = \"apps/web\"`), and upwire finds it from here")
        .run();
    assert!(!web.join("upwire.toml").exists());
    // A folder inside it too.
    let src = web.join("src");
    std::fs::create_dir_all(&src).unwrap();
    Test::in_dir(&src)
        .arg("init")
        .status(2)
        .stderr_contains(
            "error: `../../../upwire.toml` already describes this folder (target `web`",
        )
        .run();
    assert!(!src.join("upwire.toml").exists());
    Test::in_dir(&web)
        .args(["init", "-c", "upwire.toml"])
        .status(0)
        .run();
    assert!(web.join("upwire.toml").is_file());
    let other = t.dir().join("apps/other");
    Test::in_dir(&other)
        .arg("init")
        .status(0)
        .stderr_contains("note: `../../upwire.toml` describes the project around this folder; upwire run here now reads upwire.toml instead")
        .run();
    assert!(other.join("upwire.toml").is_file());
}

/// A Next.js app with the names the Vercel Marketplace integration manages and a worker with
/// Upstash's, on two databases and on one: each database reads the names of its own targets'
/// folders, `lint` finds every variable, and `generate` writes the web app no second copy
/// of its names under Upstash's.
#[test]
fn init_reads_each_databases_names_from_its_own_folders() {
    const TOKEN: &str = "ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl";
    for worker_host in [WORKER_HOST, WEB_HOST] {
        let web_env = format!(
            "KV_URL=rediss://default:{TOKEN}@{WEB_HOST}:6379\n\
             KV_REST_API_URL=https://{WEB_HOST}\n\
             KV_REST_API_TOKEN={TOKEN}\n\
             KV_REST_API_READ_ONLY_TOKEN={TOKEN}\n"
        );
        let worker_env = format!(
            "UPSTASH_REDIS_REST_URL=https://{worker_host}\n\
             UPSTASH_REDIS_REST_TOKEN={TOKEN}\n\
             REDIS_URL=rediss://default:AXworkerPASS5YXRhYmFzZS1wYXNzd29yZA@{worker_host}:6379\n"
        );
        let files = two_app_monorepo(web_env, worker_env);
        let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let tmp = init_generate_and_lint(
            &files,
            &["`KV_REST_API_URL`, `KV_REST_API_TOKEN`", "`REDIS_URL`"],
        );
        let dir = tmp.path();
        let descriptor = std::fs::read_to_string(dir.join("upwire.toml")).expect("read");
        let databases = if worker_host == WEB_HOST { 1 } else { 2 };
        assert_eq!(
            descriptor.matches("\n[database.").count(),
            databases,
            "{descriptor}"
        );
        for line in [
            "\nenv_names = \"vercel-marketplace\"\n",
            "\nrest_url = \"${KV_REST_API_URL}\"\n",
            "\nrest_token = \"${KV_REST_API_TOKEN}\"\n",
            "\nredis_url = \"${REDIS_URL}\"\n",
        ] {
            assert!(descriptor.contains(line), "{line}\n{descriptor}");
        }
        let lint = run(upwire_in(dir).args(["--format", "json", "lint"]));
        assert_eq!(code(&lint), 0, "{}", all_output(&lint));
        assert!(!all_codes(&json(&lint)).contains(&"unresolved-variable".to_owned()));
        // Names only: the values hold passwords.
        let names = |f: &str| -> BTreeSet<String> {
            std::fs::read_to_string(dir.join(f))
                .expect("read")
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| l.split_once('=').map(|(n, _)| n.trim().to_owned()))
                .collect()
        };
        let web = names("apps/web/.env.local");
        assert!(
            !web.iter().any(|n| n.starts_with("UPSTASH_")),
            "{databases}: {web:?}"
        );
        assert!(web.contains("KV_REST_API_URL") && web.contains("KV_REST_API_TOKEN"));
        assert!(names("apps/worker/.env").contains("REDIS_URL"));
        assert!(!descriptor.contains(TOKEN) && !descriptor.contains("PASS5"));
    }
}

/// Two Next.js apps of one monorepo, one with the names the Vercel Marketplace integration
/// manages and one with Upstash's, on one database and on two: the Marketplace's app gets
/// `env_names` of its own, so `generate` leaves its `.env.local` as it is (no copy under
/// Upstash's names), writes no `vercel-env.sh` for it, and its starter reads its own names;
/// the other app keeps Upstash's.
#[test]
fn init_gives_a_marketplace_app_its_own_names_beside_an_upstash_one() {
    const TOKEN: &str = "ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl";
    for admin_host in [WORKER_HOST, WEB_HOST] {
        let web_env = format!(
            "KV_REST_API_URL=https://{WEB_HOST}\nKV_REST_API_TOKEN={TOKEN}\nKV_REST_API_READ_ONLY_TOKEN={TOKEN}\n"
        );
        let admin_env = format!(
            "UPSTASH_REDIS_REST_URL=https://{admin_host}\nUPSTASH_REDIS_REST_TOKEN={TOKEN}\n"
        );
        let next = r#"{"dependencies":{"next":"15.0.0","@upstash/redis":"1.35.0"}}"#;
        let files = [
            (
                "package.json",
                r#"{"private":true,"workspaces":["apps/*"]}"#,
            ),
            ("apps/admin/package.json", next),
            ("apps/web/package.json", next),
            (".gitignore", ".env\n.env*.local\n"),
            ("apps/admin/.env.local", admin_env.as_str()),
            ("apps/web/.env.local", web_env.as_str()),
        ];
        let tmp = init_generate_and_lint(
            &files,
            &[
                "found: the Vercel Marketplace's names (`KV_REST_API_*`) in the folder of `web`, Upstash's in other targets': `web` gets `env_names = \"vercel-marketplace\"` of its own",
            ],
        );
        let dir = tmp.path();
        let descriptor: toml::Table = std::fs::read_to_string(dir.join("upwire.toml"))
            .expect("read")
            .parse()
            .expect("TOML");
        assert_eq!(
            descriptor["target"]["web"]["env_names"].as_str(),
            Some("vercel-marketplace"),
            "{descriptor}"
        );
        assert!(descriptor["target"]["admin"].get("env_names").is_none());
        assert!(descriptor["project"].get("env_names").is_none());
        let read = |f: &str| std::fs::read_to_string(dir.join(f)).expect("read");
        assert_eq!(read("apps/web/.env.local"), web_env, "{admin_host}");
        assert_eq!(read("apps/admin/.env.local"), admin_env, "{admin_host}");
        assert!(!dir.join("apps/web/vercel-env.sh").exists());
        assert!(dir.join("apps/admin/vercel-env.sh").exists());
        let web_starter = read("apps/web/lib/redis.ts");
        assert!(
            web_starter.contains("KV_REST_API_URL") && !web_starter.contains("UPSTASH_"),
            "{web_starter}"
        );
        assert!(read("apps/admin/lib/redis.ts").contains("Redis.fromEnv()"));
        // JSON names every env file read, each app's, in the order read.
        let doc = json(&run(upwire_in(dir).args(["resolve", "--format", "json"])));
        assert_eq!(doc["dotenv"], "apps/admin/.env.local");
        assert_eq!(
            doc["env_files"],
            serde_json::json!(["apps/admin/.env.local", "apps/web/.env.local"])
        );
        // The guide names each app's own variables.
        let guide = read("REDIS.md");
        assert!(
            guide.contains("| `web` | lambda | vercel | rest | read-write | `KV_REST_API_URL`, `KV_REST_API_TOKEN` |"),
            "{guide}"
        );
        // and sends to no vercel-env.sh that generate did not write.
        assert!(!guide.contains("apps/web/vercel-env.sh"), "{guide}");
        assert!(
            guide.contains("sh apps/admin/vercel-env.sh production"),
            "{guide}"
        );
        assert!(
            guide.contains(
                "# nothing to push: the Vercel Marketplace integration sets these variables"
            ),
            "{guide}"
        );
    }
}

/// JavaScript with a Redis client and no web framework, as `init` meets it: a pnpm workspace
/// whose `jobs` app is a Node.js Lambda on the Serverless Framework (`@upstash/redis`) and
/// whose `api` app is a Node.js server on Fly, written against `@upstash/redis` with only the
/// REST variables in its `.env`. Each is `framework = "node"` of the kind its platform runs,
/// gets the TypeScript starter (never `src/redis_client.rs`), and the CI job installs and
/// tests with pnpm at the version `packageManager` pins.
#[test]
fn init_reads_javascript_without_a_web_framework() {
    const TOKEN: &str = "ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl";
    let rest_env = format!(
        "UPSTASH_REDIS_REST_URL=https://eu1-tidy-cat-12345.upstash.io\nUPSTASH_REDIS_REST_TOKEN={TOKEN}\n"
    );
    let upstash = r#"{"name":"x","scripts":{"test":"vitest run"},"dependencies":{"@upstash/redis":"^1.35.0"}}"#;
    let tmp = init_generate_and_lint(
        &[
            (
                "package.json",
                r#"{"private":true,"packageManager":"pnpm@9.15.4+sha512.0abc","scripts":{"test":"pnpm -r test"}}"#,
            ),
            ("pnpm-workspace.yaml", "packages:\n  - \"apps/*\"\n"),
            ("pnpm-lock.yaml", "lockfileVersion: '9.0'\n"),
            ("apps/jobs/package.json", upstash),
            (
                "apps/jobs/serverless.yml",
                "service: jobs\nprovider:\n  name: aws\n  runtime: nodejs22.x\n",
            ),
            ("apps/jobs/.env", rest_env.as_str()),
            ("apps/api/package.json", upstash),
            ("apps/api/fly.toml", "app = \"api\"\n"),
            ("apps/api/.env", rest_env.as_str()),
            (".gitignore", ".env\n*-env.json\nfly-secrets.env\n"),
        ],
        &[
            "found: target `api` (server on fly, framework node) in apps/api",
            "found: target `jobs` (lambda on aws-lambda, framework node) in apps/jobs",
        ],
    );
    let dir = tmp.path();
    let descriptor: toml::Table = std::fs::read_to_string(dir.join("upwire.toml"))
        .expect("read")
        .parse()
        .expect("TOML");
    let target = |name: &str, field: &str| {
        descriptor["target"][name]
            .get(field)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    assert_eq!(target("jobs", "framework").as_deref(), Some("node"));
    assert_eq!(target("api", "framework").as_deref(), Some("node"));
    // The server's code speaks REST and the project has only the REST variables.
    assert_eq!(target("api", "transport").as_deref(), Some("rest"));
    assert_eq!(target("jobs", "transport"), None);
    for app in ["api", "jobs"] {
        assert!(
            dir.join(format!("apps/{app}/lib/redis.ts")).is_file(),
            "{app}"
        );
        assert!(!dir.join(format!("apps/{app}/src")).exists(), "{app}");
    }
    let job = std::fs::read_to_string(dir.join(".github/upwire-serve.yml")).expect("job");
    for line in [
        "      - run: npm install --global pnpm@9.15.4\n",
        "      - run: pnpm install --frozen-lockfile\n",
        "run: upwire serve --ephemeral -- pnpm test\n",
    ] {
        assert!(job.contains(line), "{line}\n{job}");
    }
    assert!(
        !job.contains("run: npm ci") && !job.contains("-- cargo test"),
        "{job}"
    );
    // The same descriptor without `framework`: the folders still make them JavaScript.
    let text = std::fs::read_to_string(dir.join("upwire.toml")).expect("read");
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("framework = "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(without, text);
    std::fs::write(dir.join("upwire.toml"), without).expect("write");
    std::fs::remove_dir_all(dir.join("apps/jobs/lib")).expect("rm");
    let out = run(upwire_in(dir).arg("generate"));
    assert_eq!(code(&out), 0, "{}", all_output(&out));
    assert!(dir.join("apps/jobs/lib/redis.ts").is_file());
    assert!(!dir.join("apps/jobs/src").exists());
}

/// Python code with a Redis client, as `init` meets it: `sam init`'s Python layout (the
/// function's `requirements.txt` in `hello_world/`, which `template.yaml`'s `CodeUri` names) and
/// a worker on a Dockerfile whose `pyproject.toml` depends on upstash-redis, with only the REST
/// variables; and, in a project of its own, a Flask app on Fly on redis-py and `REDIS_URL`. Each
/// is `framework = "python"` of the kind its platform runs, gets no starter (never
/// `src/redis_client.rs` or `lib/redis.ts`) but its client's lines in REDIS.md, and the CI job
/// installs its dependencies and runs pytest in its folder.
#[test]
fn init_reads_python_with_a_redis_client() {
    const TOKEN: &str = "ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl";
    let rest_env = format!(
        "UPSTASH_REDIS_REST_URL=https://eu1-tidy-cat-12345.upstash.io\nUPSTASH_REDIS_REST_TOKEN={TOKEN}\n"
    );
    let tmp = init_generate_and_lint(
        &[
            (
                "template.yaml",
                "Transform: AWS::Serverless-2016-10-31\nResources:\n  Hello:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: hello_world/\n      Handler: app.lambda_handler\n      Runtime: python3.12\n",
            ),
            ("hello_world/requirements.txt", "upstash-redis==1.4.0\n"),
            ("hello_world/app.py", "from upstash_redis import Redis\n"),
            ("hello_world/.env", rest_env.as_str()),
            (
                "worker/pyproject.toml",
                "[project]\nname = \"worker\"\ndependencies = [\"upstash-redis>=1.2\"]\n",
            ),
            ("worker/Dockerfile", "FROM python:3.12-slim\n"),
            ("worker/.env", rest_env.as_str()),
            (".gitignore", ".env\n*-env.json\n"),
        ],
        &[
            "found: target `hello-world` (lambda on aws-lambda, framework python) in hello_world",
            "found: target `worker` (server on docker, framework python) in worker",
        ],
    );
    let dir = tmp.path();
    let text = std::fs::read_to_string(dir.join("upwire.toml")).expect("read");
    let descriptor: toml::Table = text.parse().expect("TOML");
    let target = |name: &str, field: &str| {
        descriptor["target"][name]
            .get(field)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    assert_eq!(
        target("hello-world", "framework").as_deref(),
        Some("python")
    );
    assert_eq!(target("hello-world", "dir").as_deref(), Some("hello_world"));
    assert_eq!(target("worker", "framework").as_deref(), Some("python"));
    // The worker's code speaks REST and the project has only the REST variables: its comment
    // names Python's clients.
    assert_eq!(target("worker", "transport").as_deref(), Some("rest"));
    assert!(
        text.contains("# its code uses upstash-redis (REST)")
            && text.contains("when its code moves to redis-py"),
        "{text}"
    );
    for written in crate::support::file_names_below(dir) {
        assert!(
            !written.ends_with(".rs") && !written.ends_with(".ts"),
            "a starter in a Python project: {written}"
        );
    }
    let guide = std::fs::read_to_string(dir.join("REDIS.md")).expect("guide");
    assert_eq!(
        guide
            .matches("redis = Redis(url=os.environ[\"UPSTASH_REDIS_REST_URL\"], token=os.environ[\"UPSTASH_REDIS_REST_TOKEN\"])")
            .count(),
        2,
        "{guide}"
    );
    let job = std::fs::read_to_string(dir.join(".github/upwire-serve.yml")).expect("job");
    assert_eq!(
        job.matches("      - uses: actions/setup-python@v5\n")
            .count(),
        1,
        "{job}"
    );
    for folder in ["hello_world", "worker"] {
        assert!(
            job.contains(&format!(
                "          pip install pytest\n        working-directory: \"{folder}\"\n"
            )),
            "{job}"
        );
    }
    assert!(
        job.contains(
            "run: upwire serve --ephemeral -- sh -c '(cd hello_world && python -m pytest) && (cd worker && python -m pytest)'\n"
        ),
        "{job}"
    );
    assert!(
        !job.contains("setup-node") && !job.contains("-- cargo test"),
        "{job}"
    );

    // Flask on Fly over redis-py: TCP, redis-py's lines with the project's URL variable.
    let tmp = init_generate_and_lint(
        &[
            ("requirements.txt", "Flask==3.0.3\nredis[hiredis]==5.0.8\n"),
            ("fly.toml", "app = \"api\"\n"),
            (
                ".env",
                "REDIS_URL=rediss://default:ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl@eu1-tidy-cat-12345.upstash.io:6379\n",
            ),
            (".gitignore", ".env\nfly-secrets.env\n"),
        ],
        &["found: target `app` (server on fly, framework python) in ."],
    );
    let guide = std::fs::read_to_string(tmp.path().join("REDIS.md")).expect("guide");
    assert!(
        guide.contains("r = redis.Redis.from_url(os.environ[\"REDIS_URL\"])"),
        "{guide}"
    );
    assert!(!tmp.path().join("src").exists());
    assert!(!tmp.path().join(".github/upwire-serve.yml").exists());
}

/// Code `init` does not recognise, with env files that hold the database's variables: the
/// target it writes reads those names, in the folder that holds them, over the transport they
/// allow, so that `lint` passes on what `init` wrote (it used to be a server on
/// `${REDIS_URL}`, which the project does not have).
#[test]
fn init_without_recognised_code_reads_the_env_files_names() {
    let tmp = init_generate_and_lint(
        &[
            (
                ".env",
                "UPSTASH_REDIS_REST_URL=https://eu1-tidy-cat-12345.upstash.io\nUPSTASH_REDIS_REST_TOKEN=ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl\n",
            ),
            ("main.go", "package main\n"),
            (".gitignore", ".env\n"),
        ],
        &[
            "found: target `app` (server on any platform) in ., from the variable names in its env files",
        ],
    );
    let text = std::fs::read_to_string(tmp.path().join("upwire.toml")).expect("read");
    let descriptor: toml::Table = text.parse().expect("TOML");
    let app = &descriptor["target"]["app"];
    assert_eq!(app["kind"].as_str(), Some("server"));
    assert_eq!(app["transport"].as_str(), Some("rest"), "{text}");
    assert!(
        text.contains("# the env files hold only the REST variables"),
        "{text}"
    );
    assert!(
        descriptor["database"]["main"].get("redis_url").is_none(),
        "{text}"
    );

    // A TCP URL in a function's folder (a SAM template beside it): a Lambda there, on TCP.
    let tmp = init_generate_and_lint(
        &[
            (
                "fn/.env",
                "REDIS_URL=rediss://default:ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl@eu1-tidy-cat-12345.upstash.io:6379\n",
            ),
            (
                "fn/template.yaml",
                "Transform: AWS::Serverless-2016-10-31\n",
            ),
            (".gitignore", ".env\n*-env.json\n"),
        ],
        &["found: target `fn` (lambda on aws-lambda) in fn"],
    );
    let text = std::fs::read_to_string(tmp.path().join("upwire.toml")).expect("read");
    let descriptor: toml::Table = text.parse().expect("TOML");
    let target = &descriptor["target"]["fn"];
    assert_eq!(target["dir"].as_str(), Some("fn"));
    assert_eq!(target["transport"].as_str(), Some("tcp"), "{text}");
}

/// A Lambda with no framework is in its folder's language: TypeScript beside a
/// `package.json`, Rust beside a `Cargo.toml` (and beside both, where `cargo lambda` builds
/// a crate that also has a `package.json` for its tooling), Python beside a
/// `requirements.txt` (no starter: REDIS.md's client lines), and none beside another
/// language's manifest (`go.mod`), whose own tests the CI job runs.
#[test]
fn a_target_without_a_framework_gets_the_starter_of_its_folders_language() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    let files = [
        ("js/package.json", "{\"name\":\"js\"}\n"),
        ("rs/Cargo.toml", "[package]\nname = \"rs\"\n"),
        ("both/Cargo.toml", "[package]\nname = \"both\"\n"),
        ("both/package.json", "{\"name\":\"both\"}\n"),
        ("py/requirements.txt", "upstash-redis\n"),
        ("go/go.mod", "module example.com/go\n\ngo 1.22\n"),
    ];
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    let mut descriptor = String::from(
        "[database.main]\nrest_url = \"https://eu1-tidy-cat-12345.upstash.io\"\nrest_token = \"${TOKEN}\"\n",
    );
    for name in ["js", "rs", "both", "py", "go"] {
        descriptor.push_str(&format!(
            "\n[target.{name}]\nkind = \"lambda\"\nplatform = \"aws-lambda\"\ndir = \"{name}\"\n"
        ));
    }
    std::fs::write(dir.join("upwire.toml"), descriptor).expect("write");
    let out = run(upwire_in(dir)
        .env("TOKEN", "ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl")
        .args(["generate", "--dry-run"]));
    assert_eq!(code(&out), 0, "{}", all_output(&out));
    let said = all_output(&out);
    assert!(said.contains("js/lib/redis.ts"), "{said}");
    assert!(!said.contains("js/src/redis_client.rs"), "{said}");
    for rust in ["rs", "both"] {
        assert!(
            said.contains(&format!("{rust}/src/redis_client.rs")),
            "{said}"
        );
        assert!(!said.contains(&format!("{rust}/lib/redis.ts")), "{said}");
    }
    // Python: no starter at all, and why.
    assert!(
        !said.contains("py/src/") && !said.contains("py/lib/"),
        "{said}"
    );
    assert!(
        said.contains("no starter client for target `py`: upwire writes no Python module"),
        "{said}"
    );
    // Go: no starter (never a Rust one), and its own tests in the CI job; each crate's tests
    // run in its folder (no Cargo.toml where the job runs).
    assert!(
        !said.contains("go/src/") && !said.contains("go/lib/"),
        "{said}"
    );
    assert!(
        said.contains("no starter client for target `go`: its folder is a Go module (go.mod)"),
        "{said}"
    );
    let out = run(upwire_in(dir)
        .env("TOKEN", "ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl")
        .arg("generate"));
    assert_eq!(code(&out), 0, "{}", all_output(&out));
    let job = std::fs::read_to_string(dir.join(".github/upwire-serve.yml")).expect("job");
    assert!(
        job.contains(
            "-- sh -c '(cd js && npm test) && (cd rs && cargo test) && (cd both && cargo test) && (cd py && python -m pytest) && (cd go && go test ./...)'\n"
        ),
        "{job}"
    );
    // The JSON plan says what the folder made it.
    let doc = json(&run(upwire_in(dir)
        .env("TOKEN", "ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl")
        .args(["resolve", "--format", "json"])));
    let framework = |i: usize| doc["targets"][i]["framework"].clone();
    assert_eq!(framework(0), "node", "{doc}");
    assert!(framework(1).is_null() && framework(2).is_null(), "{doc}");
    assert_eq!(framework(3), "python", "{doc}");
}
