//! The CI examples are real: `examples/ci/github-actions.yml`'s use of the GitHub Action
//! (its serve step, run with the example's inputs) and `examples/ci/docker-compose.yml`'s
//! service (SRH variables, command, health check) are read out of the files and run against a
//! `redis-server`, so their flags cannot rot; and the Dockerfile's entry point, listen address
//! and user are the ones the examples rely on. Ports are the test's own (free, loopback);
//! everything else is taken from the files.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::json;

use crate::github_action::action_step;
use crate::support::http::{Reply, raw};
use crate::support::redis::RedisServer;
use crate::support::serve::{ServeOptions, ServeProcess};
use crate::support::{all_output, code, free_port, root, run_bounded, signal, upwire};

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The one line of `text` that contains `needle`, trimmed.
fn line_with<'a>(text: &'a str, needle: &str) -> &'a str {
    let lines: Vec<&str> = text.lines().filter(|l| l.contains(needle)).collect();
    assert_eq!(lines.len(), 1, "one line with {needle:?}, found {lines:?}");
    lines[0].trim()
}

/// The value after `flag` in `args`, removed with it.
fn take_flag(args: &mut Vec<String>, flag: &str) -> String {
    let i = args
        .iter()
        .position(|a| a == flag)
        .unwrap_or_else(|| panic!("{flag} in {args:?}"));
    assert!(i + 1 < args.len(), "a value after {flag} in {args:?}");
    let value = args.remove(i + 1);
    args.remove(i);
    value
}

