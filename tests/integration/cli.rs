//! The command line as users run it: `resolve`, `explain`, `init`, `completions`, exit codes.

use std::path::Path;
use std::process::Output;

use crate::support::tier::{self, Group};
use crate::support::{
    all_output, code, json, root, run, transcript, upwire, upwire_at_root, upwire_in,
};

const EXAMPLE: &str = "examples/upwire.toml";
const EXAMPLE_ENV: &str = "examples/example.env";
/// The fake database password in `examples/example.env`.
const EXAMPLE_PASSWORD: &str = "ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl";
/// The fake read-only token in `examples/example.env`.
const EXAMPLE_READONLY_TOKEN: &str = "AjA5cmVhZC1vbmx5LXRva2VuLWV4YW1wbGU";

/// `upwire COMMAND` on the bundled example and its env file, without colour, then `extra`.
fn on_example(command: &str, extra: &[&str]) -> Output {
    run(upwire_at_root()
        .args([
            command,
            "-c",
            EXAMPLE,
            "--env-file",
            EXAMPLE_ENV,
            "--color",
            "never",
        ])
        .args(extra))
}

fn resolve(extra: &[&str]) -> Output {
    on_example("resolve", extra)
}

fn snapshot(name: &str, output: &Output) {
    crate::snapshots!(name, transcript(output, &root()));
}

/// The `names` fields of each target in a `resolve --format json` document (`""` when one
/// is missing).
fn fields<'a>(doc: &'a serde_json::Value, names: &[&str]) -> Vec<Vec<&'a str>> {
    doc["targets"]
        .as_array()
        .expect("targets array")
        .iter()
        .map(|t| {
            names
                .iter()
                .map(|n| t[*n].as_str().unwrap_or_default())
                .collect()
        })
        .collect()
}

/// Exit 2, nothing on stdout, and `says` on stderr.
fn assert_usage_error(output: &Output, says: &str) {
    assert_eq!(code(output), 2);
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(says), "{stderr}");
}

#[test]
fn resolve_text_masks_secrets() {
    let output = resolve(&[]);
    assert_eq!(code(&output), 0);
    assert!(!all_output(&output).contains(EXAMPLE_PASSWORD));
    assert!(!all_output(&output).contains(EXAMPLE_READONLY_TOKEN));
    snapshot("resolve_text", &output);
}

#[test]
fn resolve_json_is_one_document_with_every_target() {
    let output = resolve(&["--format", "json"]);
    assert_eq!(code(&output), 0);
    assert!(output.stderr.is_empty(), "json mode writes nothing else");
    assert!(!all_output(&output).contains(EXAMPLE_PASSWORD));
    let doc = json(&output);
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["diagnostics"], serde_json::json!([]));
    assert_eq!(
        fields(&doc, &["name", "transport", "access"]),
        [
            ["api", "tcp", "read-write"],
            ["worker", "tcp", "read-write"],
            ["thumbnails", "rest", "read-write"],
            ["storefront", "rest", "read-write"],
            ["app", "rest", "read-only"],
        ]
    );
    assert_eq!(
        doc["targets"][1]["rules"],
        serde_json::json!(["needs-tcp", "kind-container"])
    );
    crate::snapshots!({
        insta::assert_json_snapshot!("resolve_json", doc);
    });
}

#[test]
fn resolve_show_secrets_shows_them() {
    let output = resolve(&["--show-secrets"]);
    assert_eq!(code(&output), 0);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!(
            "REDIS_URL=rediss://default:{EXAMPLE_PASSWORD}@eu1-tidy-cat-12345.upstash.io:6379"
        )),
        "{stdout}"
    );
    // The mobile target gets the read-only token, under the name Redis.fromEnv() reads.
    assert!(
        stdout.contains(&format!(
            "EXPO_PUBLIC_UPSTASH_REDIS_REST_TOKEN={EXAMPLE_READONLY_TOKEN}"
        )),
        "{stdout}"
    );
    assert!(!stdout.contains("****"), "{stdout}");
    snapshot("resolve_show_secrets", &output);

    let doc = json(&resolve(&["--show-secrets", "--format", "json"]));
    assert_eq!(
        doc["targets"][0]["env"]["REDIS_URL"],
        format!("rediss://default:{EXAMPLE_PASSWORD}@eu1-tidy-cat-12345.upstash.io:6379")
    );
}

