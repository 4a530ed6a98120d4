//! The CI examples are real: `examples/ci/github-actions.yml`'s test step (`upwire serve
//! --ephemeral -- npm test`, and the one `generate` writes) is run as written with a REST round
//! trip in place of the tests, `examples/ci/docker-compose.yml`'s service (SRH variables, command, health check) are
//! read out of the files and run against a `redis-server`, so their flags cannot rot; the
//! Dockerfile's entry point, listen address and user are the ones the examples rely on; and
//! the release asset the generated job downloads is the one the release workflow uploads;
//! and the GitHub Action's serve step exports working REST variables.
//! Ports are the test's own (free, loopback); everything else is taken from the files.

use std::process::Stdio;
use std::time::Duration;

use serde_json::json;

use crate::support::http::{Reply, Request};
use crate::support::redis::RedisServer;
use crate::support::serve::{ServeOptions, ServeProcess};
use crate::support::tier::{self, Group};
use crate::support::{all_output, code, root, run_bounded, upwire};

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The one line of `text` that contains `needle`, trimmed.
fn line_with<'a>(text: &'a str, needle: &str) -> &'a str {
    let lines: Vec<&str> = text.lines().filter(|l| l.contains(needle)).collect();
    assert_eq!(lines.len(), 1, "one line with {needle:?}, found {lines:?}");
    lines[0].trim()
}

/// A request to serve with this `Host` and token, on a connection of its own.
fn send(serve: &ServeProcess, host: &str, token: &str, head: &str, body: &str) -> Reply {
    let (method, path) = head.split_once(' ').expect("`METHOD /path`");
    Request::new(method, path)
        .host(host)
        .bearer(token)
        .body(body)
        .send(serve.addr)
}

/// The REST calls a test suite makes first, with this `Host` (the listen address when
/// `None`): `PING` (the wait step's `/ping`), then a `SET` and a `GET` of it.
fn rest_round_trip(serve: &ServeProcess, token: &str, host: Option<&str>) {
    let host = host.map_or_else(|| serve.addr.to_string(), str::to_owned);
    let ping = send(serve, &host, token, "GET /ping", "");
    assert_eq!(ping.status, 200, "Host {host}: {}", ping.text());
    assert_eq!(ping.json(), json!({"result": "PONG"}));
    let set = send(
        serve,
        &host,
        token,
        "POST /",
        r#"["SET","ci:key","from the example"]"#,
    );
    assert_eq!(set.json(), json!({"result": "OK"}), "{}", set.text());
    let get = send(serve, &host, token, "GET /get/ci:key", "");
    assert_eq!(get.json(), json!({"result": "from the example"}));
}

/// The `run:` script of a workflow's step named `Test`: one line, or a `run: |` block.
fn test_step(workflow: &str) -> String {
    let mut lines = workflow
        .lines()
        .skip_while(|l| l.trim() != "- name: Test")
        .skip(1)
        .skip_while(|l| !l.trim_start().starts_with("run:"));
    let run = lines.next().expect("a `run:` in the Test step");
    let inline = run.trim_start().trim_start_matches("run:").trim();
    if inline != "|" {
        return inline.to_owned();
    }
    let indent = run.len() - run.trim_start().len();
    lines
        .take_while(|l| l.trim().is_empty() || l.len() - l.trim_start().len() > indent)
        .map(|l| l.get(indent + 2..).unwrap_or("").to_owned() + "\n")
        .collect()
}

/// Runs a Test step's script with bash, `npm test` replaced by `check` (a shell script), the
/// binary under test first on PATH, in `dir`; its output.
fn run_test_step(script: &str, check: &str, dir: &std::path::Path) -> std::process::Output {
    assert!(script.contains("npm test"), "{script}");
    std::fs::write(dir.join("check.sh"), check).unwrap();
    // A project with Rust and JavaScript targets runs both test commands: here, the check.
    let script = script
        .replace("cargo test && npm test", "npm test")
        .replace("npm test", "sh ./check.sh");
    run_step(&script, dir)
}

