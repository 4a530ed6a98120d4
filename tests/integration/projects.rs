//! Realistic projects, one folder per shape under tests/projects/ (a Next.js app on Vercel
//! with the Marketplace's variables, SvelteKit on Netlify, a Rust crate with an axum service
//! on Fly and a Lambda job, an Expo app with the read-only token, a TypeScript Cloudflare
//! Worker, Hono on Deno Deploy). Each is copied into a scratch folder and taken through what
//! its user does: `upwire init` (which reads the project), `upwire lint`, `upwire generate`,
//! `upwire lint` on every file generate wrote (no error), then the starter generate wrote runs
//! against a real `upwire serve` over a real `redis-server`, with the variables of the env
//! file generate wrote (the database's values swapped for the local ones):
//! - TypeScript starters are compiled with the TypeScript pinned in compat/ (strict) and run
//!   with node over the `@upstash/redis` pinned there (`npm ci --prefix compat`, as `.ci/run`
//!   does; node 20 on PATH): a SET then a GET that must return the value;
//! - Rust starters build with the kept lockfiles (support/crates.rs) and run the same round
//!   trip, the TCP one against the redis-server itself.
//!
//! The folders keep the project's `.gitignore` as `gitignore` (so that this repository does
//! not ignore their env files); the copy renames it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use crate::starters::node_modules;
use crate::support::crates::{self, Crate};
use crate::support::http::Request;
use crate::support::serve::{READONLY_TOKEN, ServeOptions, ServeProcess, TOKEN};
use crate::support::tier::{self, Group};
use crate::support::{all_output, code, file_bytes_below, json, root, run, run_bounded, upwire_in};

/// The fake database of the folders' env files (`examples/example.env`'s values).
const REST_URL: &str = "https://eu1-tidy-cat-12345.upstash.io";
const FULL_TOKEN: &str = "ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl";
const READ_ONLY_TOKEN: &str = "AjA5cmVhZC1vbmx5LXRva2VuLWV4YW1wbGU";

/// Copies `tests/projects/<name>` into a scratch folder (`gitignore` becomes `.gitignore`).
fn copy_project(name: &str) -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name();
            let target = if name == "gitignore" {
                to.join(".gitignore")
            } else {
                to.join(&name)
            };
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    copy(&root().join("tests/projects").join(name), tmp.path());
    tmp
}

/// What the user saw and got.
struct Flow {
    /// What `init` said (the targets it found, the names it read).
    init: String,
    /// The descriptor `init` wrote.
    descriptor: String,
    /// The files `generate` created or changed, relative to the project.
    written: Vec<String>,
}

/// `init`, `lint` (no finding), `generate`, then `lint` on every file generate wrote: each
/// succeeds and no lint reports an error.
fn user_flow(dir: &Path) -> Flow {
    let init = run(upwire_in(dir).arg("init"));
    assert_eq!(code(&init), 0, "init: {}", all_output(&init));
    let descriptor = std::fs::read_to_string(dir.join("upwire.toml")).unwrap();
    // Not a warning either: the project as its user has it is right.
    let lint = run(upwire_in(dir).arg("lint"));
    assert!(
        code(&lint) == 0 && all_output(&lint).contains("ok: no problems found"),
        "lint after init:\n{descriptor}\n{}",
        all_output(&lint)
    );
    let before = file_bytes_below(dir);
    let generate = run(upwire_in(dir).arg("generate"));
    assert_eq!(code(&generate), 0, "generate: {}", all_output(&generate));
    let written: Vec<String> = file_bytes_below(dir)
        .into_iter()
        .filter(|(path, bytes)| before.get(path) != Some(bytes))
        .map(|(path, _)| path)
        .collect();
    assert!(!written.is_empty());
    let lint = run(upwire_in(dir).arg("lint").args(&written));
    assert_eq!(
        code(&lint),
        0,
        "lint of what generate wrote ({written:?}):\n{}",
        all_output(&lint)
    );
    // Everything the project holds, as `upwire lint $(git ls-files)` gives it: the files of
    // other tools (`wrangler.jsonc`, `app.html`, `+page.svelte`, `Cargo.toml`) are skipped
    // with a note, never read as env files.
    let every: Vec<String> = file_bytes_below(dir).into_keys().collect();
    let lint = run(upwire_in(dir).arg("lint").args(&every));
    assert!(
        code(&lint) == 0 && !all_output(&lint).contains("invalid-env-line"),
        "lint of every file:\n{}",
        all_output(&lint)
    );
    Flow {
        init: String::from_utf8_lossy(&init.stderr).into_owned(),
        descriptor,
        written,
    }
}

