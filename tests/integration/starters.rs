//! The starters for runtimes that are not native processes, generated verbatim from the
//! bundled example and the fixtures: the TypeScript module of JavaScript targets is
//! type-checked with `tsc` (strict, against the pinned `@upstash/redis` in compat/) and run
//! with node (and the Deno modules with Deno) through `upwire serve` over a real
//! `redis-server`; the workers-rs client of a
//! Cloudflare target passes `cargo check`, clippy and fmt in a Worker crate, for
//! `wasm32-unknown-unknown` too where that target is installed. A Python target gets no
//! module but client lines in REDIS.md: its upstash-redis lines run as they are with the
//! official package (compat/.venv) through `upwire serve`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::generate::{generate_example, header_dependencies};
use crate::projects::env_for_serve;
use crate::support::crates::Crate;
use crate::support::redis::RedisServer;
use crate::support::serve::{READONLY_TOKEN, ServeOptions, ServeProcess, TOKEN};
use crate::support::tier::{self, Group};
use crate::support::{code, root, run, transcript, upwire};

/// The pinned `compat/node_modules` (`npm ci` in compat/, as `.ci/run` does; the tests that
/// use it require `tier::Group::Node`).
pub fn node_modules() -> PathBuf {
    root().join("compat/node_modules")
}

/// What a Next.js or Expo project declares for `process.env` (`@types/node`, `expo/types`),
/// and a Vite project for `import.meta.env` (`vite/client`): the module reads nothing else
/// from its runtime.
const ENV_TYPES: &str = "declare const process: { env: Record<string, string | undefined> };\n\
                         interface ImportMeta { readonly env: Record<string, string | undefined> }\n";

/// A scratch TypeScript project holding `module` as `lib/redis.ts`, `usage` as `usage.ts`,
/// and `node_modules` linked to compat's.
fn ts_project(module: &str, usage: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("lib")).unwrap();
    std::fs::write(dir.path().join("lib/redis.ts"), module).unwrap();
    std::fs::write(dir.path().join("usage.ts"), usage).unwrap();
    std::fs::write(dir.path().join("env.d.ts"), ENV_TYPES).unwrap();
    std::fs::write(
        dir.path().join("package.json"),
        "{ \"type\": \"module\" }\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(node_modules(), dir.path().join("node_modules")).unwrap();
    dir
}

/// `tsc -p tsconfig.json` in `dir` with `options` (JSON members) under the strict base.
fn tsc(dir: &Path, options: &str) -> Output {
    let tsconfig = format!(
        "{{\n  \"compilerOptions\": {{\n    \"strict\": true,\n    \"target\": \"ES2022\",\n    \
         \"lib\": [\"ES2022\", \"DOM\"],\n    \"types\": [],\n    \"skipLibCheck\": true,\n    \
         \"forceConsistentCasingInFileNames\": true,\n    {options}\n  }},\n  \
         \"include\": [\"lib/redis.ts\", \"usage.ts\", \"env.d.ts\"]\n}}\n"
    );
    std::fs::write(dir.join("tsconfig.json"), tsconfig).unwrap();
    Command::new(node_modules().join(".bin/tsc"))
        .args(["-p", "tsconfig.json"])
        .current_dir(dir)
        .output()
        .expect("tsc runs")
}

/// The example generated into a scratch directory, and the module of the target in `dir`.
fn example_module(dir: &str) -> (tempfile::TempDir, String) {
    let project = tempfile::tempdir().unwrap();
    generate_example(project.path());
    module_in(project, dir)
}

/// `tests/fixtures/generate/<fixture>` generated with the example's fake secrets into a
/// scratch directory, and the module of the target in `dir`.
fn fixture_module(fixture: &str, dir: &str) -> (tempfile::TempDir, String) {
    let project = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("tests/fixtures/generate").join(fixture),
        project.path().join("upwire.toml"),
    )
    .unwrap();
    std::fs::copy(
        root().join("examples/example.env"),
        project.path().join("example.env"),
    )
    .unwrap();
    let out =
        run(upwire()
            .current_dir(project.path())
            .args(["--env-file", "example.env", "generate"]));
    assert_eq!(code(&out), 0, "{}", transcript(&out, project.path()));
    module_in(project, dir)
}