/// The variables of a workflow's step named `Test` (its `env:`), each a YAML double-quoted
/// value without escapes.
fn test_step_env(workflow: &str) -> Vec<(String, String)> {
    workflow
        .lines()
        .skip_while(|l| l.trim() != "- name: Test")
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with("run:"))
        .skip_while(|l| l.trim() != "env:")
        .skip(1)
        .map(|l| {
            let (name, value) = l.trim().split_once(": ").expect("`NAME: \"value\"`");
            let value = value.strip_prefix('"').and_then(|v| v.strip_suffix('"'));
            let value = value.expect("a double-quoted value");
            assert!(!value.contains('\\'), "no escapes: {value}");
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

/// Runs a Test step's script as written with bash, the binary under test first on PATH, in
/// `dir`; its output.
fn run_step(script: &str, dir: &std::path::Path) -> std::process::Output {
    run_step_with(script, &[], dir)
}

/// [`run_step`] with the step's variables `env`.
fn run_step_with(
    script: &str,
    env: &[(String, String)],
    dir: &std::path::Path,
) -> std::process::Output {
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_upwire"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = std::process::Command::new("bash");
    cmd.args(["-c", script])
        .current_dir(dir)
        .env("PATH", path)
        .env_remove("UPWIRE_SERVE_TOKEN")
        .env_remove("UPWIRE_SERVE_READONLY_TOKEN")
        .env_remove("UPWIRE_SERVE_LISTEN")
        .env_remove("SRH_MODE")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null());
    run_bounded(cmd, Duration::from_secs(60))
}

/// Apps that each have a `package.json`, with none at the root (no workspace): the job
/// `generate` writes installs each in its folder, and its test step, run as written, runs each
/// app's own `npm test` there against serve, one after the other, and ends with their status.
#[test]
fn generated_ci_job_installs_and_tests_each_app_in_its_folder() {
    crate::support::require("redis-server");
    if !tier::require(Group::Node) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let env = "UPSTASH_REDIS_REST_URL=https://eu1-tidy-cat-12345.upstash.io\n\
               UPSTASH_REDIS_REST_TOKEN=ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl\n";
    // Each app's tests: a SET through serve with the job's variables, its reply kept in the
    // app's folder.
    let test = "const url = `${process.env.UPSTASH_REDIS_REST_URL}/set/app:${process.env.npm_package_name}/tested`;\n\
                const reply = await fetch(url, { headers: { authorization: `Bearer ${process.env.UPSTASH_REDIS_REST_TOKEN}` }, signal: AbortSignal.timeout(5000) });\n\
                (await import(\"node:fs\")).writeFileSync(\"tested\", JSON.stringify(await reply.json()));\n";
    let files = [
        (
            "apps/web/package.json",
            r#"{"name":"web","scripts":{"test":"node test.mjs"},"dependencies":{"next":"15.1.0","@upstash/redis":"^1.35.0"}}"#,
        ),
        ("apps/web/package-lock.json", "{}"),
        ("apps/web/.env.local", env),
        ("apps/web/test.mjs", test),
        (
            "apps/api/package.json",
            r#"{"name":"api","scripts":{"test":"node test.mjs"},"dependencies":{"express":"4.21.0","@upstash/redis":"^1.35.0"}}"#,
        ),
        ("apps/api/package-lock.json", "{}"),
        ("apps/api/.env", env),
        ("apps/api/test.mjs", test),
        (".gitignore", ".env\n.env*.local\n"),
    ];
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    for command in ["init", "generate"] {
        let mut cmd = upwire();
        cmd.current_dir(dir.path())
            .arg(command)
            .stdin(Stdio::null());
        let output = run_bounded(cmd, Duration::from_secs(60));
        assert_eq!(code(&output), 0, "{command}: {}", all_output(&output));
    }
    let job = std::fs::read_to_string(dir.path().join(".github/upwire-serve.yml")).unwrap();
    for app in ["api", "web"] {
        assert!(
            job.contains(&format!(
                "      - run: npm ci\n        working-directory: \"apps/{app}\"\n"
            )),
            "{job}"
        );
    }
    let step = test_step(&job);
    assert_eq!(
        step,
        "upwire serve --ephemeral -- sh -c '(cd apps/api && npm test) && (cd apps/web && npm test)'"
    );
    let output = run_step(&step, dir.path());
    assert_eq!(code(&output), 0, "{}", all_output(&output));
    for app in ["api", "web"] {
        let tested = std::fs::read_to_string(dir.path().join(format!("apps/{app}/tested")))
            .unwrap_or_else(|e| panic!("apps/{app}: {e}\n{}", all_output(&output)));
        assert_eq!(tested, r#"{"result":"OK"}"#, "{app}");
    }
    // A failing app fails the step.
    std::fs::write(dir.path().join("apps/api/test.mjs"), "process.exit(4);\n").unwrap();
    let output = run_step(&step, dir.path());
    assert_ne!(code(&output), 0, "{}", all_output(&output));
}

/// Apps whose folder names a shell or YAML would read as something else (a space, `$(...)`,
/// a leading `-`, ` #`, `: `): each is installed in its folder and tested there all the same,
/// through the Test step's variables (its step run as written, each `npm test` a script that
/// notes its folder), nothing in a name runs, and YAML reads the job back as written.
#[test]
fn generated_ci_job_tests_apps_whose_folder_names_are_not_plain_in_their_folders() {
    crate::support::require("redis-server");
    let dir = tempfile::tempdir().unwrap();
    let apps = ["we b", "x$(touch pwned)", "-web", "a #b: c"];
    let mut descriptor = String::from(
        "[database.main]\nrest_url = \"https://eu1-tidy-cat-12345.upstash.io\"\n\
         rest_token = \"${UPSTASH_REDIS_REST_TOKEN}\"\n",
    );
    for (i, app) in apps.iter().enumerate() {
        descriptor.push_str(&format!(
            "\n[target.app{i}]\nkind = \"lambda\"\nplatform = \"aws-lambda\"\nframework = \"node\"\ndir = '{app}'\n"
        ));
        let folder = dir.path().join(app);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("package.json"), r#"{"name":"app"}"#).unwrap();
        std::fs::write(folder.join("package-lock.json"), "{}").unwrap();
        std::fs::write(folder.join("check.sh"), "pwd -P >> ../ran\n").unwrap();
    }
    std::fs::write(dir.path().join("upwire.toml"), descriptor).unwrap();
    std::fs::write(
        dir.path().join(".env"),
        "UPSTASH_REDIS_REST_TOKEN=ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl\n",
    )
    .unwrap();
    std::fs::write(dir.path().join(".gitignore"), ".env\nlambda-env.json\n").unwrap();
    let mut cmd = upwire();
    cmd.current_dir(dir.path())
        .arg("generate")
        .stdin(Stdio::null());
    let output = run_bounded(cmd, Duration::from_secs(60));
    assert_eq!(code(&output), 0, "{}", all_output(&output));
    let job = std::fs::read_to_string(dir.path().join(".github/upwire-serve.yml")).unwrap();
    for app in apps {
        assert!(
            job.contains(&format!(
                "      - run: npm ci\n        working-directory: \"{app}\"\n"
            )),
            "{job}"
        );
    }
    let step = test_step(&job);
    let env = test_step_env(&job);
    let output = run_step_with(&step.replace("npm test", "sh ./check.sh"), &env, dir.path());
    assert_eq!(code(&output), 0, "{step}\n{}", all_output(&output));
    let ran = std::fs::read_to_string(dir.path().join("ran")).unwrap();
    let root = dir.path().canonicalize().unwrap();
    let want: Vec<String> = apps
        .iter()
        .map(|app| root.join(app).display().to_string())
        .collect();
    assert_eq!(ran.lines().collect::<Vec<_>>(), want, "{step}");
    let pwned = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .any(|e| e.file_name() == "pwned");
    assert!(!pwned, "a name ran: {step}");
    // YAML reads the folders, the variables and the test command as written here.
    if tier::require(Group::Yaml) {
        let python = "import sys, json, yaml\n\
                      steps = yaml.safe_load(open(sys.argv[1]))['jobs']['test']['steps']\n\
                      print(json.dumps([s for s in steps if 'working-directory' in s or s.get('name') == 'Test']))\n";
        let path = dir.path().join(".github/upwire-serve.yml");
        let out = crate::support::run_tool(
            "python3",
            &["-c", python, &path.to_string_lossy()],
            dir.path(),
        );
        let steps: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut want: Vec<serde_json::Value> = apps
            .iter()
            .map(|app| json!({"run": "npm ci", "working-directory": app}))
            .collect();
        let vars: serde_json::Map<String, serde_json::Value> =
            env.into_iter().map(|(k, v)| (k, json!(v))).collect();
        want.push(json!({"name": "Test", "env": vars, "run": step}));
        assert_eq!(steps, json!(want));
    }
}

/// A check in place of the tests: a REST round trip with the variables the job promises, then
/// exit 3 (the step must end with it).
const ROUND_TRIP: &str = r#"set -e
auth="Authorization: Bearer $UPSTASH_REDIS_REST_TOKEN"
curl -fsS -m 5 -H "$auth" "$UPSTASH_REDIS_REST_URL/set/ci:key/from-the-step" | grep -qx '{"result":"OK"}'
curl -fsS -m 5 -H "$auth" "$UPSTASH_REDIS_REST_URL/get/ci:key" | grep -qx '{"result":"from-the-step"}'
exit 3
"#;

/// The example's whole test step, `upwire serve --ephemeral -- npm test`, run as written with
/// a REST round trip in place of the tests: the variables work and the step ends with the
/// tests' status.
#[test]
fn github_actions_example_test_step_serves_rest_and_ends_with_the_tests_status() {
    crate::support::require("redis-server");
    if !tier::require(Group::Curl) {
        return;
    }
    let workflow = read("examples/ci/github-actions.yml");
    let step = test_step(&workflow);
    assert_eq!(step, "upwire serve --ephemeral -- npm test");
    line_with(
        &workflow,
        "apt-get install -y -qq --no-install-recommends redis-server",
    );
    let dir = tempfile::tempdir().unwrap();
    let output = run_test_step(&step, ROUND_TRIP, dir.path());
    assert_eq!(code(&output), 3, "{}", all_output(&output));
}

/// The job `generate` writes downloads the archive the release workflow uploads, with
/// `upwire` at its root (the example installs through the action instead).
#[test]
fn generated_job_downloads_what_the_release_workflow_uploads() {
    let job = read("templates/upwire_serve.yml");
    let release = read(".github/workflows/release.yml");
    let asset = "upwire-x86_64-unknown-linux-musl.tar.gz";
    line_with(
        &job,
        &format!("asset=\"$UPWIRE_REPO/releases/latest/download/{asset}\""),
    );
    line_with(&release, "- target: x86_64-unknown-linux-musl");
    line_with(&release, "tar -czf \"dist/$asset\" -C \"$dir\" upwire");
    line_with(&job, "tar -xz -C \"$HOME/.local/bin\" upwire");
    line_with(&job, "cargo install --locked --git \"$UPWIRE_REPO\" upwire");
}

/// The action's serve step (`serve: true`) as the runner runs it, `serve-redis` pointed at the
/// test's Redis and `serve-listen` at a free port: it exports the REST variables for the next
/// steps, masks the token, and serve answers with them.
#[test]
fn the_actions_serve_step_exports_working_rest_variables() {
    if !tier::require(Group::Openssl) || !tier::require(Group::Curl) {
        return;
    }
    let redis = RedisServer::plain();
    let dir = tempfile::tempdir().unwrap();
    let (env_file, output_file) = (
        dir.path().join("github-env"),
        dir.path().join("github-output"),
    );
    std::fs::write(&env_file, "").unwrap();
    std::fs::write(&output_file, "").unwrap();
    let listen = format!("127.0.0.1:{}", crate::support::free_port());
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_upwire"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = std::process::Command::new("bash");
    cmd.arg(crate::support::root().join(".github/action/serve.sh"))
        .env("PATH", path)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_TEMP", dir.path())
        .env("GITHUB_ENV", &env_file)
        .env("GITHUB_OUTPUT", &output_file)
        .env("UPWIRE_SERVE_REDIS", redis.url(None, None))
        .env("UPWIRE_SERVE_LISTEN", &listen)
        .env("UPWIRE_SERVE_ARGS", "")
        .env_remove("UPWIRE_SERVE_TOKEN")
        .stdin(Stdio::null());
    let output = run_bounded(cmd, Duration::from_secs(60));
    let pid: u32 = std::fs::read_to_string(dir.path().join("upwire-serve.pid"))
        .ok()
        .and_then(|p| p.trim().parse().ok())
        .expect("serve's process id");
    // serve runs on after the step, until the job ends; here, until the test is done.
    let stop = || crate::support::signal(pid, "-TERM");
    if code(&output) != 0 {
        stop();
        panic!("{}", all_output(&output));
    }
    let exported = std::fs::read_to_string(&env_file).unwrap();
    let var = |name: &str| {
        exported
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("{name} in GITHUB_ENV:\n{exported}"))
            .to_owned()
    };
    let url = var("UPSTASH_REDIS_REST_URL");
    assert_eq!(url, format!("http://{listen}"));
    let token = var("UPSTASH_REDIS_REST_TOKEN");
    assert_eq!(token.len(), 48, "`openssl rand -hex 24`");
    assert!(
        all_output(&output).contains(&format!("::add-mask::{token}")),
        "the token is masked in the job's log"
    );
    let check = std::process::Command::new("sh")
        .args(["-c", ROUND_TRIP])
        .env("UPSTASH_REDIS_REST_URL", &url)
        .env("UPSTASH_REDIS_REST_TOKEN", &token)
        .output()
        .unwrap();
    stop();
    assert_eq!(code(&check), 3, "{}", all_output(&check));
    let log = std::fs::read_to_string(dir.path().join("upwire-serve.log")).unwrap();
    assert!(!log.contains(&token), "the token is never logged:\n{log}");
}

/// The lines of the service `name` in a compose file (indented below `  name:`).
fn compose_service<'a>(compose: &'a str, name: &str) -> Vec<&'a str> {
    compose
        .lines()
        .skip_while(|l| *l != format!("  {name}:"))
        .skip(1)
        .take_while(|l| l.is_empty() || l.starts_with("    ") || l.trim_start().starts_with('#'))
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect()
}