#[test]
fn resolve_one_target() {
    let output = resolve(&["--target", "worker"]);
    assert_eq!(code(&output), 0);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("worker → tcp\n"), "{stdout}");
    assert!(!stdout.contains("api →"), "{stdout}");
    snapshot("resolve_target_worker", &output);

    let doc = json(&resolve(&["--target", "app", "--format", "json"]));
    let targets = doc["targets"].as_array().expect("targets array");
    assert_eq!(targets.len(), 1);
    assert_eq!(targets[0]["name"], "app");
}

#[test]
fn resolve_unknown_target_is_a_usage_error_with_a_suggestion() {
    let output = resolve(&["--target", "workr"]);
    assert_usage_error(&output, "did you mean `worker`?");
    snapshot("resolve_unknown_target", &output);
}

#[test]
fn resolve_reads_upwire_config_from_the_environment() {
    let output = run(upwire_at_root().env("UPWIRE_CONFIG", EXAMPLE).args([
        "resolve",
        "--env-file",
        EXAMPLE_ENV,
        "--color",
        "never",
    ]));
    assert_eq!(output.stdout, resolve(&[]).stdout);
}

#[test]
fn resolve_without_a_descriptor_says_how_to_make_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = run(upwire().current_dir(dir.path()).arg("resolve"));
    assert_eq!(code(&output), 2);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no `upwire.toml` in this directory or any parent"),
        "{stderr}"
    );
    assert!(stderr.contains("upwire init"), "{stderr}");
}

#[test]
fn explain_knows_every_rule_and_code() {
    let ids = upwire::internal::explain_ids();
    assert!(
        ids.len() >= upwire::internal::Code::ALL.len() + 7,
        "{ids:?}"
    );
    for id in ids {
        let output = run(upwire_at_root().args(["explain", id]));
        assert_eq!(code(&output), 0, "explain {id}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.contains(&format!("`{id}`")),
            "explain {id}: {stdout}"
        );
        assert!(
            stdout.trim().lines().count() >= 3,
            "explain {id} is too short: {stdout}"
        );
        assert_eq!(
            Some(stdout.into_owned()),
            upwire::internal::explain(id),
            "binary and library agree on {id}"
        );
        assert!(output.stderr.is_empty(), "explain {id}");
    }
}

#[test]
fn explain_one_rule_and_one_code() {
    snapshot(
        "explain_kind_lambda",
        &run(upwire_at_root().args(["explain", "kind-lambda"])),
    );
    snapshot(
        "explain_tls_required",
        &run(upwire_at_root().args(["explain", "tls-required"])),
    );
    let doc = json(&run(upwire_at_root().args([
        "explain",
        "tls-required",
        "--format",
        "json",
    ])));
    assert_eq!(doc["id"], "tls-required");
    assert_eq!(
        doc["text"].as_str(),
        upwire::internal::explain("tls-required").as_deref()
    );
}

/// Ids are matched ignoring case and `_` for `-`: what users copy from a log or type in
/// capitals names the same code, and JSON gives the canonical id.
#[test]
fn explain_ignores_case_and_underscores() {
    let canonical = run(upwire_at_root().args(["explain", "tls-required"]));
    for spelling in ["TLS-REQUIRED", "Tls_Required", " tls-required "] {
        let output = run(upwire_at_root().args(["explain", spelling]));
        assert_eq!(code(&output), 0, "explain {spelling:?}");
        assert_eq!(output.stdout, canonical.stdout, "explain {spelling:?}");
    }
    let doc = json(&run(upwire_at_root().args([
        "explain",
        "KIND_LAMBDA",
        "--format",
        "json",
    ])));
    assert_eq!(doc["id"], "kind-lambda");
    // A misspelling in capitals still gets its suggestion.
    let output = run(upwire_at_root().args(["explain", "TLS-REQUIERD"]));
    assert_usage_error(&output, "did you mean `tls-required`?");
}

#[test]
fn explain_unknown_id_suggests_the_closest() {
    let output = run(upwire_at_root().args(["explain", "tls-requierd"]));
    assert_usage_error(&output, "did you mean `tls-required`?");
    snapshot("explain_unknown", &output);
}