impl Flow {
    /// Asserts that `init` said `line`.
    fn said(&self, line: &str) {
        assert!(
            self.init.contains(line),
            "init did not say `{line}`:\n{}",
            self.init
        );
    }

    /// Asserts that the descriptor has `line`.
    fn wrote(&self, line: &str) {
        assert!(
            self.descriptor.lines().any(|l| l.trim_end() == line),
            "upwire.toml has no line `{line}`:\n{}",
            self.descriptor
        );
    }

    /// Asserts that generate wrote `file`.
    fn generated(&self, file: &str) {
        assert!(
            self.written.iter().any(|f| f == file),
            "generate did not write `{file}`: {:?}",
            self.written
        );
    }
}

/// The variables of the env file `file` (`KEY=VALUE`, quotes removed), with the fake
/// database's values swapped for `serve`'s.
pub(crate) fn env_for_serve(file: &Path, serve: &ServeProcess) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(file).unwrap();
    let url = serve.url();
    let mut vars = BTreeMap::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches('"').trim_matches('\'');
        let value = match value {
            REST_URL => url.as_str(),
            FULL_TOKEN => TOKEN,
            READ_ONLY_TOKEN => READONLY_TOKEN,
            other => other,
        };
        vars.insert(key.trim().to_owned(), value.to_owned());
    }
    vars
}

/// How the host runs a TypeScript starter.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Host {
    /// Node.js (Next.js, SvelteKit's server, Expo's inlined `process.env`): the variables in
    /// `process.env`.
    Node,
    /// A Cloudflare Worker: the runtime passes the variables as `env` to `fetch`, so the
    /// driver calls the module's `redis(env)` with them (no `process.env` at all).
    Worker,
    /// Deno: `Deno.env.get`, given to node as a `Deno` global over the variables.
    Deno,
}