/// `${NAME:-default}` → `default`, as compose reads it with `NAME` unset.
fn compose_default(value: &str) -> String {
    let mut out = value.to_owned();
    while let Some(start) = out.find("${") {
        let end = start + out[start..].find('}').expect("a closing brace");
        let inner = &out[start + 2..end];
        let default = inner.split_once(":-").map_or("", |(_, d)| d).to_owned();
        out.replace_range(start..=end, &default);
    }
    out
}

/// The JSON array after `key:` on the service's line (compose's exec form is JSON).
fn compose_array(service: &[&str], key: &str) -> Vec<String> {
    let line = service
        .iter()
        .find(|l| l.trim_start().starts_with(&format!("{key}: [")))
        .unwrap_or_else(|| panic!("{key}: [...] in {service:?}"));
    let value = line.trim_start()[key.len() + 1..].trim();
    serde_json::from_str::<Vec<String>>(&compose_default(value))
        .unwrap_or_else(|e| panic!("{key} is a JSON array: {e}: {value}"))
}

/// The Dockerfile's `ENV NAME=value` value.
fn dockerfile_env(dockerfile: &str, name: &str) -> String {
    let line = line_with(dockerfile, &format!("ENV {name}="));
    line[format!("ENV {name}=").len()..].to_owned()
}

