//! The generated `vercel-env.sh`, `netlify-env.sh`, `railway-env.sh`, `deno-deploy-env.sh` and
//! `supabase-secrets.sh` run for real, against stand-in `vercel`, `netlify`, `railway`, `deno`
//! and `supabase` commands on `PATH` that record what they were given: every context a script
//! advertises works, each value arrives exactly, and no secret is ever on a command line
//! (where `ps` shows it to every user of the machine).

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use crate::support::tier::{self, Group};
use crate::support::{code, run, upwire};

/// Canary secrets.
const PASSWORD: &str = "PwScriptCanaryUrl0123";
const TOKEN: &str = "AXscriptCanaryToken0123456789abcdef";
const READONLY: &str = "AqscriptCanaryReadonly0123456789abcd";

const DESCRIPTOR: &str = r#"
[database.main]
redis_url = "${UPSTASH_REDIS_URL}"
rest_url = "${UPSTASH_REDIS_REST_URL}"
rest_token = "${UPSTASH_REDIS_REST_TOKEN}"
rest_readonly_token = "${UPSTASH_REDIS_REST_READONLY_TOKEN}"

[target.shop]
kind = "lambda"
platform = "vercel"
dir = "shop"

[target.blog]
kind = "lambda"
platform = "netlify"
dir = "blog"

[target.api]
kind = "server"
platform = "railway"
dir = "api"

[target.jobs]
kind = "server"
platform = "railway"
transport = "rest"
dir = "jobs"

[target.edge]
kind = "edge"
platform = "deno-deploy"
dir = "edge"

[target.functions]
kind = "edge"
platform = "supabase"
dir = "site"
"#;

/// A stand-in CLI: appends its arguments (one per line, after a `--- argv` line) to `$LOG`,
/// and, for the commands that read a value, what it read (stdin, or the file `env:import`,
/// `deno deploy env load` or `supabase secrets set --env-file` names, with that file's mode).
const STAND_IN: &str = r#"#!/bin/sh
{
  echo "--- argv"
  for a in "$@"; do printf '%s\n' "$a"; done
  case "$1 $2" in
    "env add"*|"variable set") echo "--- stdin"; cat; echo ;;
    "env:import "*) echo "--- file $(stat -c %a "$2") $2"; cat "$2" ;;
    "deploy env"|"secrets set") echo "--- file $(stat -c %a "$4") $4"; cat "$4" ;;
  esac
} >>"$LOG"
"#;

struct Project {
    dir: tempfile::TempDir,
    bin: std::path::PathBuf,
    log: std::path::PathBuf,
}

impl Project {
    fn new() -> Self {
        Self::generated(DESCRIPTOR)
    }

    /// `descriptor` generated with the canary secrets, and stand-ins on `bin/` for every
    /// command the scripts and REDIS.md's `sh` blocks run.
    fn generated(descriptor: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("upwire.toml"), descriptor).unwrap();
        let env = format!(
            "UPSTASH_REDIS_URL=rediss://default:{PASSWORD}@eu1-tidy-cat-12345.upstash.io:6379\n\
             UPSTASH_REDIS_REST_URL=https://eu1-tidy-cat-12345.upstash.io\n\
             UPSTASH_REDIS_REST_TOKEN={TOKEN}\n\
             UPSTASH_REDIS_REST_READONLY_TOKEN={READONLY}\n"
        );
        std::fs::write(dir.path().join("secrets.env"), env).unwrap();
        let output =
            run(upwire()
                .current_dir(dir.path())
                .args(["--env-file", "secrets.env", "generate"]));
        assert_eq!(code(&output), 0, "{output:?}");
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        for name in [
            "vercel", "netlify", "fly", "docker", "kubectl", "aws", "jq", "npx", "npm", "railway",
            "deno", "supabase",
        ] {
            let path = bin.join(name);
            std::fs::write(&path, STAND_IN).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let log = dir.path().join("calls.log");
        Self { dir, bin, log }
    }