/// Compiles the TypeScript starter `module` (its path in the project) with compat's `tsc`,
/// strict, and runs a driver under node that imports it and runs `steps` (a script body over
/// `redis`), with `vars` as its host gives them. Returns what the driver printed.
fn run_typescript(
    project: &Path,
    module: &str,
    host: Host,
    vars: &BTreeMap<String, String>,
    steps: &str,
) -> String {
    let modules = node_modules();
    let runner = tempfile::tempdir().unwrap();
    let dir = runner.path();
    let mut source = std::fs::read_to_string(project.join(module)).unwrap();
    if host == Host::Deno {
        // Deno resolves `npm:@upstash/redis@^1.39.0` to the npm package; node is given the
        // package itself (compat's 1.39.0, which that range admits).
        let at = source
            .find("\"npm:@upstash/redis@^1.")
            .unwrap_or_else(|| panic!("no npm:@upstash/redis@^1 import:\n{source}"));
        let end = at + 1 + source[at + 1..].find('"').unwrap();
        source.replace_range(at..=end, "\"@upstash/redis\"");
    }
    std::fs::create_dir_all(dir.join(module).parent().unwrap()).unwrap();
    std::fs::write(dir.join(module), &source).unwrap();
    std::fs::write(dir.join("package.json"), "{ \"type\": \"module\" }\n").unwrap();
    // compat's packages, and `$env/dynamic/private` as SvelteKit provides it at run time
    // (the server's variables).
    std::fs::create_dir_all(dir.join("node_modules/$env")).unwrap();
    for entry in std::fs::read_dir(&modules).unwrap() {
        let entry = entry.unwrap();
        std::os::unix::fs::symlink(
            entry.path(),
            dir.join("node_modules").join(entry.file_name()),
        )
        .unwrap();
    }
    for (file, text) in [
        (
            "package.json",
            "{ \"name\": \"$env\", \"type\": \"module\", \"exports\": { \"./dynamic/private\": \
             { \"types\": \"./private.d.ts\", \"default\": \"./private.js\" } } }\n",
        ),
        (
            "private.d.ts",
            "export declare const env: Record<string, string | undefined>;\n",
        ),
        ("private.js", "export const env = process.env;\n"),
    ] {
        std::fs::write(dir.join("node_modules/$env").join(file), text).unwrap();
    }
    // What the project's own types declare (`@types/node`, `expo/types`, Deno's globals).
    let mut types =
        String::from("declare const process: { env: Record<string, string | undefined> };\n");
    if host == Host::Deno && !source.contains("declare const Deno") {
        types.push_str("declare const Deno: { env: { get(name: string): string | undefined } };\n");
    }
    std::fs::write(dir.join("env.d.ts"), types).unwrap();
    std::fs::write(
        dir.join("tsconfig.json"),
        format!(
            "{{ \"compilerOptions\": {{ \"strict\": true, \"target\": \"ES2022\", \
             \"lib\": [\"ES2022\", \"DOM\"], \"types\": [], \"skipLibCheck\": true, \
             \"module\": \"NodeNext\", \"moduleResolution\": \"nodenext\", \"outDir\": \"out\", \
             \"rootDir\": \".\" }}, \"include\": [\"{module}\", \"env.d.ts\"] }}\n"
        ),
    )
    .unwrap();
    let tsc = Command::new(modules.join(".bin/tsc"))
        .args(["-p", "tsconfig.json"])
        .current_dir(dir)
        .output()
        .expect("tsc runs");
    assert!(
        tsc.status.success(),
        "tsc on {module}:\n{}\n{source}",
        String::from_utf8_lossy(&tsc.stdout)
    );
    let compiled = Path::new("./out").join(module).with_extension("js");
    let vars_json = serde_json::to_string(vars).unwrap();
    let setup = match host {
        Host::Node => String::new(),
        Host::Worker => format!("const env = {vars_json};\n"),
        Host::Deno => format!(
            "const vars = {vars_json};\nglobalThis.Deno = {{ env: {{ get: (name) => vars[name] }} }};\n"
        ),
    };
    let client = if host == Host::Worker {
        "m.redis(env)"
    } else {
        "m.redis"
    };
    std::fs::write(
        dir.join("main.mjs"),
        format!(
            "{setup}const m = await import({:?});\nconst redis = {client};\n{steps}\n",
            compiled.display().to_string()
        ),
    )
    .unwrap();
    let mut node = Command::new("node");
    node.arg("main.mjs")
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    if host == Host::Node {
        node.envs(vars);
    }
    let out = run_bounded(node, Duration::from_secs(60));
    assert!(out.status.success(), "node {module}:\n{}", all_output(&out));
    String::from_utf8(out.stdout).unwrap()
}

/// The driver's round trip: SET `key` to `value`, GET it back, print it as JSON.
fn round_trip(key: &str, value: &str) -> String {
    format!(
        "await redis.set({key:?}, {value:?});\nconsole.log(JSON.stringify(await redis.get({key:?})));"
    )
}

/// Runs the TypeScript starter `module` of the project in `dir` against a fresh `upwire
/// serve`, with the variables of `env_file` as `host` gives them: it SETs `key` to `value` and
/// GETs it back, and the database holds it.
fn starter_round_trips(
    dir: &Path,
    env_file: &str,
    module: &str,
    host: Host,
    key: &str,
    value: &str,
) {
    // The starter under node: the full tier (compat's tsc and @upstash/redis).
    if !tier::require(Group::Node) {
        return;
    }
    let (_redis, serve) = ServeProcess::with_redis(&ServeOptions::tokens());
    let vars = env_for_serve(&dir.join(env_file), &serve);
    let out = run_typescript(dir, module, host, &vars, &round_trip(key, value));
    assert_eq!(out, format!("{value:?}\n"));
    assert_eq!(stored(&serve, key), value);
}

/// `GET key` through `serve` with the full token: what the database holds.
fn stored(serve: &ServeProcess, key: &str) -> serde_json::Value {
    let reply = Request::post_json("/", &serde_json::json!(["GET", key]).to_string())
        .bearer(TOKEN)
        .send(serve.addr);
    reply.json()["result"].clone()
}