#[test]
fn explain_without_an_id_lists_everything() {
    let output = run(upwire_at_root().arg("explain"));
    assert_eq!(code(&output), 0);
    let stdout = String::from_utf8_lossy(&output.stdout);
    for id in upwire::internal::explain_ids() {
        assert!(
            stdout
                .lines()
                .any(|l| l.trim_start().starts_with(&format!("{id} "))),
            "{id} is not listed"
        );
    }
    snapshot("explain_list", &output);
}

/// A temp dir with a project directory named `shop` in it, so that the project name `init`
/// takes from the directory is stable.
fn project_dir() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let shop = dir.path().join("shop");
    std::fs::create_dir(&shop).expect("mkdir shop");
    (dir, shop)
}

fn init(dir: &Path, args: &[&str]) -> Output {
    run(upwire().env_clear().current_dir(dir).arg("init").args(args))
}

/// `upwire` in `dir` with the variables the written descriptor refers to.
fn with_fake_credentials(dir: &Path) -> std::process::Command {
    let mut cmd = upwire();
    cmd.env_clear()
        .current_dir(dir)
        .envs(crate::support::INIT_VARIABLES);
    cmd
}

#[test]
fn init_writes_a_descriptor_and_refuses_to_overwrite_it() {
    let (_tmp, shop) = project_dir();
    let output = init(&shop, &[]);
    assert_eq!(code(&output), 0, "{}", all_output(&output));
    let path = shop.join("upwire.toml");
    let written = std::fs::read_to_string(&path).expect("init wrote upwire.toml");
    assert!(written.contains("name = \"shop\""), "{written}");
    assert!(written.contains("[target.server]\n"), "{written}");
    crate::snapshots!("init_default_file", written);
    snapshot("init_default", &output);

    std::fs::write(&path, "# mine\n").expect("overwrite");
    let again = init(&shop, &[]);
    assert_eq!(code(&again), 2);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("already exists"), "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap_or_default(),
        "# mine\n",
        "file untouched"
    );

    let forced = init(&shop, &["--force"]);
    assert_eq!(code(&forced), 0);
    assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), written);
}

#[test]
fn init_with_kinds_writes_a_descriptor_that_lints_and_resolves_clean() {
    let (_tmp, shop) = project_dir();
    let output = init(&shop, &["--kind", "mobile", "--kind", "lambda"]);
    assert_eq!(code(&output), 0, "{}", all_output(&output));
    let written = std::fs::read_to_string(shop.join("upwire.toml")).expect("written");
    assert!(written.contains("kind = \"mobile\""), "{written}");
    assert!(written.contains("kind = \"lambda\""), "{written}");
    assert!(!written.contains("kind = \"server\""), "{written}");
    crate::snapshots!("init_mobile_lambda_file", written);

    let lint = run(with_fake_credentials(&shop).args(["lint", "--color", "never"]));
    assert_eq!(code(&lint), 0, "{}", all_output(&lint));
    assert_eq!(
        String::from_utf8_lossy(&lint.stderr),
        "ok: no problems found in upwire.toml\n"
    );

    let doc = json(&run(
        with_fake_credentials(&shop).args(["resolve", "--format", "json"])
    ));
    assert_eq!(doc["diagnostics"], serde_json::json!([]));
    assert_eq!(
        fields(&doc, &["kind", "transport"]),
        [["mobile", "rest"], ["lambda", "rest"]]
    );
}

#[test]
fn init_rejects_an_unknown_kind() {
    let (_tmp, shop) = project_dir();
    let output = init(&shop, &["--kind", "lamda"]);
    assert_eq!(code(&output), 2);
    assert!(!shop.join("upwire.toml").exists());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("did you mean `lambda`?"), "{stderr}");
}

#[test]
fn completions() {
    let bash = run(upwire_at_root().args(["completions", "bash"]));
    assert_eq!(code(&bash), 0);
    let script = String::from_utf8_lossy(&bash.stdout);
    assert!(script.contains("_upwire()"), "{script}");
    for sub in ["init", "lint", "resolve", "explain", "completions"] {
        assert!(script.contains(sub), "bash completion lacks {sub}");
    }
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let output = run(upwire_at_root().args(["completions", shell]));
        assert_eq!(code(&output), 0, "{shell}");
        assert!(!output.stdout.is_empty(), "{shell}");
    }
    assert_eq!(
        code(&run(upwire_at_root().args(["completions", "tcsh"]))),
        2
    );
}

