//! Secret masking in every command: a unique (canary) password, token and read-only token go into
//! every command — lint, resolve (text and JSON), explain, docs, init, generate and `--dry-run`,
//! check with failing and passing logins, and `serve` with its request log — and must never appear
//! in stdout, stderr, `REDIS.md`, `.env.example`, generated code or any other file meant to be
//! committed: only in `.env`, `.dev.vars` and the platform secret files. Positive controls
//! (`resolve --show-secrets`, the secret files) prove the canaries really flow through, so the test
//! cannot pass by losing them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::support::http::Request;
use crate::support::redis::{RedisOptions, RedisServer};
use crate::support::serve::{ServeOptions, ServeProcess};
use crate::support::tier::{self, Group};
use crate::support::{SECRET_FILES, all_output, code, files_below, run_bounded, upwire};

/// Three unique, realistic-looking secrets for this run.
struct Canaries {
    password: String,
    token: String,
    readonly: String,
}

impl Canaries {
    fn new() -> Canaries {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let seed = format!("{:x}{:x}", std::process::id(), nanos);
        Canaries {
            password: format!("AXcanaryPw{seed}"),
            token: format!("AXcanaryTok{seed}"),
            readonly: format!("AocanaryRo{seed}"),
        }
    }

    fn all(&self) -> [&str; 3] {
        [&self.password, &self.token, &self.readonly]
    }

    /// Which canaries `text` contains.
    fn found_in(&self, text: &str) -> Vec<&str> {
        self.all()
            .into_iter()
            .filter(|c| text.contains(c))
            .collect()
    }
}

/// Every deployment kind and every platform, each target in its own directory.
const DESCRIPTOR: &str = r#"[project]
name = "canary"

[database.main]
redis_url = "${UPSTASH_REDIS_URL}"
rest_url = "https://eu1-tidy-cat-12345.upstash.io"
rest_token = "${UPSTASH_REDIS_REST_TOKEN}"
rest_readonly_token = "${UPSTASH_REDIS_REST_READONLY_TOKEN}"

[target.api]
kind = "server"
platform = "fly"
dir = "api"

[target.plain]
kind = "server"
platform = "generic"
dir = "plain"

[target.worker]
kind = "container"
platform = "kubernetes"
needs = ["blocking"]
dir = "worker"

[target.box]
kind = "container"
platform = "docker"
dir = "box"

[target.thumbs]
kind = "lambda"
platform = "aws-lambda"
dir = "thumbs"

[target.shop]
kind = "edge"
platform = "vercel"
dir = "shop"

[target.blog]
kind = "edge"
platform = "netlify"
dir = "blog"

[target.worker-edge]
kind = "edge"
platform = "cloudflare"
dir = "cf"

[target.app]
kind = "mobile"
platform = "expo"
dir = "app"
"#;

/// A project directory and, outside it, the env file with the canaries.
struct Project {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    secrets: PathBuf,
}

impl Project {
    fn new(canaries: &Canaries) -> Project {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("repo");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("upwire.toml"), DESCRIPTOR).unwrap();
        let secrets = tmp.path().join("secrets.env");
        std::fs::write(
            &secrets,
            format!(
                "UPSTASH_REDIS_URL=rediss://default:{}@eu1-tidy-cat-12345.upstash.io:6379\n\
                 UPSTASH_REDIS_REST_TOKEN={}\n\
                 UPSTASH_REDIS_REST_READONLY_TOKEN={}\n",
                canaries.password, canaries.token, canaries.readonly
            ),
        )
        .unwrap();
        Project {
            _tmp: tmp,
            root,
            secrets,
        }
    }

    /// `upwire -c <root>/upwire.toml --env-file <secrets> ARGS`, from the project root.
    fn upwire(&self, args: &[&str]) -> Output {
        let mut cmd = upwire();
        cmd.current_dir(&self.root)
            .arg("-c")
            .arg(self.root.join("upwire.toml"))
            .arg("--env-file")
            .arg(&self.secrets)
            .args(args);
        run_bounded(cmd, Duration::from_secs(60))
    }

    /// Every file below the root, relative path → contents.
    fn files(&self) -> BTreeMap<String, String> {
        files_below(&self.root)
    }
}