/// A Next.js app on Vercel: route handlers (functions) and middleware (edge runtime) in one
/// folder, the Marketplace integration's variables in `.env.local` (`vercel env pull`).
#[test]
fn nextjs_on_vercel_with_marketplace_variables() {
    let project = copy_project("nextjs-vercel");
    let dir = project.path();
    let flow = user_flow(dir);
    flow.said("found: target `app` (lambda on vercel, framework nextjs) in .");
    flow.said("found: target `app-middleware` (edge on vercel, framework nextjs) in .");
    flow.said("found: variable names in .env.local");
    // The names the integration manages, and generate told to keep to them.
    flow.wrote("env_names = \"vercel-marketplace\"");
    flow.wrote("rest_url = \"${KV_REST_API_URL}\"");
    flow.wrote("rest_token = \"${KV_REST_API_TOKEN}\"");
    flow.generated("lib/redis.ts");
    // The integration sets its variables in the Vercel project already: no script to add
    // them again (generate says so in a note; the `marketplace` snapshot shows it).
    assert!(!dir.join("vercel-env.sh").exists(), "{:?}", flow.written);
    // One starter and one env file for both targets, in the folder Next.js reads.
    assert!(!dir.join(".env").exists() && !dir.join("app/.env").exists());
    // `.env.local` holds the names and values wanted already: it stays as the Vercel CLI wrote
    // it, quotes and all.
    assert!(
        !flow.written.iter().any(|f| f == ".env.local"),
        "{:?}",
        flow.written
    );
    let env_local = std::fs::read_to_string(dir.join(".env.local")).unwrap();
    let names: Vec<&str> = env_local
        .lines()
        .filter_map(|l| l.split('=').next())
        .collect();
    assert!(
        !env_local.contains("UPSTASH_REDIS_REST"),
        "no second copy under Upstash's names: {names:?}"
    );
    let module = std::fs::read_to_string(dir.join("lib/redis.ts")).unwrap();
    assert!(module.contains("process.env.KV_REST_API_URL"), "{module}");

    starter_round_trips(
        dir,
        ".env.local",
        "lib/redis.ts",
        Host::Node,
        "nextjs:greeting",
        "hello from a route handler",
    );
}

/// SvelteKit with `@sveltejs/adapter-netlify`: server code reads `$env/dynamic/private`.
#[test]
fn sveltekit_on_netlify() {
    let project = copy_project("sveltekit-netlify");
    let dir = project.path();
    let flow = user_flow(dir);
    flow.said(
        "found: target `app` (lambda on netlify, framework sveltekit) in ., from package.json: @sveltejs/kit",
    );
    flow.said("platform from netlify.toml");
    flow.wrote("rest_url = \"${UPSTASH_REDIS_REST_URL}\"");
    flow.generated("src/lib/server/redis.ts");
    flow.generated("netlify-env.sh");
    let module = std::fs::read_to_string(dir.join("src/lib/server/redis.ts")).unwrap();
    assert!(module.contains("from \"$env/dynamic/private\""), "{module}");

    starter_round_trips(
        dir,
        ".env",
        "src/lib/server/redis.ts",
        Host::Node,
        "sveltekit:entries",
        "first entry",
    );
}