/// What bash offers after `words` (the last one is being completed), with the completion
/// script sourced for real and `upwire` on `PATH`, in `dir`.
fn bash_completes(dir: &std::path::Path, words: &[&str]) -> Vec<String> {
    let script = run(upwire().args(["completions", "bash"])).stdout;
    std::fs::write(dir.join("upwire.bash"), script).unwrap();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_upwire"))
        .parent()
        .unwrap()
        .display()
        .to_string();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let program = format!(
        "source ./upwire.bash\nCOMP_WORDS=({})\nCOMP_CWORD={}\n_upwire upwire \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        quoted.join(" "),
        words.len() - 1
    );
    let output = run(std::process::Command::new("bash")
        .arg("-c")
        .arg(program)
        .current_dir(dir)
        .env(
            "PATH",
            format!("{bin}:{}", std::env::var("PATH").unwrap_or_default()),
        ));
    assert_eq!(code(&output), 0, "{output:?}");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Completion offers what the flag takes: kinds after `--kind`, the descriptor's target
/// names after `--target` (asked of `upwire completions --targets`), never file names.
#[test]
fn completions_offer_kinds_and_target_names() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("upwire.toml"),
        "[database.main]\nredis_url = \"${REDIS_URL}\"\n\n[target.api]\nkind = \"server\"\ndir = \"api\"\n\n[target.web]\nkind = \"lambda\"\ndir = \"web\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("a-file-not-a-target"), "").unwrap();
    assert_eq!(
        bash_completes(dir.path(), &["upwire", "init", "--kind", ""]),
        ["server", "container", "lambda", "edge", "mobile"]
    );
    assert_eq!(
        bash_completes(dir.path(), &["upwire", "init", "--kind", "l"]),
        ["lambda"]
    );
    for sub in ["resolve", "generate", "check"] {
        assert_eq!(
            bash_completes(dir.path(), &["upwire", sub, "--target", ""]),
            ["api", "web"],
            "{sub}"
        );
    }
    assert_eq!(
        bash_completes(dir.path(), &["upwire", "resolve", "--target", "w"]),
        ["web"]
    );
    // The hidden lister and the other shells' hooks.
    let listed = run(upwire()
        .current_dir(dir.path())
        .args(["completions", "--targets"]));
    assert_eq!(String::from_utf8_lossy(&listed.stdout), "api\nweb\n");
    let nowhere = tempfile::tempdir().unwrap();
    let listed = run(upwire()
        .current_dir(nowhere.path())
        .args(["completions", "--targets"]));
    assert_eq!((code(&listed), listed.stdout.len()), (0, 0));
    let zsh =
        String::from_utf8_lossy(&run(upwire().args(["completions", "zsh"])).stdout).into_owned();
    assert!(zsh.contains("_upwire_targets() {"), "{zsh}");
    assert!(zsh.contains(":TARGET:_upwire_targets'"), "{zsh}");
    assert!(
        !zsh.contains(":TARGET:'") && !zsh.contains(":TARGET:_default'"),
        "{zsh}"
    );
    let fish =
        String::from_utf8_lossy(&run(upwire().args(["completions", "fish"])).stdout).into_owned();
    assert!(fish.contains("function __upwire_targets"), "{fish}");
    assert_eq!(
        fish.matches("-l target -d").count(),
        fish.matches("-a \"(__upwire_targets)\"").count(),
        "{fish}"
    );
}

/// Whether the completion test runs in `shell`: bash always, zsh and fish where
/// `tier::Group::Shells` runs.
fn shell_present(shell: &str) -> bool {
    shell == "bash" || tier::require(Group::Shells)
}