/// Collects every output under a label, for one assertion at the end that names them all.
#[derive(Default)]
struct Outputs(Vec<(String, String)>);

impl Outputs {
    fn add(&mut self, label: impl Into<String>, output: &Output) {
        let label = label.into();
        self.0.push((
            format!("{label}: stdout"),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        ));
        self.0.push((
            format!("{label}: stderr"),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        ));
    }

    fn add_text(&mut self, label: impl Into<String>, text: String) {
        self.0.push((label.into(), text));
    }

    fn assert_clean(&self, canaries: &Canaries) {
        let leaks: Vec<String> = self
            .0
            .iter()
            .filter_map(|(label, text)| {
                let found = canaries.found_in(text);
                (!found.is_empty()).then(|| format!("{label} contains {found:?}:\n{text}"))
            })
            .collect();
        assert!(
            leaks.is_empty(),
            "secrets leaked:\n\n{}",
            leaks.join("\n\n")
        );
        assert!(self.0.len() > 10, "too few outputs checked");
    }
}

fn expect_code(output: &Output, expected: i32, what: &str) {
    assert_eq!(
        code(output),
        expected,
        "{what}:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The descriptor-driven commands and every file they write.
#[test]
fn canaries_stay_in_the_secret_files_through_every_command() {
    let canaries = Canaries::new();
    let project = Project::new(&canaries);
    let mut outputs = Outputs::default();

    // The positive control: asked to, upwire shows all three.
    let shown = project.upwire(&["resolve", "--show-secrets"]);
    expect_code(&shown, 0, "resolve --show-secrets");
    assert_eq!(
        canaries
            .found_in(&String::from_utf8_lossy(&shown.stdout))
            .len(),
        3,
        "resolve --show-secrets does not show the canaries; the test would prove nothing"
    );

    for args in [
        &["lint"][..],
        &["--format", "json", "lint"],
        &["resolve"],
        &["--format", "json", "resolve"],
        &["resolve", "--target", "app"],
        &["explain"],
        &["docs"],
        &["--format", "json", "docs"],
        &["generate", "--dry-run", "--diff"],
        &["--format", "json", "generate", "--dry-run", "--diff"],
    ] {
        let output = project.upwire(args);
        expect_code(&output, 0, &args.join(" "));
        outputs.add(args.join(" "), &output);
    }
    for id in upwire::internal::explain_ids() {
        outputs.add(format!("explain {id}"), &project.upwire(&["explain", id]));
    }
    let docs = project.upwire(&["docs", "--out", "GUIDE.md"]);
    expect_code(&docs, 0, "docs --out");
    outputs.add("docs --out", &docs);

    // Generate, then rotate every secret and look at the dry run and the second generate:
    // the diff of secret files must name keys, not values.
    let generated = project.upwire(&["generate"]);
    expect_code(&generated, 0, "generate");
    outputs.add("generate", &generated);
    let rotated = Canaries::new();
    let old = std::fs::read_to_string(&project.secrets).unwrap();
    let mut new = old.clone();
    for (a, b) in canaries.all().iter().zip(rotated.all()) {
        new = new.replace(a, b);
    }
    std::fs::write(&project.secrets, new).unwrap();
    for args in [
        &["generate", "--dry-run", "--diff"][..],
        &["--format", "json", "generate", "--dry-run", "--diff"],
    ] {
        let output = project.upwire(args);
        expect_code(&output, 0, &args.join(" "));
        outputs.add(format!("{} after rotation", args.join(" ")), &output);
        outputs.assert_clean(&rotated);
    }
    std::fs::write(&project.secrets, old).unwrap();
    let json = project.upwire(&["--format", "json", "generate"]);
    expect_code(&json, 0, "--format json generate");
    outputs.add("--format json generate", &json);

    // Files: canaries only in the secret files, and there they are (positive control).
    let files = project.files();
    let mut seen_in_secret_files = std::collections::BTreeSet::new();
    let mut secret_files = 0;
    for (path, contents) in &files {
        let name = Path::new(path).file_name().unwrap().to_str().unwrap();
        if SECRET_FILES.contains(&name) {
            secret_files += 1;
            seen_in_secret_files.extend(canaries.found_in(contents));
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(project.root.join(path))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{path} holds secrets");
        } else {
            outputs.add_text(format!("file {path}"), contents.clone());
        }
    }
    for expected in [
        "REDIS.md",
        "GUIDE.md",
        "api/.env.example",
        "api/src/redis_client.rs",
        "app/lib/redis.ts",
        "cf/src/redis_client.rs",
        "cf/wrangler.redis.toml",
        "shop/vercel-env.sh",
        "blog/netlify-env.sh",
    ] {
        assert!(
            files.contains_key(expected),
            "{expected} was not generated: {:?}",
            files.keys()
        );
    }
    // fly, kubernetes, docker and lambda, and one env file per target (Cloudflare's is its
    // `.dev.vars`, which wrangler reads instead of `.env`).
    assert_eq!(secret_files, 4 + 9, "{:?}", files.keys());
    assert_eq!(
        seen_in_secret_files.len(),
        3,
        "the secret files do not hold every canary"
    );
    outputs.assert_clean(&canaries);
}

/// Diagnostics that quote the source line: a literal secret on a line with a syntax error, an
/// invalid env line, a REST URL in REDIS_URL, a token under a public prefix.
#[test]
fn canaries_in_broken_input_are_masked() {
    let canaries = Canaries::new();
    let project = Project::new(&canaries);
    let mut outputs = Outputs::default();
    let broken_env = project.root.join("broken.env");
    std::fs::write(
        &broken_env,
        format!(
            "REDIS_URL=https://default:{pw}@eu1-tidy-cat-12345.upstash.io\n\
             UPSTASH_REDIS_REST_TOKEN=\"Bearer {tok}\"\n\
             NEXT_PUBLIC_UPSTASH_REDIS_REST_TOKEN={tok}\n\
             VITE_KV_REST_API_TOKEN={ro}\n\
             KV_URL rediss://default:{pw}@eu1-tidy-cat-12345.upstash.io:6379\n\
             UPSTASH_REDIS_REST_READONLY_TOKEN=\"{ro}\n",
            pw = canaries.password,
            tok = canaries.token,
            ro = canaries.readonly
        ),
    )
    .unwrap();
    for format in ["text", "json"] {
        let output = project.upwire(&["--format", format, "lint", "broken.env"]);
        expect_code(&output, 1, "lint broken.env");
        outputs.add(format!("lint broken.env ({format})"), &output);
    }
    // A literal password on a line that does not parse, and one that does.
    for (file, template) in [
        (
            "literal.toml",
            "[database.main]\nredis_url = \"rediss://default:{pw}@eu1-tidy-cat-12345.upstash.io:6379\"\nrest_token = \"{tok}\"\n\n[target.api]\nkind = \"server\"\n",
        ),
        (
            "syntax.toml",
            "[database.main]\r\nredis_url = \"rediss://default:{pw}@eu1-tidy-cat-12345.upstash.io:6379\r\nrest_token = '{tok}\r\n",
        ),
    ] {
        let text = template
            .replace("{pw}", &canaries.password)
            .replace("{tok}", &canaries.token);
        std::fs::write(project.root.join(file), text).unwrap();
    }
    for file in ["literal.toml", "syntax.toml"] {
        for args in [
            &["lint"][..],
            &["--format", "json", "lint"],
            &["resolve"],
            &["generate", "--dry-run", "--diff"],
        ] {
            let mut cmd = upwire();
            cmd.current_dir(&project.root)
                .arg("-c")
                .arg(file)
                .args(args);
            let output = run_bounded(cmd, Duration::from_secs(60));
            assert!(
                matches!(code(&output), 0 | 1),
                "{file} {args:?}: {output:?}"
            );
            outputs.add(format!("{file}: {}", args.join(" ")), &output);
        }
    }
    // The token names in the environment: --help must not show their values.
    let mut help = upwire();
    help.args(["serve", "--help"])
        .env("UPWIRE_SERVE_TOKEN", &canaries.token)
        .env("UPWIRE_SERVE_READONLY_TOKEN", &canaries.readonly);
    outputs.add("serve --help", &run_bounded(help, Duration::from_secs(30)));
    let init = tempfile::tempdir().unwrap();
    let mut cmd = upwire();
    cmd.current_dir(init.path()).arg("init");
    outputs.add("init", &run_bounded(cmd, Duration::from_secs(30)));
    outputs.assert_clean(&canaries);
}

// ---------------------------------------------------------------------------------------------
// check and serve, against real peers on loopback

/// `upwire --format FORMAT check --timeout 5 ARGS`, bounded.
fn run_check(format: &str, args: &[&str]) -> Output {
    let mut cmd = upwire();
    cmd.args(["--format", format, "check", "--timeout", "5"])
        .args(args);
    run_bounded(cmd, Duration::from_secs(60))
}

#[test]
fn canaries_never_reach_check_output_or_the_serve_log() {
    if !tier::require(Group::Openssl) {
        return;
    }
    let canaries = Canaries::new();
    let tmp = tempfile::tempdir().unwrap();
    let mut outputs = Outputs::default();

    // serve in front of a redis-server whose password is the canary.
    let mut redis = RedisServer::start(RedisOptions {
        password: Some(canaries.password.clone()),
        ..RedisOptions::default()
    });
    let redis_url = redis.url(None, Some(&canaries.password));
    let serve = ServeProcess::start(
        &redis_url,
        &ServeOptions::default()
            .token(&canaries.token)
            .readonly_token(&canaries.readonly),
    );
    let command = |token: &str, body: &str| Request::post_json("/", body).bearer(token);

    // Requests carrying the canaries: header, query string, read-only token, wrong tokens that
    // contain a canary, a value and a path argument equal to a canary, a Redis error.
    let requests = [
        (
            "SET with the token",
            command(
                &canaries.token,
                &format!("[\"SET\",\"k\",\"{}\"]", canaries.password),
            ),
        ),
        (
            "GET with ?_token=",
            Request::post_json(
                &format!("/?_token={}", canaries.token),
                "[\"GET\",\"missing\"]",
            ),
        ),
        (
            "path style with the token in the query",
            Request::get(&format!(
                "/set/k2/{}?_token={}",
                canaries.token, canaries.token
            )),
        ),
        (
            "read with the read-only token",
            command(&canaries.readonly, "[\"GET\",\"k\"]"),
        ),
        (
            "write with the read-only token",
            command(&canaries.readonly, "[\"SET\",\"k\",\"v\"]"),
        ),
        (
            "wrong token in the header",
            command(&format!("{}x", canaries.token), "[\"PING\"]"),
        ),
        (
            "wrong token in the query",
            Request::post_json(&format!("/?_token=x{}", canaries.readonly), "[\"PING\"]"),
        ),
        (
            "AUTH with the password",
            command(
                &canaries.token,
                &format!("[\"AUTH\",\"{}\"]", canaries.password),
            ),
        ),
        (
            "a Redis error",
            command(&canaries.token, "[\"INCR\",\"k\"]"),
        ),
        (
            "pipeline",
            Request::post_json(
                "/pipeline",
                &format!(
                    "[[\"SET\",\"{0}\",\"{0}\"],[\"DEL\",\"{0}\"]]",
                    canaries.password
                ),
            )
            .bearer(&canaries.token),
        ),
    ];
    let mut statuses = Vec::new();
    // Successful replies carry the data asked for (a value that is a canary, here); error
    // replies must not echo a token, an argument or the Redis URL.
    for (what, request) in &requests {
        let response = request.send(serve.addr);
        statuses.push(format!("{what}: {}", response.status));
        if response.status != 200 {
            outputs.add_text(format!("serve response to {what}"), response.text());
        }
    }
    // check against serve: a wrong token (401), then the right one.
    let rest_url = serve.url();
    for (what, token, expected) in [
        ("wrong token", format!("{}-rotated", canaries.token), 1),
        ("right token", canaries.token.clone(), 0),
    ] {
        for format in ["text", "json"] {
            let output = run_check(format, &["--rest-url", &rest_url, "--rest-token", &token]);
            expect_code(&output, expected, &format!("check REST, {what}"));
            outputs.add(format!("check REST {what} ({format})"), &output);
        }
    }

    // check over TCP/TLS with a wrong password, from the flags and from a descriptor (whose
    // REST side goes to serve with the right token).
    let tls = RedisServer::start(RedisOptions {
        password: Some("the-real-password".to_owned()),
        tls: true,
        ..RedisOptions::default()
    });
    let wrong_url = tls.url(None, Some(&canaries.password));
    let ca = tls.ca().display().to_string();
    for format in ["text", "json"] {
        let output = run_check(format, &["--redis-url", &wrong_url, "--ca-file", &ca]);
        expect_code(&output, 1, "check TCP with a wrong password");
        let all = all_output(&output);
        assert!(
            all.contains("auth"),
            "the failure names the auth stage: {all}"
        );
        outputs.add(format!("check TCP wrong password ({format})"), &output);
    }
    let project = tmp.path().join("repo");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(
        project.join("upwire.toml"),
        "[database.main]\nredis_url = \"${REDIS_URL}\"\nrest_url = \"${REST_URL}\"\nrest_token = \"${TOKEN}\"\n\n[target.api]\nkind = \"server\"\n\n[target.edge]\nkind = \"edge\"\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("check.env"),
        format!(
            "REDIS_URL={wrong_url}\nREST_URL={rest_url}\nTOKEN={}\n",
            canaries.token
        ),
    )
    .unwrap();
    for format in ["text", "json"] {
        let mut cmd = upwire();
        cmd.current_dir(&project)
            .args(["--format", format, "--env-file"])
            .arg(tmp.path().join("check.env"))
            .args(["check", "--both", "--timeout", "3", "--ca-file", &ca]);
        let output = run_bounded(cmd, Duration::from_secs(90));
        expect_code(&output, 1, "check --both from the descriptor");
        outputs.add(format!("check --both ({format})"), &output);
    }

    // Redis gone: the 503 and its log line name the Redis without its password.
    redis.kill();
    let response = command(&canaries.token, "[\"PING\"]").send(serve.addr);
    statuses.push(format!(
        "a command while Redis is down: {}",
        response.status
    ));
    outputs.add_text("serve response while Redis is down", response.text());

    let log = serve.stop();
    outputs.add_text("serve log", log.clone());

    // The log has one line per request, and the requests did what they should.
    let requests = log
        .lines()
        .filter(|l| l.contains("\"POST ") || l.contains("\"GET "))
        .count();
    assert!(
        requests >= 15,
        "the serve log has {requests} request lines:\n{log}"
    );
    let statuses = statuses.join("\n");
    for expected in [
        "SET with the token: 200",
        "GET with ?_token=: 200",
        "read with the read-only token: 200",
        "wrong token in the header: 401",
        "wrong token in the query: 401",
        "a Redis error: 400",
        "a command while Redis is down: 503",
    ] {
        assert!(statuses.contains(expected), "{statuses}");
    }
    outputs.assert_clean(&canaries);
}