/// A Rust crate with two binaries: the axum service on Fly, whose database is Fly's private
/// one (`fly-*.upstash.io`, TCP only, reachable only inside Fly), and a nightly job on AWS
/// Lambda. upwire gives the service TCP and the job REST, whose URL is a regular Upstash
/// database's: a Fly database has no REST API and is not reachable from Lambda.
#[test]
fn rust_axum_on_fly_with_a_lambda_job() {
    let project = copy_project("rust-fly-lambda");
    let dir = project.path();
    let flow = user_flow(dir);
    flow.said("found: target `app` (server on fly, framework axum) in .");
    flow.said("found: target `app-lambda` (lambda on aws-lambda, framework lambda-runtime) in .");
    flow.wrote("redis_url = \"${REDIS_URL}\"");
    flow.wrote("rest_url = \"${UPSTASH_REDIS_REST_URL}\"");
    for file in [
        "src/redis_client_tcp.rs",
        "src/redis_client_rest.rs",
        "fly-secrets.env",
        "lambda-env.json",
    ] {
        flow.generated(file);
    }
    let resolve = run(upwire_in(dir).arg("resolve"));
    assert_eq!(code(&resolve), 0, "{}", all_output(&resolve));
    let decisions = String::from_utf8_lossy(&resolve.stdout);
    assert!(
        decisions.contains("app → tcp") && decisions.contains("app-lambda → rest"),
        "{decisions}"
    );
    // The Fly secrets hold the Fly URL alone; the Lambda's environment the REST pair alone.
    // Each names the target it is for.
    let fly = std::fs::read_to_string(dir.join("fly-secrets.env")).unwrap();
    assert!(fly.contains("@fly-tidy-cat-12345.upstash.io") && !fly.contains("REST"));
    assert!(fly.contains("(target `app`)"), "{fly}");
    let lambda = std::fs::read_to_string(dir.join("lambda-env.json")).unwrap();
    assert!(lambda.contains(REST_URL) && !lambda.contains("REDIS_URL"));
    // Had the job been given the Fly database, upwire would have said why it cannot work.
    let forced = flow.descriptor.replace(
        "framework = \"lambda-runtime\"",
        "framework = \"lambda-runtime\"\ntransport = \"tcp\"",
    );
    std::fs::write(dir.join("upwire.toml"), forced).unwrap();
    let lint = run(upwire_in(dir).arg("lint"));
    assert_eq!(code(&lint), 1, "{}", all_output(&lint));
    assert!(
        all_output(&lint).contains("error[fly-off-platform]"),
        "{}",
        all_output(&lint)
    );

    // The service's client against the redis-server, the job's through serve: the full tier
    // (the generated crates are built).
    if !tier::require(Group::GeneratedCrates) {
        return;
    }
    let (redis, serve) = ServeProcess::with_redis(&ServeOptions::tokens());
    let vars = env_for_serve(&dir.join(".env"), &serve);
    let tcp = rust_round_trip(dir, "tcp", &[("REDIS_URL", redis.url(None, None))]);
    assert_eq!(tcp, "Some(\"hello over tcp\")\n");
    let rest = rust_round_trip(
        dir,
        "rest",
        &[
            (
                "UPSTASH_REDIS_REST_URL",
                vars["UPSTASH_REDIS_REST_URL"].clone(),
            ),
            (
                "UPSTASH_REDIS_REST_TOKEN",
                vars["UPSTASH_REDIS_REST_TOKEN"].clone(),
            ),
        ],
    );
    assert_eq!(rest, "Some(\"hello over rest\")\n");
    assert_eq!(stored(&serve, "fly:rest"), "hello over rest");
    assert_eq!(stored(&serve, "fly:tcp"), "hello over tcp");
    drop(redis);
}