/// What `shell` offers after `upwire check --target ` with upwire's completion script loaded
/// for real and `bin` first on `PATH`, run in `dir`: bash through its completion function,
/// zsh through a pseudo-terminal and TAB (recording what reaches `compadd`), fish through
/// `complete -C`.
fn completes_target(shell: &str, dir: &Path, bin: &Path) -> Vec<String> {
    let script = run(upwire().args(["completions", shell])).stdout;
    let program = match shell {
        "bash" => {
            std::fs::write(dir.join("upwire.bash"), script).unwrap();
            "source ./upwire.bash\nCOMP_WORDS=(upwire check --target '')\nCOMP_CWORD=3\n\
             _upwire upwire '' --target\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
        }
        "zsh" => {
            std::fs::write(dir.join("_upwire"), script).unwrap();
            r#"zmodload zsh/zpty
rm -f ./hits.txt ./ready.txt
zpty z zsh -f -i
zpty -w z "PS1=''; autoload -U compinit; compinit -u -D; source ./_upwire; compdef _upwire upwire"
zpty -w z 'compadd() { local -a h; builtin compadd -O h "$@"; print -rl -- $h >> ./hits.txt; builtin compadd "$@"; }'
zpty -w z ": > ./ready.txt"
for i in {1..200}; do [[ -e ./ready.txt ]] && break; sleep 0.05; done
zpty -w -n z $'upwire check --target \t'
for i in {1..200}; do [[ -s ./hits.txt ]] && break; sleep 0.05; done
sleep 0.2
zpty -d z
cat ./hits.txt
"#
        }
        "fish" => {
            std::fs::write(dir.join("upwire.fish"), script).unwrap();
            "source ./upwire.fish; complete -C 'upwire check --target '"
        }
        _ => unreachable!("{shell}"),
    };
    let mut cmd = std::process::Command::new(shell);
    if shell == "zsh" {
        cmd.arg("-f");
    }
    cmd.arg("-c").arg(program).current_dir(dir).env(
        "PATH",
        format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        ),
    );
    let output = crate::support::run_bounded(cmd, std::time::Duration::from_secs(60));
    assert_eq!(code(&output), 0, "{shell}: {output:?}");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        // fish prints each candidate with its description after a tab.
        .map(|l| l.split('\t').next().unwrap_or(l).to_owned())
        .collect()
}

/// Target names a hostile descriptor chooses: each runs `touch <marker>` if a shell ever
/// evaluates it, or matches every file as a glob.
const HOSTILE_TARGETS: &[(&str, &str)] = &[
    ("$(touch${IFS}pwned-dollar)", "pwned-dollar"),
    ("`touch${IFS}pwned-backtick`", "pwned-backtick"),
    ("a;touch pwned-semicolon;", "pwned-semicolon"),
    ("$A\ntouch pwned-newline", "pwned-newline"),
    ("$(touch${IFS}pwned-glob)*", "pwned-glob"),
    ("*", "-"),
    ("?", "-"),
];

/// Completing `--target` in a repository whose descriptor names hostile targets runs
/// nothing and offers only the valid names, in bash, zsh and fish; so does a lister that
/// prints hostile lines itself (an older `upwire` on `PATH`): each script takes its lines
/// as data.
#[test]
fn completing_a_hostile_descriptor_runs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut descriptor =
        "[database.main]\nredis_url = \"${REDIS_URL}\"\n\n[target.api]\nkind = \"server\"\n"
            .to_owned();
    for (name, _) in HOSTILE_TARGETS {
        let key = serde_json::to_string(name).unwrap();
        descriptor.push_str(&format!("\n[target.{key}]\nkind = \"server\"\n"));
    }
    descriptor.push_str("\n[target.web]\nkind = \"lambda\"\n");
    std::fs::write(dir.path().join("upwire.toml"), descriptor).unwrap();
    let listed = run(upwire()
        .current_dir(dir.path())
        .args(["completions", "--targets"]));
    assert_eq!(String::from_utf8_lossy(&listed.stdout), "api\nweb\n");

    // A stand-in lister that prints the hostile names as they are.
    let fake = tempfile::tempdir().unwrap();
    let mut lister = "#!/bin/sh\ncat <<'EOF'\napi\n".to_owned();
    for (name, _) in HOSTILE_TARGETS {
        lister.push_str(&format!("{name}\n"));
    }
    lister.push_str("web\nEOF\n");
    let fake_bin = fake.path().join("upwire");
    std::fs::write(&fake_bin, lister).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake_bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let real_bin = Path::new(env!("CARGO_BIN_EXE_upwire")).parent().unwrap();

    let mut ran = 0;
    for shell in ["bash", "zsh", "fish"] {
        if !shell_present(shell) {
            continue;
        }
        for bin in [real_bin, fake.path()] {
            // The script comes from the real upwire; `bin` answers `--targets`.
            let offered = completes_target(shell, dir.path(), bin);
            assert_eq!(offered, ["api", "web"], "{shell} with {}", bin.display());
            for (_, marker) in HOSTILE_TARGETS {
                assert!(
                    !dir.path().join(marker).exists(),
                    "{shell} ran code from a target name ({marker} exists)"
                );
            }
            ran += 1;
        }
    }
    assert!(ran >= 2, "bash at least must have run");
}