fn module_in(project: tempfile::TempDir, dir: &str) -> (tempfile::TempDir, String) {
    let module = std::fs::read_to_string(project.path().join(dir).join("lib/redis.ts"))
        .expect("a TypeScript module");
    assert!(
        !project
            .path()
            .join(dir)
            .join("src/redis_client.rs")
            .exists(),
        "a JavaScript target gets no Rust client"
    );
    (project, module)
}

/// How an app uses the module: a read, and (for read-write targets) writes.
const USAGE: &str = r#"import { redis } from "./lib/redis";

export async function visit(): Promise<string | null> {
  await redis.set("greeting", "hello", { ex: 60 });
  const visits: number = await redis.incr("visits");
  const [greeting] = await redis.pipeline().get<string>("greeting").ttl("greeting").exec();
  return `${greeting} ${visits}`;
}
"#;

#[test]
fn typescript_modules_type_check_with_tsc_strict() {
    if !tier::require(Group::Node) {
        return;
    }
    let modules = [
        example_module("web"),
        example_module("mobile"),
        fixture_module("runtimes.toml", "site"),
        fixture_module("runtimes.toml", "app"),
        fixture_module("netlify.toml", "netlify/edge-functions"),
        fixture_module("marketplace.toml", "web"),
    ];
    assert!(
        modules[3]
            .1
            .contains("url: import.meta.env.VITE_UPSTASH_REDIS_REST_URL,")
    );
    for (dir, module) in &modules {
        let dir = dir.path().display();
        for resolution in [
            "\"noEmit\": true, \"module\": \"ESNext\", \"moduleResolution\": \"bundler\"",
            "\"noEmit\": true, \"module\": \"Node16\", \"moduleResolution\": \"node16\"",
        ] {
            let usage = if resolution.contains("node16") {
                USAGE.replace("./lib/redis\"", "./lib/redis.js\"")
            } else {
                USAGE.to_owned()
            };
            let project = ts_project(module, &usage);
            let out = tsc(project.path(), resolution);
            assert!(
                out.status.success(),
                "{dir} ({resolution}):\n{}\n{module}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
    }
    // The check has teeth: a call `@upstash/redis` does not have fails it.
    let (_project, module) = example_module("web");
    let project = ts_project(
        &module,
        "import { redis } from \"./lib/redis\";\nexport const x = redis.gett(\"k\");\n",
    );
    let out = tsc(
        project.path(),
        "\"noEmit\": true, \"module\": \"ESNext\", \"moduleResolution\": \"bundler\"",
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Property 'gett' does not exist"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The modules compiled by tsc and run by node through `upwire serve`: the storefront's
/// (`Redis.fromEnv()`) writes and reads; the app's (`EXPO_PUBLIC_*`, the read-only token)
/// reads what the storefront wrote and is refused a write.
#[test]
fn typescript_modules_run_through_upwire_serve() {
    if !tier::require(Group::Node) {
        return;
    }
    let (_redis, serve) = ServeProcess::with_redis(&ServeOptions::tokens());
    let script = |module: &str, steps: &str| {
        let project = ts_project(module, "export {};\n");
        let out = tsc(
            project.path(),
            "\"outDir\": \"out\", \"module\": \"NodeNext\", \"moduleResolution\": \"nodenext\"",
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let main = format!("import {{ redis }} from \"./out/lib/redis.js\";\n{steps}\n");
        std::fs::write(project.path().join("main.mjs"), main).unwrap();
        project
    };
    let node = |project: &Path, vars: &[(&str, &str)]| {
        let mut cmd = Command::new("node");
        cmd.arg("main.mjs")
            .current_dir(project)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(vars.iter().copied());
        let out = crate::support::run_bounded(cmd, std::time::Duration::from_secs(60));
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let url = serve.url();

    let (_p, web) = example_module("web");
    assert!(web.contains("Redis.fromEnv()"), "{web}");
    let web = script(
        &web,
        "await redis.set(\"greeting\", \"hello\");\n\
         const n = await redis.incr(\"visits\");\n\
         console.log(JSON.stringify([await redis.get(\"greeting\"), n]));",
    );
    let out = node(
        web.path(),
        &[
            ("UPSTASH_REDIS_REST_URL", &url),
            ("UPSTASH_REDIS_REST_TOKEN", TOKEN),
        ],
    );
    assert_eq!(out, "[\"hello\",1]\n");

    let (_p, app) = example_module("mobile");
    assert!(
        app.contains("url: process.env.EXPO_PUBLIC_UPSTASH_REDIS_REST_URL,"),
        "{app}"
    );
    let app = script(
        &app,
        "console.log(JSON.stringify(await redis.get(\"greeting\")));\n\
         try { await redis.set(\"greeting\", \"bye\"); console.log(\"wrote\"); }\n\
         catch (e) { console.log(String(e.message).includes(\"NOPERM\") ? \"NOPERM\" : e.message); }",
    );
    let out = node(
        app.path(),
        &[
            ("EXPO_PUBLIC_UPSTASH_REDIS_REST_URL", &url),
            ("EXPO_PUBLIC_UPSTASH_REDIS_REST_TOKEN", READONLY_TOKEN),
        ],
    );
    assert_eq!(out, "\"hello\"\nNOPERM\n");

    // `env_names = "vercel-marketplace"`: the module reads the Marketplace's names, even
    // with Upstash's set beside them to another database (which `Redis.fromEnv()` would use).
    let (_p, web) = fixture_module("marketplace.toml", "web");
    assert!(!web.contains("fromEnv"), "{web}");
    let web = script(
        &web,
        "console.log(JSON.stringify(await redis.get(\"greeting\")));",
    );
    let out = node(
        web.path(),
        &[
            ("KV_REST_API_URL", &url),
            ("KV_REST_API_TOKEN", TOKEN),
            ("UPSTASH_REDIS_REST_URL", "http://127.0.0.1:9"),
            ("UPSTASH_REDIS_REST_TOKEN", "another-database"),
        ],
    );
    assert_eq!(out, "\"hello\"\n");
}

/// Deno 2 from npm (`@deno/linux-x64-glibc`, pinned in compat/package.json as an optional
/// dependency, as bun is), on x86-64 Linux where `npm ci --prefix compat` installs it.
fn deno() -> Option<PathBuf> {
    let deno = node_modules().join("@deno/linux-x64-glibc/deno");
    if cfg!(all(
        target_os = "linux",
        target_arch = "x86_64",
        target_env = "gnu"
    )) {
        assert!(
            deno.is_file(),
            "{} is missing: `npm ci --prefix compat` installs it",
            deno.display()
        );
        return Some(deno);
    }
    eprintln!("skipped: Deno's npm package is for x86-64 Linux only");
    None
}

/// Runs `main` (TypeScript) under Deno in a scratch folder holding `files` (name, text) and
/// compat's node_modules, which `npm:` and bare specifiers resolve from (`"nodeModulesDir":
/// "manual"`: nothing is fetched), with only PATH and `vars` in its environment, and network
/// to loopback only. Returns what it printed; fails on a non-zero exit.
fn deno_run(deno: &Path, files: &[(&str, &str)], main: &str, vars: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    std::fs::write(dir.path().join("main.ts"), main).unwrap();
    std::fs::write(
        dir.path().join("deno.json"),
        "{ \"nodeModulesDir\": \"manual\" }\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(node_modules(), dir.path().join("node_modules")).unwrap();
    let mut cmd = Command::new(deno);
    cmd.args([
        "run",
        "--allow-env",
        "--allow-net=127.0.0.1",
        "--allow-read",
        "main.ts",
    ])
    .current_dir(dir.path())
    .env_clear()
    .env("PATH", std::env::var_os("PATH").unwrap_or_default())
    .env("DENO_DIR", dir.path().join("cache"))
    .env("DENO_NO_UPDATE_CHECK", "1")
    .envs(vars.iter().copied());
    let out = crate::support::run_bounded(cmd, std::time::Duration::from_secs(120));
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The Deno modules (Hono and a plain function on Deno Deploy, Supabase's shared module) run
/// by real Deno through `upwire serve`: each reads its variables with `Deno.env.get`, and
/// imports `npm:@upstash/redis`, which Deno resolves from the pinned compat/node_modules.
/// Then Netlify's read-only edge function, which Netlify runs on Deno.
#[test]
fn deno_modules_run_through_upwire_serve() {
    if !tier::require(Group::Node) {
        return;
    }
    let Some(deno) = deno() else {
        return;
    };
    let (_redis, serve) = ServeProcess::with_redis(&ServeOptions::tokens());
    let url = serve.url();
    let (project, _) = fixture_module("deno.toml", "web");
    let read = |project: &Path, module: &str| {
        std::fs::read_to_string(project.join(module)).expect("the module")
    };
    for (n, module) in [
        "edge/src/redis.ts",
        "plain/redis.ts",
        "web/supabase/functions/_shared/redis.ts",
    ]
    .into_iter()
    .enumerate()
    {
        let text = read(project.path(), module);
        assert!(
            text.contains("Deno.env.get(") && text.contains("from \"npm:@upstash/redis@"),
            "{module}: {text}"
        );
        let out = deno_run(
            &deno,
            &[("redis.ts", &text)],
            "import { redis } from \"./redis.ts\";\n\
             await redis.set(\"deno-greeting\", \"hello\");\n\
             const n: number = await redis.incr(\"deno-visits\");\n\
             console.log(JSON.stringify([await redis.get(\"deno-greeting\"), n]));\n",
            &[
                ("UPSTASH_REDIS_REST_URL", &url),
                ("UPSTASH_REDIS_REST_TOKEN", TOKEN),
            ],
        );
        assert_eq!(out, format!("[\"hello\",{}]\n", n + 1), "{module}");
    }

    // Netlify's edge function, read-only: Netlify runs it on Deno with a `Netlify` global
    // whose `env.get` it reads (given here from Deno's environment, the one stand-in), and
    // `@upstash/redis` bare, from the site's node_modules. It reads what the others wrote
    // and is refused a write.
    let (project, _) = fixture_module("netlify.toml", "netlify/functions");
    let text = read(project.path(), "netlify/edge-functions/lib/redis.ts");
    assert!(
        text.contains("Netlify.env.get(\"UPSTASH_REDIS_REST_TOKEN\")"),
        "{text}"
    );
    let netlify =
        "(globalThis as any).Netlify = { env: { get: (name: string) => Deno.env.get(name) } };\n";
    let out = deno_run(
        &deno,
        &[("redis.ts", &text), ("netlify.ts", netlify)],
        "import \"./netlify.ts\";\nimport { redis } from \"./redis.ts\";\n\
         console.log(JSON.stringify(await redis.get(\"deno-greeting\")));\n\
         try { await redis.set(\"deno-greeting\", \"bye\"); console.log(\"wrote\"); }\n\
         catch (e) { console.log(String(e).includes(\"NOPERM\") ? \"NOPERM\" : String(e)); }\n",
        &[
            ("UPSTASH_REDIS_REST_URL", &url),
            ("UPSTASH_REDIS_REST_TOKEN", READONLY_TOKEN),
        ],
    );
    assert_eq!(out, "\"hello\"\nNOPERM\n");
}

/// The Worker crate around the generated client (tests/fixtures/starter/worker_lib.rs):
/// `cargo check` (for wasm32 too when installed), clippy with `-D warnings` and fmt.
#[test]
fn worker_starter_client_passes_check_clippy_and_fmt() {
    if !tier::require(Group::GeneratedCrates) {
        return;
    }
    let project = tempfile::tempdir().unwrap();
    for file in ["cloudflare.toml", "../../../examples/example.env"] {
        let from = root().join("tests/fixtures/generate").join(file);
        let name = Path::new(file).file_name().unwrap();
        std::fs::copy(&from, project.path().join(name)).unwrap();
    }
    let out = run(upwire().current_dir(project.path()).args([
        "--config",
        "cloudflare.toml",
        "--env-file",
        "example.env",
        "generate",
    ]));
    assert_eq!(code(&out), 0, "{}", transcript(&out, project.path()));
    let krate = project.path().join("worker");
    let client = std::fs::read_to_string(krate.join("src/redis_client.rs")).unwrap();
    let dependencies = header_dependencies(&client);
    assert_eq!(dependencies, ["worker = \"0.8\"", "serde_json = \"1\""]);
    let manifest = format!(
        "[package]\nname = \"upwire-worker-starter\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         publish = false\n\n[lib]\ncrate-type = [\"cdylib\"]\n\n[workspace]\n\n[dependencies]\n{}\n",
        dependencies.join("\n")
    );
    std::fs::write(krate.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(
        krate.join("src/lib.rs"),
        include_str!("../fixtures/starter/worker_lib.rs"),
    )
    .unwrap();
    // The socket Worker (TCP forced) gets no Rust file that could not run there.
    assert!(
        !project
            .path()
            .join("socket-worker/src/redis_client.rs")
            .exists()
    );
    let krate = Crate::new(&krate, "tests/fixtures/starter/Cargo.worker.lock");
    krate.cargo(&["check", "--quiet"]);
    krate.cargo(&["clippy", "--quiet", "--", "-D", "warnings"]);
    krate.cargo(&["fmt", "--check"]);
    if wasm32_installed() {
        krate.cargo(&["check", "--quiet", "--target", "wasm32-unknown-unknown"]);
    } else {
        tier::partly_run(
            "the workers-rs starter",
            "built for the host only: `rustup target add wasm32-unknown-unknown` for the Worker's own target",
        );
    }
}

/// Whether rustup has `wasm32-unknown-unknown` (the tests never download a toolchain).
fn wasm32_installed() -> bool {
    Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown"))
}

/// compat/.venv's python, with the pinned upstash-redis (`tier::Group::Python`).
fn venv_python() -> PathBuf {
    root().join("compat/.venv/bin/python")
}

/// The Python block REDIS.md gives under "Python client (upstash-redis": the lines a Python
/// target's user copies, taken as they are so that a change to the guide is what runs.
fn upstash_redis_lines(guide: &str) -> String {
    let at = guide
        .find("Python client (upstash-redis")
        .unwrap_or_else(|| panic!("REDIS.md has no upstash-redis lines:\n{guide}"));
    let rest = &guide[at..];
    let fence = rest.find("```").expect("a code block after the heading");
    assert!(
        rest[fence..].starts_with("```python\n"),
        "the first block after the heading is not Python:\n{rest}"
    );
    let body = &rest[fence + "```python\n".len()..];
    let end = body.find("\n```").expect("the block ends");
    body[..=end].to_owned()
}

/// The Python target's project (a Lambda on AWS over REST, `framework = "python"`) with
/// `project` lines under `[project]` and the database read from `url_var`/`token_var`,
/// generated with the example's fake values under those names: the project, its REDIS.md's
/// upstash-redis lines, and the variables of the env file generate wrote with the fake
/// database's values swapped for `serve`'s.
fn python_project(
    project: &str,
    url_var: &str,
    token_var: &str,
    serve: &ServeProcess,
) -> (tempfile::TempDir, String, BTreeMap<String, String>) {
    let dir = tempfile::tempdir().unwrap();
    let descriptor = format!(
        "[project]\nname = \"py\"\n{project}\n[database.main]\nrest_url = \"${{{url_var}}}\"\n\
         rest_token = \"${{{token_var}}}\"\n\n[target.fn]\nkind = \"lambda\"\n\
         platform = \"aws-lambda\"\nframework = \"python\"\ndir = \"fn\"\n"
    );
    std::fs::write(dir.path().join("upwire.toml"), descriptor).unwrap();
    let example = std::fs::read_to_string(root().join("examples/example.env")).unwrap();
    let value = |name: &str| {
        example
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix('='))
            .unwrap_or_else(|| panic!("examples/example.env has no {name}"))
            .to_owned()
    };
    let env = format!(
        "{url_var}={}\n{token_var}={}\n",
        value("UPSTASH_REDIS_REST_URL"),
        value("UPSTASH_REDIS_REST_TOKEN")
    );
    std::fs::write(dir.path().join("db.env"), env).unwrap();
    let out = run(upwire()
        .current_dir(dir.path())
        .args(["--env-file", "db.env", "generate"]));
    assert_eq!(code(&out), 0, "{}", transcript(&out, dir.path()));
    assert!(
        !dir.path().join("fn/src/redis_client.rs").exists(),
        "a Python target gets no Rust client"
    );
    let guide = std::fs::read_to_string(dir.path().join("REDIS.md")).unwrap();
    let lines = upstash_redis_lines(&guide);
    let vars = env_for_serve(&dir.path().join("fn/.env"), serve);
    (dir, lines, vars)
}

/// What the test appends to REDIS.md's lines: a timeout on every request (upstash-redis
/// makes its httpx client with `timeout=None`), then SET/GET of a non-ASCII value (the client
/// asks for base64 replies and decodes them), INCR, and a pipeline, printed as one JSON list.
const PYTHON_ROUND_TRIP: &str = r#"
import json

import httpx

redis._http._client.timeout = httpx.Timeout(10.0)
stored = redis.set("py-greeting", "h\u00e9llo \u2713")
greeting = redis.get("py-greeting")
visits = redis.incr("py-visits")
pipeline = redis.pipeline()
pipeline.incr("py-visits")
pipeline.get("py-greeting")
print(json.dumps([stored, greeting, visits, pipeline.exec()]))
"#;

/// Runs `lines` and the round trip with compat/.venv's python, with only PATH and `vars` in
/// its environment (no proxy variables for httpx to follow off loopback): what it printed.
fn run_python(lines: &str, vars: &BTreeMap<String, String>) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let script = format!("{lines}{PYTHON_ROUND_TRIP}");
    std::fs::write(dir.path().join("main.py"), &script).unwrap();
    let mut cmd = Command::new(venv_python());
    cmd.arg("main.py")
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .envs(vars);
    let out = crate::support::run_bounded(cmd, std::time::Duration::from_secs(60));
    assert!(
        out.status.success(),
        "{script}\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stdout));
    })
}

/// `GET key` in the redis-server itself (redis-cli, bounded): what the database holds.
fn in_redis(redis: &RedisServer, key: &str) -> String {
    let mut cmd = Command::new("redis-cli");
    cmd.args([
        "-h",
        "127.0.0.1",
        "-p",
        &redis.addr().port().to_string(),
        "GET",
        key,
    ]);
    let out = crate::support::run_bounded(cmd, std::time::Duration::from_secs(10));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim_end().to_owned()
}

/// The upstash-redis lines REDIS.md gives a Python target over REST, run as they are with
/// the official package (pinned in compat/requirements.txt) against `upwire serve` over a
/// real redis-server, with the variables of the env file generate wrote: SET/GET, INCR and a
/// pipeline. Then a project on the Vercel Marketplace's names (`KV_REST_API_*`), whose lines
/// read those even with Upstash's names set beside them to a dead address.
#[test]
fn python_upstash_redis_lines_run_through_upwire_serve() {
    if !tier::require(Group::Python) {
        return;
    }
    let (redis, serve) = ServeProcess::with_redis(&ServeOptions::tokens());
    let expected = serde_json::json!([true, "h\u{e9}llo \u{2713}", 1, [2, "h\u{e9}llo \u{2713}"]]);

    let (_p, lines, vars) = python_project(
        "",
        "UPSTASH_REDIS_REST_URL",
        "UPSTASH_REDIS_REST_TOKEN",
        &serve,
    );
    assert!(
        lines.contains("os.environ[\"UPSTASH_REDIS_REST_URL\"]")
            && lines.contains("from upstash_redis import Redis"),
        "{lines}"
    );
    assert_eq!(vars["UPSTASH_REDIS_REST_URL"], serve.url());
    assert_eq!(run_python(&lines, &vars), expected);
    assert_eq!(in_redis(&redis, "py-greeting"), "h\u{e9}llo \u{2713}");
    assert_eq!(in_redis(&redis, "py-visits"), "2");

    // `env_names = "vercel-marketplace"`: the lines name KV_REST_API_URL and
    // KV_REST_API_TOKEN, and the run proves they are what is read.
    let (_p, lines, mut vars) = python_project(
        "env_names = \"vercel-marketplace\"\n",
        "KV_REST_API_URL",
        "KV_REST_API_TOKEN",
        &serve,
    );
    assert!(
        lines.contains("url=os.environ[\"KV_REST_API_URL\"]")
            && lines.contains("token=os.environ[\"KV_REST_API_TOKEN\"]"),
        "{lines}"
    );
    assert_eq!(vars["KV_REST_API_URL"], serve.url());
    vars.insert("UPSTASH_REDIS_REST_URL".into(), "http://127.0.0.1:9".into());
    vars.insert("UPSTASH_REDIS_REST_TOKEN".into(), "another-database".into());
    let expected = serde_json::json!([true, "h\u{e9}llo \u{2713}", 3, [4, "h\u{e9}llo \u{2713}"]]);
    assert_eq!(run_python(&lines, &vars), expected);
    assert_eq!(in_redis(&redis, "py-visits"), "4");
}