    /// Runs `sh <script> <args>` with the stand-ins first on `PATH`; returns its exit code
    /// and what the stand-ins recorded (then clears the record).
    fn run_script(&self, script: &str, args: &[&str]) -> (i32, String, String) {
        let path = format!(
            "{}:{}",
            self.bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let output = run(Command::new("sh")
            .arg(self.dir.path().join(script))
            .args(args)
            .env("PATH", path)
            .env("LOG", &self.log)
            .env("TMPDIR", self.dir.path()));
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let _ = std::fs::remove_file(&self.log);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        (code(&output), log, stderr)
    }
}

/// The argument lists recorded in `log`, without what was read from stdin or files.
fn argv_lines(log: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut in_argv = false;
    for line in log.lines() {
        if line.starts_with("--- ") {
            in_argv = line == "--- argv";
            continue;
        }
        if in_argv {
            out.push(line);
        }
    }
    out
}

fn assert_no_secret_on_a_command_line(log: &str) {
    for arg in argv_lines(log) {
        for secret in [TOKEN, READONLY, PASSWORD] {
            assert!(!arg.contains(secret), "a secret on a command line: {arg}");
        }
    }
}

#[test]
fn vercel_env_sh_pipes_every_value_for_every_environment_it_advertises() {
    let project = Project::new();
    let script = project.dir.path().join("shop/vercel-env.sh");
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(text.contains("[production|preview|development]"), "{text}");
    for environment in ["production", "preview", "development"] {
        let (status, log, stderr) = project.run_script("shop/vercel-env.sh", &[environment]);
        assert_eq!(status, 0, "{environment}: {stderr}");
        assert_no_secret_on_a_command_line(&log);
        assert!(
            log.contains(&format!(
                "--- argv\nenv\nadd\nUPSTASH_REDIS_REST_TOKEN\n{environment}\n--- stdin\n{TOKEN}\n"
            )),
            "{environment}: {log}"
        );
        assert!(log.contains("UPSTASH_REDIS_REST_URL\n"), "{log}");
    }
}

#[test]
fn netlify_env_sh_imports_through_a_private_file_and_marks_the_secrets() {
    let project = Project::new();
    let (status, log, stderr) = project.run_script("blog/netlify-env.sh", &[]);
    assert_eq!(status, 0, "{stderr}");
    assert_no_secret_on_a_command_line(&log);
    // The import file: mode 0600, this target's variables as the .env has them.
    assert_private_file_held(
        &log,
        &[
            "UPSTASH_REDIS_REST_URL=https://eu1-tidy-cat-12345.upstash.io".to_owned(),
            format!("UPSTASH_REDIS_REST_TOKEN={TOKEN}"),
        ],
    );
    // The token is marked secret, without a value; the URL is not.
    let argv = argv_lines(&log).join(" ");
    assert!(
        argv.contains("env:set UPSTASH_REDIS_REST_TOKEN --secret"),
        "{argv}"
    );
    assert!(!argv.contains("env:set UPSTASH_REDIS_REST_URL"), "{argv}");
    // No context flag anywhere: `--secret` with `--context dev` is what Netlify refuses.
    assert!(!argv.contains("--context"), "{argv}");
}

/// The file a stand-in recorded reading (`--- file MODE PATH`): its mode is 0600, it is gone
/// after the script, and it held exactly `lines`.
fn assert_private_file_held(log: &str, lines: &[String]) {
    let header = log
        .lines()
        .find(|l| l.starts_with("--- file "))
        .unwrap_or_else(|| panic!("no file read: {log}"));
    let mut parts = header.split(' ').skip(2);
    assert_eq!(parts.next(), Some("600"), "{header}");
    let tmp = parts.next().unwrap();
    assert!(!Path::new(tmp).exists(), "{tmp} is left behind");
    let body: Vec<&str> = log[log.find(header).unwrap() + header.len() + 1..]
        .lines()
        .take_while(|l| !l.starts_with("--- "))
        .collect();
    assert_eq!(body, lines, "{log}");
}

#[test]
fn railway_env_sh_pipes_each_value_and_redeploys_once() {
    let project = Project::new();
    let (status, log, stderr) = project.run_script("jobs/railway-env.sh", &["--service", "jobs"]);
    assert_eq!(status, 0, "{stderr}");
    assert_no_secret_on_a_command_line(&log);
    assert_eq!(
        log,
        format!(
            "--- argv\nvariable\nset\nUPSTASH_REDIS_REST_URL\n--stdin\n--skip-deploys\n--service\njobs\n\
             --- stdin\nhttps://eu1-tidy-cat-12345.upstash.io\n\
             --- argv\nvariable\nset\nUPSTASH_REDIS_REST_TOKEN\n--stdin\n--service\njobs\n\
             --- stdin\n{TOKEN}\n"
        )
    );
    let (status, log, stderr) = project.run_script("api/railway-env.sh", &[]);
    assert_eq!(status, 0, "{stderr}");
    assert_no_secret_on_a_command_line(&log);
    assert!(
        log.contains(&format!(
            "--- stdin\nrediss://default:{PASSWORD}@eu1-tidy-cat-12345.upstash.io:6379\n"
        )),
        "{log}"
    );
}

#[test]
fn deno_deploy_env_sh_loads_a_private_file_and_keeps_the_url_plain() {
    let project = Project::new();
    let (status, log, stderr) =
        project.run_script("edge/deno-deploy-env.sh", &["--org", "o", "--app", "a"]);
    assert_eq!(status, 0, "{stderr}");
    assert_no_secret_on_a_command_line(&log);
    let argv = argv_lines(&log);
    assert_eq!(argv[..3], ["deploy", "env", "load"], "{log}");
    assert_eq!(
        argv[4..],
        [
            "--org",
            "o",
            "--app",
            "a",
            "--non-secrets",
            "UPSTASH_REDIS_REST_URL"
        ],
        "{log}"
    );
    assert_private_file_held(
        &log,
        &[
            "UPSTASH_REDIS_REST_URL=https://eu1-tidy-cat-12345.upstash.io".to_owned(),
            format!("UPSTASH_REDIS_REST_TOKEN={TOKEN}"),
        ],
    );
}

#[test]
fn supabase_secrets_sh_reads_supabase_functions_env_through_a_private_file() {
    let project = Project::new();
    // Another secret of the functions' env file stays where it is.
    let env = project.dir.path().join("site/supabase/functions/.env");
    let mut text = std::fs::read_to_string(&env).unwrap();
    text.push_str("STRIPE_KEY=sk_other\n");
    std::fs::write(&env, text).unwrap();
    let (status, log, stderr) =
        project.run_script("site/supabase-secrets.sh", &["--project-ref", "abc"]);
    assert_eq!(status, 0, "{stderr}");
    assert_no_secret_on_a_command_line(&log);
    let argv = argv_lines(&log);
    assert_eq!(argv[..3], ["secrets", "set", "--env-file"], "{log}");
    assert_eq!(argv[4..], ["--project-ref", "abc"], "{log}");
    assert_private_file_held(
        &log,
        &[
            "UPSTASH_REDIS_REST_URL=https://eu1-tidy-cat-12345.upstash.io".to_owned(),
            format!("UPSTASH_REDIS_REST_TOKEN={TOKEN}"),
        ],
    );
}

#[test]
fn netlify_env_sh_refuses_arguments_it_does_not_take() {
    let project = Project::new();
    let (status, log, stderr) = project.run_script("blog/netlify-env.sh", &["dev"]);
    assert_eq!(status, 2, "{stderr}");
    assert!(stderr.contains("usage: sh"), "{stderr}");
    assert!(log.is_empty(), "it ran netlify: {log}");
}

/// One target per platform, each in a `dir` whose name is shell code; `(platform, kind, dir)`.
const HOSTILE_DIRS: &[(&str, &str, &str)] = &[
    ("vercel", "lambda", "x';touch INJ-vercel;'"),
    ("netlify", "lambda", "$(touch INJ-netlify)"),
    ("fly", "server", "`touch INJ-fly`"),
    ("docker", "container", "a b;touch INJ-docker"),
    ("kubernetes", "container", "\"$(touch INJ-k8s)\""),
    ("aws-lambda", "lambda", "-x $(touch INJ-lambda)"),
    ("cloudflare", "edge", "c&touch INJ-cf&"),
    ("generic", "server", "g|touch INJ-generic"),
    ("expo", "mobile", "e>INJ-expo"),
    ("railway", "server", "r;touch INJ-railway"),
    ("render", "container", "$(touch INJ-render)"),
    ("deno-deploy", "edge", "d'touch INJ-deno'"),
    ("supabase", "edge", "s`touch INJ-supabase`"),
];

/// Every file below `dir` whose name starts with `INJ`: what a hostile name made a shell do.
fn injected(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with("INJ") {
            found.push(path.clone());
        }
        if entry.file_type().unwrap().is_dir() {
            found.extend(injected(&path));
        }
    }
    found
}