/// Builds the generated `src/redis_client_<transport>.rs` of `project` in a starter crate
/// (the dependencies its header names, the kept lockfile) around a SET/GET, runs it with
/// `vars`, and returns what it printed.
fn rust_round_trip(project: &Path, transport: &str, vars: &[(&str, String)]) -> String {
    let client =
        std::fs::read_to_string(project.join(format!("src/redis_client_{transport}.rs"))).unwrap();
    let dependencies = crate::generate::header_dependencies(&client);
    // Its usage lines name the module as the file is named.
    let module = format!("redis_client_{transport}");
    assert!(
        client.contains(&format!("//! mod {module};")) && client.contains(&format!("{module}::")),
        "{client}"
    );
    let krate: PathBuf = project.join(format!("starter-{transport}"));
    std::fs::create_dir_all(krate.join("src")).unwrap();
    // The file as generate named it, as the user's crate declares it.
    std::fs::write(
        krate.join(format!("src/redis_client_{transport}.rs")),
        &client,
    )
    .unwrap();
    let bin = format!("upwire-project-fly-{transport}");
    std::fs::write(
        krate.join("Cargo.toml"),
        format!(
            "[package]\nname = \"upwire-starter-{transport}\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
             publish = false\n\n[[bin]]\nname = \"{bin}\"\npath = \"src/main.rs\"\n\n[workspace]\n\n\
             [dependencies]\n{}\n",
            dependencies.join("\n")
        ),
    )
    .unwrap();
    // The usage the header shows: `mod redis_client_tcp;`, `redis_client_tcp::connect()`.
    let main = if transport == "tcp" {
        "mod redis_client_tcp;\nuse redis::AsyncTypedCommands as _;\n\n#[tokio::main]\n\
         async fn main() -> Result<(), Box<dyn std::error::Error>> {\n    \
         let mut redis = redis_client_tcp::connect().await?;\n    \
         redis.set(\"fly:tcp\", \"hello over tcp\").await?;\n    \
         println!(\"{:?}\", redis.get(\"fly:tcp\").await?);\n    Ok(())\n}\n"
    } else {
        "mod redis_client_rest;\n\n#[tokio::main]\n\
         async fn main() -> Result<(), Box<dyn std::error::Error>> {\n    \
         let redis = redis_client_rest::RestClient::from_env()?;\n    \
         redis.set(\"fly:rest\", \"hello over rest\").await?;\n    \
         println!(\"{:?}\", redis.get(\"fly:rest\").await?);\n    Ok(())\n}\n"
    };
    std::fs::write(krate.join("src/main.rs"), main).unwrap();
    let lock = format!("tests/fixtures/starter/Cargo.{transport}.lock");
    Crate::new(&krate, &lock).cargo(&["build", "--quiet"]);
    let mut cmd = Command::new(crates::target_dir().join(format!("debug/{bin}")));
    cmd.env_clear()
        .envs(vars.iter().map(|(k, v)| (*k, v.as_str())));
    let out: Output = run_bounded(cmd, Duration::from_secs(60));
    assert!(out.status.success(), "{}", all_output(&out));
    String::from_utf8(out.stdout).unwrap()
}

/// An Expo app: only the read-only token, under the `EXPO_PUBLIC_` names Expo inlines.
#[test]
fn expo_app_with_the_read_only_token() {
    let project = copy_project("expo-app");
    let dir = project.path();
    let flow = user_flow(dir);
    flow.said("found: target `app` (mobile on expo, framework expo) in .");
    flow.wrote("rest_url = \"${EXPO_PUBLIC_UPSTASH_REDIS_REST_URL}\"");
    flow.wrote("rest_readonly_token = \"${EXPO_PUBLIC_UPSTASH_REDIS_REST_TOKEN}\"");
    flow.wrote("# rest_token = \"${UPSTASH_REDIS_REST_TOKEN}\"");
    flow.generated("lib/redis.ts");
    // The names the app has are the ones generate writes: its `.env` stays as it was.
    assert!(
        !flow.written.iter().any(|f| f == ".env"),
        "{:?}",
        flow.written
    );
    let env = std::fs::read_to_string(dir.join(".env")).unwrap();
    assert!(!env.contains(FULL_TOKEN), "{env}");

    // The starter under node: the full tier (compat's tsc and @upstash/redis).
    if !tier::require(Group::Node) {
        return;
    }
    let (_redis, serve) = ServeProcess::with_redis(&ServeOptions::tokens());
    let reply = Request::post_json("/", "[\"SET\",\"deals:today\",\"two for one\"]")
        .bearer(TOKEN)
        .send(serve.addr);
    assert_eq!(reply.json()["result"], "OK");
    let vars = env_for_serve(&dir.join(".env"), &serve);
    assert_eq!(vars["EXPO_PUBLIC_UPSTASH_REDIS_REST_TOKEN"], READONLY_TOKEN);
    let out = run_typescript(
        dir,
        "lib/redis.ts",
        Host::Node,
        &vars,
        "console.log(JSON.stringify(await redis.get(\"deals:today\")));\n\
         try { await redis.set(\"deals:today\", \"free\"); console.log(\"wrote\"); }\n\
         catch (e) { console.log(String(e.message).includes(\"NOPERM\") ? \"NOPERM\" : e.message); }",
    );
    assert_eq!(out, "\"two for one\"\nNOPERM\n");
    assert_eq!(stored(&serve, "deals:today"), "two for one");
}