#[test]
fn docker_compose_example_serves_rest_with_srh_variables() {
    let compose = read("examples/ci/docker-compose.yml");
    let dockerfile = read("Dockerfile");
    let service = compose_service(&compose, "upwire");
    assert!(!service.is_empty(), "an `upwire` service");
    assert!(
        !compose_service(&compose, "redis").is_empty(),
        "a `redis` service"
    );
    let var = |name: &str| -> String {
        let prefix = format!("{name}: ");
        let line = service
            .iter()
            .map(|l| l.trim())
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("{name} in the upwire service"));
        compose_default(&line[prefix.len()..])
    };
    assert_eq!(var("SRH_MODE"), "env");
    assert_eq!(var("SRH_CONNECTION_STRING"), "redis://redis:6379");
    let token = var("SRH_TOKEN");
    assert!(!token.is_empty());
    // The image listens on every interface, at the port the compose file publishes; serve
    // takes that only with a token, which SRH_TOKEN is.
    let listen = dockerfile_env(&dockerfile, "UPWIRE_SERVE_LISTEN");
    assert_eq!(listen, "0.0.0.0:8079");
    assert!(
        service
            .iter()
            .any(|l| l.trim() == "- \"127.0.0.1:8079:8079\""),
        "port 8079 published on loopback: {service:?}"
    );
    let command = compose_array(&service, "command");
    let health = compose_array(&service, "test");

    // The service as compose starts it, but on a free loopback port (the listen address comes
    // from UPWIRE_SERVE_LISTEN, as in the image) over a real Redis.
    let redis = RedisServer::plain();
    let mut options = ServeOptions::default()
        .env("UPWIRE_SERVE_LISTEN", "127.0.0.1:0")
        .env("SRH_MODE", &var("SRH_MODE"))
        .env("SRH_TOKEN", &token)
        .env("SRH_CONNECTION_STRING", &redis.url(None, None));
    options.args = command;
    let mut cmd = upwire();
    cmd.arg("serve");
    let serve = ServeProcess::spawn(cmd, &options);
    // Another container of the file, by service name; and the host, through the port.
    rest_round_trip(
        &serve,
        &token,
        Some(&format!("upwire:{}", serve.addr.port())),
    );
    rest_round_trip(&serve, &token, None);

    // The health check, inside the container: `upwire check` against serve, same token.
    assert_eq!(health[..2], ["CMD", "/usr/local/bin/upwire"]);
    let args: Vec<String> = health[2..]
        .iter()
        .map(|a| a.replace("http://127.0.0.1:8079", &serve.url()))
        .collect();
    assert!(args.contains(&serve.url()), "{args:?}");
    let mut check = upwire();
    check.args(&args).stdin(Stdio::null());
    let output = run_bounded(check, Duration::from_secs(30));
    assert_eq!(code(&output), 0, "{}", all_output(&output));
    assert!(!all_output(&output).contains(&token), "token not printed");
    serve.stop();
}