#[test]
fn exit_codes_follow_the_contract() {
    let fixture = |name: &str| format!("tests/fixtures/codes/{name}");
    let env = ["--env-file", "tests/fixtures/codes/fixture.env"];
    let cases: Vec<(&str, Vec<String>, i32)> = vec![
        (
            "clean",
            vec!["lint".into(), EXAMPLE.into(), EXAMPLE_ENV.into()],
            0,
        ),
        (
            "warnings only",
            vec!["lint".into(), fixture("rest-url-has-path.toml")],
            0,
        ),
        (
            "a note only",
            vec!["lint".into(), fixture("public-token.env")],
            0,
        ),
        (
            "an error",
            vec!["lint".into(), fixture("tls-required.env")],
            1,
        ),
        (
            "error among warnings",
            vec![
                "lint".into(),
                fixture("host-mismatch.env"),
                fixture("toml-syntax.toml"),
            ],
            1,
        ),
        (
            "resolve with an error",
            vec![
                "resolve".into(),
                "-c".into(),
                fixture("needs-unsupported.toml"),
            ],
            1,
        ),
        ("unknown subcommand", vec!["frobnicate".into()], 2),
        (
            "unknown flag",
            vec!["lint".into(), "--frobnicate".into()],
            2,
        ),
        (
            "unknown format",
            vec!["--format".into(), "yaml".into(), "lint".into()],
            2,
        ),
        (
            "missing file",
            vec!["lint".into(), "no/such/upwire.toml".into()],
            2,
        ),
        ("help", vec!["--help".into()], 0),
        ("version", vec!["--version".into()], 0),
    ];
    for (what, args, expected) in cases {
        let output = run(upwire_at_root().args(env).args(&args));
        assert_eq!(
            code(&output),
            expected,
            "{what}: upwire {}\n{}",
            args.join(" "),
            all_output(&output)
        );
        if expected == 2 {
            assert!(!output.stderr.is_empty(), "{what}: a usage error says why");
        }
    }
}

#[test]
fn lint_without_paths_checks_the_descriptor_and_every_env_file() {
    let output = on_example("lint", &[]);
    assert_eq!(code(&output), 0);
    snapshot("lint_example", &output);
}