/// A Cloudflare Worker in TypeScript (`wrangler.jsonc`, `.dev.vars`): the module makes its
/// client from the `env` the runtime passes to `fetch`, so the driver calls it with one.
#[test]
fn typescript_cloudflare_worker() {
    let project = copy_project("cloudflare-worker");
    let dir = project.path();
    let user_dev_vars = std::fs::read_to_string(dir.join(".dev.vars")).unwrap();
    let flow = user_flow(dir);
    flow.said("found: target `app` (edge on cloudflare, framework workers) in ., from wrangler");
    flow.said("found: variable names in .dev.vars");
    flow.generated("src/redis.ts");
    flow.generated("wrangler.redis.toml");
    // generate merges into the user's `.dev.vars`: the lines it had stay.
    let dev_vars = std::fs::read_to_string(dir.join(".dev.vars")).unwrap();
    for line in user_dev_vars.lines() {
        let key = line.split('=').next().unwrap();
        assert!(
            dev_vars.lines().any(|l| l.starts_with(&format!("{key}="))),
            "generate dropped `{key}` from .dev.vars"
        );
    }
    let module = std::fs::read_to_string(dir.join("src/redis.ts")).unwrap();
    assert!(module.contains("@upstash/redis/cloudflare"), "{module}");

    starter_round_trips(
        dir,
        ".dev.vars",
        "src/redis.ts",
        Host::Worker,
        "worker:limit",
        "10 per minute",
    );
}

/// Hono on Deno Deploy (`deno.json`: the import map, and the `deploy` section `deno deploy`
/// keeps): Deno's `Deno.env`, given to node as a `Deno` global over the variables, and its
/// `npm:` import as the npm package.
#[test]
fn hono_on_deno_deploy() {
    let project = copy_project("hono-deno");
    let dir = project.path();
    let flow = user_flow(dir);
    flow.said(
        "found: target `app` (edge on deno-deploy, framework hono) in ., from package.json or deno.json: hono; platform from deno.json",
    );
    flow.wrote("rest_url = \"${UPSTASH_REDIS_REST_URL}\"");
    flow.generated("src/redis.ts");
    flow.generated("deno-deploy-env.sh");
    let module = std::fs::read_to_string(dir.join("src/redis.ts")).unwrap();
    assert!(
        module.contains("Deno.env.get(\"UPSTASH_REDIS_REST_URL\")"),
        "{module}"
    );
    starter_round_trips(
        dir,
        ".env",
        "src/redis.ts",
        Host::Deno,
        "hono:hits",
        "41 hits",
    );
}

/// The folders' env files hold the example database's fake values only (never a real
/// secret), which is also what `env_for_serve` swaps for the local ones.
#[test]
fn the_project_folders_hold_only_the_example_database() {
    for (path, text) in crate::support::files_below(&root().join("tests/projects")) {
        let name = Path::new(&path).file_name().unwrap().to_string_lossy();
        if !(name.starts_with(".env") || name == ".dev.vars") {
            continue;
        }
        for line in text
            .lines()
            .filter(|l| !l.starts_with('#') && l.contains('='))
        {
            let value = line.split_once('=').unwrap().1.trim_matches('"');
            assert!(
                value == REST_URL
                    || value == FULL_TOKEN
                    || value == READ_ONLY_TOKEN
                    || value.contains("default:ATA5YXRhYmFzZS1wYXNzd29yZC1leGFtcGxl@"),
                "{path}: `{line}` is not the example database"
            );
        }
    }
}