#[test]
fn dockerfile_runs_serve_as_a_non_root_user_and_needs_a_token() {
    let dockerfile = read("Dockerfile");
    let entrypoint = line_with(&dockerfile, "ENTRYPOINT ");
    let entrypoint: Vec<String> =
        serde_json::from_str(&entrypoint["ENTRYPOINT ".len()..]).expect("exec form");
    assert_eq!(entrypoint, ["/usr/local/bin/upwire", "serve"]);
    line_with(
        &dockerfile,
        "COPY --from=build /src/target/release/upwire /usr/local/bin/upwire",
    );
    let user = line_with(&dockerfile, "USER ");
    assert!(
        !["USER root", "USER 0", "USER 0:0"].contains(&user),
        "{user}"
    );
    let stages: Vec<&str> = dockerfile
        .lines()
        .filter(|l| l.starts_with("FROM "))
        .collect();
    assert_eq!(stages.len(), 2, "a builder and a runtime stage: {stages:?}");
    assert_eq!(stages[1], "FROM scratch");
    let listen = dockerfile_env(&dockerfile, "UPWIRE_SERVE_LISTEN");
    let port = listen.rsplit(':').next().unwrap_or_default();
    line_with(&dockerfile, &format!("EXPOSE {port}"));

    // `docker run` without a token: serve refuses the public address before it binds.
    let mut cmd = upwire();
    cmd.arg("serve")
        .env("UPWIRE_SERVE_LISTEN", &listen)
        .env_remove("UPWIRE_SERVE_TOKEN")
        .env_remove("SRH_MODE")
        .stdin(Stdio::null());
    let output = run_bounded(cmd, Duration::from_secs(30));
    assert_eq!(code(&output), 2, "{}", all_output(&output));
    let text = all_output(&output);
    assert!(
        text.contains(&format!("refusing to listen on {listen} without a token")),
        "{text}"
    );
}