/// A request to serve at `addr` with this `Host` and token, on a connection of its own.
fn send(addr: SocketAddr, host: &str, token: &str, head: &str, body: &str) -> Reply {
    raw(
        addr,
        format!(
            "{head} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )
}

/// The REST calls a test suite makes first, with this `Host` (the listen address when
/// `None`): `PING` (the wait step's `/ping`), then a `SET` and a `GET` of it.
fn rest_round_trip(addr: SocketAddr, token: &str, host: Option<&str>) {
    let host = host.map_or_else(|| addr.to_string(), str::to_owned);
    let ping = send(addr, &host, token, "GET /ping", "");
    assert_eq!(ping.status, 200, "Host {host}: {}", ping.text());
    assert_eq!(ping.json(), json!({"result": "PONG"}));
    let set = send(
        addr,
        &host,
        token,
        "POST /",
        r#"["SET","ci:key","from the example"]"#,
    );
    assert_eq!(set.json(), json!({"result": "OK"}), "{}", set.text());
    let get = send(addr, &host, token, "GET /get/ci:key", "");
    assert_eq!(get.json(), json!({"result": "from the example"}));
}

/// `upwire serve`'s arguments on the Actions example's command line, up to the redirection.
fn actions_serve_args(workflow: &str) -> Vec<String> {
    let line = line_with(workflow, "upwire serve ");
    let words: Vec<&str> = line.split_whitespace().collect();
    let start = words
        .windows(2)
        .position(|w| w == ["upwire", "serve"])
        .expect("`upwire serve` on the line");
    assert!(
        words[..start].contains(&"UPWIRE_SERVE_TOKEN=\"$token\""),
        "serve gets the run's token from UPWIRE_SERVE_TOKEN: {line}"
    );
    words[start + 2..]
        .iter()
        .take_while(|w| !w.starts_with('>') && **w != "&" && **w != "2>&1")
        .map(|w| (*w).to_owned())
        .collect()
}

/// The value of `name:` in the action's serve step environment, and the input's default.
fn action_input_default(action: &str, input: &str) -> String {
    let lines: Vec<&str> = action.lines().collect();
    let at = lines
        .iter()
        .position(|l| *l == format!("  {input}:"))
        .unwrap_or_else(|| panic!("input {input}"));
    lines[at + 1..]
        .iter()
        .take_while(|l| l.starts_with("    "))
        .find_map(|l| l.trim().strip_prefix("default: "))
        .unwrap_or_else(|| panic!("a default for {input}"))
        .trim_matches('"')
        .to_owned()
}

/// The action's serve step as the runner runs it, with the example's inputs (`serve-redis`
/// pointed at the test's Redis, `serve-listen` at a free port): it exports the REST variables
/// for the next steps, and serve answers with them.
#[test]
fn github_actions_example_starts_serve_through_the_action() {
    crate::support::require("openssl");
    crate::support::require("curl");
    let workflow = read("examples/ci/github-actions.yml");
    let action = read("action.yml");
    let (_, with) = action_step(&workflow);
    assert_eq!(
        with.get("serve").map(String::as_str),
        Some("true"),
        "{with:?}"
    );
    // serve's Redis is the service container's published port; it listens on the default.
    assert_eq!(with["serve-redis"], "redis://127.0.0.1:6379");
    line_with(&workflow, "- 6379:6379");
    assert!(!with.contains_key("serve-listen"));
    assert_eq!(
        action_input_default(&action, "serve-listen"),
        "127.0.0.1:8079"
    );

    let redis = RedisServer::plain();
    let dir = tempfile::tempdir().unwrap();
    let (env_file, output_file) = (
        dir.path().join("github-env"),
        dir.path().join("github-output"),
    );
    std::fs::write(&env_file, "").unwrap();
    std::fs::write(&output_file, "").unwrap();
    let listen = format!("127.0.0.1:{}", free_port());
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_upwire")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("bash");
    cmd.arg(root().join(".github/action/serve.sh"))
        .env("PATH", path)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_TEMP", dir.path())
        .env("GITHUB_ENV", &env_file)
        .env("GITHUB_OUTPUT", &output_file)
        .env("UPWIRE_SERVE_REDIS", redis.url(None, None))
        .env("UPWIRE_SERVE_LISTEN", &listen)
        .env("UPWIRE_SERVE_ARGS", "")
        .env_remove("UPWIRE_SERVE_TOKEN");
    let output = run_bounded(cmd, Duration::from_secs(60));
    let pid: u32 = std::fs::read_to_string(dir.path().join("upwire-serve.pid"))
        .ok()
        .and_then(|p| p.trim().parse().ok())
        .expect("serve's process id");
    // serve runs on after the step, until the job ends; here, until the test is done.
    let stop = || signal(pid, "-TERM");
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
    assert_eq!(var("UPSTASH_REDIS_REST_URL"), format!("http://{listen}"));
    let token = var("UPSTASH_REDIS_REST_TOKEN");
    assert_eq!(token.len(), 48, "`openssl rand -hex 24`");
    assert!(
        all_output(&output).contains(&format!("::add-mask::{token}")),
        "the token is masked in the job's log"
    );
    let outputs = std::fs::read_to_string(&output_file).unwrap();
    assert!(
        outputs.contains(&format!("url=http://{listen}\n")),
        "{outputs}"
    );
    rest_round_trip(listen.parse().unwrap(), &token, None);
    stop();
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
        serve.addr,
        &token,
        Some(&format!("upwire:{}", serve.addr.port())),
    );
    rest_round_trip(serve.addr, &token, None);

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
/// starts serve as the Actions example does, plus the read-only token, and those flags work:
/// the full token writes, the read-only token reads and may not write.
#[test]
fn generated_ci_job_serve_command_serves_both_tokens() {
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
    // Where the example's action step starts serve, and in front of which Redis.
    let (_, with) = action_step(&read("examples/ci/github-actions.yml"));
    let mut args = actions_serve_args(&job);
    assert_eq!(
        take_flag(&mut args, "--listen"),
        action_input_default(&read("action.yml"), "serve-listen"),
        "the generated job listens where the example's action step does"
    );
    assert_eq!(take_flag(&mut args, "--redis"), with["serve-redis"]);
    // The job downloads the static Linux archive release.yml attaches (`upwire` at its root).
    line_with(
        &job,
        "releases/latest/download/upwire-x86_64-unknown-linux-musl.tar.gz\"",
    );
    let release = read(".github/workflows/release.yml");
    line_with(&release, "- target: x86_64-unknown-linux-musl");
    line_with(&release, "tar -czf \"dist/$asset\" -C \"$dir\" upwire");
    let line = line_with(&job, "upwire serve ");
    assert!(
        line.contains("UPWIRE_SERVE_READONLY_TOKEN=\"$readonly_token\""),
        "{line}"
    );

    let redis = RedisServer::plain();
    let (token, readonly) = (
        "0123456789abcdef0123456789abcdef0123456789abcdef",
        "fedcba9876543210fedcba9876543210fedcba9876543210",
    );
    let mut options = ServeOptions::default()
        .token(token)
        .readonly_token(readonly);
    options.args = args;
    let serve = ServeProcess::start(&redis.url(None, None), &options);
    rest_round_trip(serve.addr, token, None);
    let host = serve.addr.to_string();
    let get = send(serve.addr, &host, readonly, "GET /get/ci:key", "");
    assert_eq!(get.json(), json!({"result": "from the example"}));
    let set = send(
        serve.addr,
        &host,
        readonly,
        "POST /",
        r#"["SET","ci:key","x"]"#,
    );
    assert_eq!(set.status, 400, "{}", set.text());
    assert!(set.error().starts_with("NOPERM"), "{}", set.text());
    serve.stop();
}