/// The Expo app's `eas.json`, where EAS Build's profiles set variables that are inlined into
/// the app as `.env`'s are: a plain `lint` reads it beside the descriptor, and a full-access
/// token under `EXPO_PUBLIC_` there is the error it is in `.env`, placed on the JSON's line,
/// the token masked in every format. A file that is not JSON is said to be skipped.
#[test]
fn expo_eas_json_is_linted_as_the_bundle_it_builds() {
    let project = copy_project("expo-app");
    let dir = project.path();
    let init = run(upwire_in(dir).arg("init"));
    assert_eq!(code(&init), 0, "{}", all_output(&init));
    // The read-only token the project ships: nothing to say.
    let clean = run(upwire_in(dir).arg("lint"));
    assert_eq!(code(&clean), 0, "{}", all_output(&clean));
    assert!(
        all_output(&clean).contains("eas.json"),
        "{}",
        all_output(&clean)
    );
    let eas = std::fs::read_to_string(dir.join("eas.json")).unwrap();
    std::fs::write(
        dir.join("eas.json"),
        eas.replace(READ_ONLY_TOKEN, FULL_TOKEN),
    )
    .unwrap();
    let line = eas
        .lines()
        .position(|l| l.contains("\"EXPO_PUBLIC_UPSTASH_REDIS_REST_TOKEN\""))
        .unwrap()
        + 1;
    let text = run(upwire_in(dir).arg("lint"));
    assert_eq!(code(&text), 1, "{}", all_output(&text));
    let said = all_output(&text);
    assert!(said.contains("error[secret-public-prefix]"), "{said}");
    assert!(said.contains(&format!("--> eas.json:{line}:10")), "{said}");
    for format in ["text", "json", "sarif"] {
        let out = run(upwire_in(dir).args(["lint", "--format", format]));
        assert!(!all_output(&out).contains(FULL_TOKEN), "{format}");
    }
    let doc = json(&run(
        upwire_in(dir).args(["lint", "eas.json", "--format", "json"])
    ));
    assert_eq!(
        doc["diagnostics"][0]["code"], "secret-public-prefix",
        "{doc}"
    );
    assert_eq!(doc["diagnostics"][0]["line"], line, "{doc}");
    // Escaped in the JSON (`\u0041` for `A`), the token is still masked whole.
    let escaped = format!("\\u0041{}", &FULL_TOKEN[1..]);
    assert!(FULL_TOKEN.starts_with('A'));
    std::fs::write(dir.join("eas.json"), eas.replace(READ_ONLY_TOKEN, &escaped)).unwrap();
    for format in ["text", "json", "sarif"] {
        let out = all_output(&run(upwire_in(dir).args(["lint", "--format", format])));
        assert!(out.contains("secret-public-prefix"), "{format}: {out}");
        for leak in [FULL_TOKEN, &escaped, &FULL_TOKEN[1..]] {
            assert!(!out.contains(leak), "{format}: {leak} in {out}");
        }
    }
    // `fix` rewrites env files only: the JSON is left byte for byte, and says so.
    let before = std::fs::read(dir.join("eas.json")).unwrap();
    let fix = run(upwire_in(dir).args(["fix", "eas.json"]));
    assert_eq!(std::fs::read(dir.join("eas.json")).unwrap(), before);
    assert!(
        all_output(&fix).contains("note: skipped `eas.json`"),
        "{}",
        all_output(&fix)
    );
    // Not JSON: skipped with a note naming where it breaks; the rest is still linted.
    std::fs::write(
        dir.join("eas.json"),
        "{\n  \"build\": {\n    \"preview\": \n",
    )
    .unwrap();
    let broken = run(upwire_in(dir).arg("lint"));
    assert_eq!(code(&broken), 0, "{}", all_output(&broken));
    assert!(
        all_output(&broken).contains("note: skipped `")
            && all_output(&broken).contains("not JSON that EAS reads (line 4, column 1)"),
        "{}",
        all_output(&broken)
    );
}

/// An Expo app's folder with no descriptor and no env file yet: a plain `lint` checks its
/// `eas.json` (a full token under `EXPO_PUBLIC_` is the error it is with a descriptor), not
/// "no upwire.toml".
#[test]
fn expo_eas_json_alone_is_linted_without_a_descriptor() {
    let project = copy_project("expo-app");
    let dir = project.path();
    std::fs::remove_file(dir.join(".env")).unwrap();
    let eas = std::fs::read_to_string(dir.join("eas.json")).unwrap();
    std::fs::write(
        dir.join("eas.json"),
        eas.replace(READ_ONLY_TOKEN, FULL_TOKEN),
    )
    .unwrap();
    let out = run(upwire_in(dir).arg("lint"));
    let said = all_output(&out);
    assert_eq!(code(&out), 1, "{said}");
    assert!(said.contains("error[secret-public-prefix]"), "{said}");
    assert!(said.contains("--> eas.json:"), "{said}");
    assert!(!said.contains(FULL_TOKEN), "{said}");
}