/// `explain` takes the error message a client printed, pasted whole: each known one gets its
/// cause, fix and the codes that catch it; the text itself (which may hold a password) is
/// never printed back, and unknown text exits 2 with the closest known messages.
#[test]
fn explain_recognises_pasted_client_errors() {
    for (pasted, expect) in [
        (
            "[ioredis] Unhandled error event: Error: read ECONNRESET (rediss://default:PastedCanary99@x)",
            "`tls-required`",
        ),
        (
            "UpstashError: WRONGPASS invalid or missing auth token",
            "`password-as-token`",
        ),
        (
            "Error: getaddrinfo ENOTFOUND fly-late-waterfall-1133.upstash.io",
            "fly redis proxy",
        ),
        (
            "ReplyError: ERR max daily request limit exceeded. Limit: 10000, Usage: 10000.",
            "upstash.com/docs/redis/troubleshooting/max_daily_request_limit",
        ),
    ] {
        let output = run(upwire_at_root().args(["explain", pasted]));
        assert_eq!(code(&output), 0, "{pasted}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains(expect), "{pasted}: {stdout}");
        assert!(stdout.contains("fix: "), "{stdout}");
        assert!(!stdout.contains("PastedCanary99"), "{stdout}");
    }
    let doc = json(&run(upwire_at_root().args([
        "explain",
        "NOAUTH Authentication required.",
        "--format",
        "json",
    ])));
    assert_eq!(doc["id"], "NOAUTH Authentication required");
    let unknown =
        run(upwire_at_root().args(["explain", "segfault near PastedCanary77 max request"]));
    assert_eq!(code(&unknown), 2);
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(stderr.contains("Closest known error messages"), "{stderr}");
    assert!(!stderr.contains("PastedCanary77"), "{stderr}");
}

/// docs/json.md's `Fields:` line of each command is what the command prints with
/// `--format json`: every field it prints is documented, and every documented one is printed
/// (`dotenv` and `env_files` only when an env file was read by convention, as here).
#[test]
fn json_md_names_every_field_each_command_prints() {
    let doc = std::fs::read_to_string(root().join("docs/json.md")).expect("docs/json.md");
    // (the section's commands, the qualifier in `Fields (...)`) → the fields.
    let mut documented: Vec<(Vec<String>, String, Vec<String>)> = Vec::new();
    let mut commands: Vec<String> = Vec::new();
    let mut paragraph = String::new();
    for line in doc.lines().chain([""]) {
        if let Some(heading) = line.strip_prefix("## ") {
            commands = heading
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect();
        }
        if line.trim().is_empty() {
            if let Some(rest) = paragraph.trim().strip_prefix("Fields") {
                let (qualifier, list) = rest.split_once(':').expect("`Fields...: ` then the list");
                let list = list.split('.').next().unwrap_or_default();
                let fields = list
                    .split('`')
                    .skip(1)
                    .step_by(2)
                    .map(str::to_owned)
                    .collect();
                let qualifier = qualifier.trim().trim_matches(['(', ')']).to_owned();
                documented.push((commands.clone(), qualifier, fields));
            }
            paragraph.clear();
        } else {
            paragraph.push_str(line);
            paragraph.push(' ');
        }
    }
    let fields_of = |command: &str, qualifier: &str| -> Vec<String> {
        let found: Vec<_> = documented
            .iter()
            .filter(|(c, q, _)| c.iter().any(|c| c == command) && q.starts_with(qualifier))
            .collect();
        assert_eq!(
            found.len(),
            1,
            "docs/json.md: one `Fields` line for `{command}` ({qualifier})"
        );
        found[0].2.clone()
    };

    let project = tempfile::tempdir().expect("a project");
    let dir = project.path();
    std::fs::write(
        dir.join("upwire.toml"),
        "[database.main]\nredis_url = \"${REDIS_URL}\"\n\n[target.api]\nkind = \"server\"\n",
    )
    .expect("descriptor");
    // A port nothing listens on: `check` fails quickly, and still prints its document.
    let port = crate::support::free_port();
    std::fs::write(
        dir.join(".env"),
        format!("REDIS_URL=redis://default:AbCdEf0123456789abcdef0123456789@127.0.0.1:{port}\n"),
    )
    .expect(".env");
    let cases: [(&str, &str, &[&str]); 9] = [
        ("lint", "", &["lint"]),
        ("resolve", "", &["resolve"]),
        ("generate", "", &["generate", "--dry-run"]),
        ("docs", "", &["docs"]),
        ("fix", "", &["fix", "--dry-run"]),
        ("check", "", &["check", "--timeout", "2"]),
        ("explain", "with an id", &["explain", "tls-required"]),
        ("explain", "alone", &["explain"]),
        ("init", "", &["init", "--force", "-c", "other.toml"]),
    ];
    for (command, qualifier, args) in cases {
        let output = run(upwire_in(dir).args(["--format", "json"]).args(args));
        let printed: Vec<String> = json(&output)
            .as_object()
            .unwrap_or_else(|| panic!("`{command}`: a JSON object"))
            .keys()
            .cloned()
            .collect();
        let mut documented = fields_of(command, qualifier);
        if !printed.iter().any(|k| k == "dotenv") {
            documented.retain(|f| f != "dotenv" && f != "env_files");
        }
        let mut sorted = printed.clone();
        sorted.sort();
        documented.sort();
        assert_eq!(
            sorted,
            documented,
            "`upwire --format json {}`",
            args.join(" ")
        );
    }
}