#[test]
fn dockerignore_keeps_build_output_and_dependencies_out_of_the_context() {
    let ignore = read(".dockerignore");
    let lines: Vec<&str> = ignore.lines().map(str::trim).collect();
    for entry in ["target/", "**/node_modules/", ".git/"] {
        assert!(lines.contains(&entry), "{entry} in .dockerignore");
    }
    // What the build copies is not ignored.
    for copied in ["Cargo.toml", "Cargo.lock", "src", "templates"] {
        assert!(!lines.contains(&copied), "{copied} is needed by the build");
    }
}

/// The job `upwire generate` writes for the bundled example (REST targets, one read-only)
/// has the example's one-line test step, wrapped to give each target its variables: run as
/// written, the full token writes, the mobile target's read-only token reads and may not
/// write, and the step ends with the tests' status.
#[test]
fn generated_ci_job_test_step_serves_every_target_its_variables() {
    crate::support::require("redis-server");
    if !tier::require(Group::Curl) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for file in ["upwire.toml", "example.env"] {
        std::fs::copy(root().join("examples").join(file), dir.path().join(file)).unwrap();
    }
    let mut cmd = upwire();
    cmd.current_dir(dir.path())
        .args(["--env-file", "example.env", "generate"])
        .stdin(Stdio::null());
    let output = run_bounded(cmd, Duration::from_secs(60));
    assert_eq!(code(&output), 0, "{}", all_output(&output));
    let job = std::fs::read_to_string(dir.path().join(".github/upwire-serve.yml")).unwrap();
    let step = test_step(&job);
    assert!(
        step.contains("upwire serve --ephemeral -- sh -c '"),
        "{step}"
    );
    line_with(
        &job,
        "apt-get install -y -qq --no-install-recommends redis-server",
    );
    let check = format!(
        r#"{ROUND_TRIP_PREFIX}
ro="Authorization: Bearer $EXPO_PUBLIC_UPSTASH_REDIS_REST_TOKEN"
curl -fsS -m 5 -H "$ro" "$EXPO_PUBLIC_UPSTASH_REDIS_REST_URL/get/ci:key" | grep -qx '{{"result":"from-the-step"}}'
status=$(curl -s -o /dev/null -w '%{{http_code}}' -m 5 -H "$ro" "$EXPO_PUBLIC_UPSTASH_REDIS_REST_URL/set/ci:key/x")
test "$status" = 400
test "$EXPO_PUBLIC_UPSTASH_REDIS_REST_TOKEN" != "$UPSTASH_REDIS_REST_TOKEN"
exit 3
"#,
        ROUND_TRIP_PREFIX = ROUND_TRIP.trim_end().trim_end_matches("exit 3")
    );
    let output = run_test_step(&step, &check, dir.path());
    assert_eq!(code(&output), 3, "{}", all_output(&output));
}