/// REDIS.md's `sh` blocks and the generated scripts, for targets whose `dir` is shell code,
/// run for real under bash (stand-ins for the platform CLIs): nothing runs that the dir
/// spells, each command gets the path exactly; the YAML, TOML and JSON files parse back to
/// the values.
#[test]
fn hostile_dirs_are_data_in_the_guide_and_the_scripts() {
    let mut descriptor = DESCRIPTOR[..DESCRIPTOR.find("[target.shop]").unwrap()].to_owned();
    for (i, (platform, kind, target_dir)) in HOSTILE_DIRS.iter().enumerate() {
        let key = serde_json::to_string(target_dir).unwrap();
        descriptor.push_str(&format!(
            "[target.t{i}]\nkind = \"{kind}\"\nplatform = \"{platform}\"\ndir = {key}\n\n"
        ));
    }
    let project = Project::generated(&descriptor);
    let (dir, bin, log) = (&project.dir, &project.bin, &project.log);
    for (platform, _, target_dir) in HOSTILE_DIRS {
        // Supabase's tooling reads `supabase/functions/.env`, `wrangler dev` a Worker's
        // `.dev.vars`; the others `.env`.
        let env = match *platform {
            "supabase" => "supabase/functions/.env",
            "cloudflare" => ".dev.vars",
            _ => ".env",
        };
        assert!(
            dir.path().join(target_dir).join(env).is_file(),
            "{target_dir}"
        );
    }
    let guide = std::fs::read_to_string(dir.path().join("REDIS.md")).unwrap();
    let blocks: Vec<&str> = guide
        .split("```sh\n")
        .skip(1)
        .map(|rest| &rest[..rest.find("```").unwrap()])
        .collect();
    // One setup block per target, and the starters' `npm install` blocks.
    assert!(blocks.len() >= HOSTILE_DIRS.len(), "{guide}");
    for block in blocks {
        // The placeholders the reader fills in.
        let block = block
            .replace("<IMAGE>", "IMAGE")
            .replace("<FUNCTION>", "FUNCTION");
        let output = run(Command::new("bash")
            .args(["-eu", "-c", &block])
            .current_dir(dir.path())
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    bin.display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .env("LOG", log)
            .env("TMPDIR", dir.path()));
        assert_eq!(code(&output), 0, "{block}\n{output:?}");
    }
    assert_eq!(injected(dir.path()), Vec::<std::path::PathBuf>::new());
    let log = std::fs::read_to_string(log).unwrap();
    let argv = argv_lines(&log);
    for want in [
        "a b;touch INJ-docker/docker.env",
        "\"$(touch INJ-k8s)\"/redis-secret.yaml",
        "./-x $(touch INJ-lambda)/lambda-env.json",
    ] {
        assert!(argv.contains(&want), "{want} not an argument: {log}");
    }
    // Both scripts ran through the guide and read their values.
    assert!(log.contains(&format!("--- stdin\n{TOKEN}\n")), "{log}");
    assert!(
        log.contains(&format!("UPSTASH_REDIS_REST_TOKEN={TOKEN}\n")),
        "{log}"
    );

    // The structured files parse back to the values.
    let k8s = dir.path().join("\"$(touch INJ-k8s)\"/redis-secret.yaml");
    let python = "import sys, json, yaml\nprint(json.dumps(yaml.safe_load(open(sys.argv[1]))))\n";
    if tier::require(Group::Yaml) {
        let out = crate::support::run_tool(
            "python3",
            &["-c", python, &k8s.to_string_lossy()],
            dir.path(),
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            doc["stringData"]["REDIS_URL"],
            format!("rediss://default:{PASSWORD}@eu1-tidy-cat-12345.upstash.io:6379")
        );
    }
    let lambda = dir.path().join("-x $(touch INJ-lambda)/lambda-env.json");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(lambda).unwrap()).unwrap();
    assert_eq!(doc["Variables"]["UPSTASH_REDIS_REST_TOKEN"], TOKEN);
    let wrangler = dir.path().join("c&touch INJ-cf&/wrangler.redis.toml");
    let doc: toml::Table = std::fs::read_to_string(wrangler).unwrap().parse().unwrap();
    assert_eq!(
        doc["vars"]["UPSTASH_REDIS_REST_URL"].as_str(),
        Some("https://eu1-tidy-cat-12345.upstash.io")
    );
}
