//! upwire accepts its own output: `generate` over every kind × platform × framework that can
//! be (and over folders several targets share), then `lint` on every file it wrote, reports no
//! error; and a second `generate` changes nothing.

use std::path::Path;

use upwire::internal::model::{Framework, Kind, Platform, framework_runs, platform_runs};

use crate::support::{code, file_names_below, root, run, transcript, upwire};

/// The bundled example's database, its secrets from `example.env`.
const DATABASE: &str = "[database.main]\nredis_url = \"${UPSTASH_REDIS_URL}\"\n\
    rest_url = \"${UPSTASH_REDIS_REST_URL}\"\nrest_token = \"${UPSTASH_REDIS_REST_TOKEN}\"\n\
    rest_readonly_token = \"${UPSTASH_REDIS_REST_READONLY_TOKEN}\"\n";

/// Generates `descriptor` in a fresh project, lints every file written and generates again:
/// no error from lint, nothing to change the second time. Returns the files written.
fn generate_then_lint(descriptor: &str) -> Vec<String> {
    let project = tempfile::tempdir().unwrap();
    let dir = project.path();
    std::fs::write(dir.join("upwire.toml"), descriptor).unwrap();
    // What a project has beside them; lint is given it too, and says it skips it.
    std::fs::write(dir.join(".gitignore"), ".env\n.env*.local\n").unwrap();
    std::fs::copy(root().join("examples/example.env"), dir.join("example.env")).unwrap();
    let gen_ = run(upwire()
        .current_dir(dir)
        .args(["--env-file", "example.env", "generate"]));
    assert_eq!(code(&gen_), 0, "{}", transcript(&gen_, dir));
    let files: Vec<String> = file_names_below(dir)
        .into_iter()
        .filter(|f| f != "example.env")
        .collect();
    let lint = run(upwire()
        .current_dir(dir)
        .args(["--env-file", "example.env", "lint"])
        .args(&files));
    assert_eq!(
        code(&lint),
        0,
        "lint finds errors in what generate wrote:\n{}",
        transcript(&lint, dir)
    );
    assert!(
        String::from_utf8_lossy(&lint.stderr)
            .contains("note: skipped `.gitignore`: another tool's file"),
        "{}",
        transcript(&lint, dir)
    );
    let again =
        run(upwire()
            .current_dir(dir)
            .args(["--env-file", "example.env", "generate", "--dry-run"]));
    let out = String::from_utf8_lossy(&again.stdout);
    assert!(
        out.contains(" 0 to create, 0 to change,")
            || out.contains(": 0 files to create, 0 to change,"),
        "a second generate would change files:\n{}",
        transcript(&again, dir)
    );
    files
}

/// A descriptor with one target per possible kind × platform × framework (none or any), each
/// in its own folder `t1`, `t2`, ...; and how many there are.
fn every_combination() -> (String, usize) {
    let mut descriptor = format!(
        "{DATABASE}\n[database.celery]\nredis_url = \"${{UPSTASH_REDIS_URL}}?ssl_cert_reqs=required\"\n"
    );
    let mut n = 0;
    for kind in Kind::ALL {
        for platform in Platform::ALL {
            if !platform_runs(*platform).contains(kind) {
                continue;
            }
            for framework in std::iter::once(None).chain(Framework::ALL.iter().map(Some)) {
                if framework.is_some_and(|f| !framework_runs(*f).contains(kind)) {
                    continue;
                }
                n += 1;
                // Celery needs `ssl_cert_reqs` on a `rediss://` URL (`celery-ssl-cert-reqs`).
                let database = if framework == Some(&Framework::Celery) {
                    "celery"
                } else {
                    "main"
                };
                descriptor.push_str(&format!(
                    "\n[target.t{n}]\nkind = \"{kind}\"\nplatform = \"{platform}\"\ndir = \"t{n}\"\ndatabase = \"{database}\"\n"
                ));
                if let Some(f) = framework {
                    descriptor.push_str(&format!("framework = \"{f}\"\n"));
                }
            }
        }
    }
    (descriptor, n)
}

/// One target per possible kind × platform × framework (none or any), each in its own
/// folder.
#[test]
fn every_kind_platform_and_framework_lints_clean() {
    let (descriptor, n) = every_combination();
    assert!(n > 100, "{n} combinations");
    let files = generate_then_lint(&descriptor);
    // Every kind of file generate writes was linted (or said to be skipped).
    for name in [
        ".env",
        ".env.local",
        ".env.example",
        "docker.env",
        "lambda-env.json",
        "wrangler.redis.toml",
        ".dev.vars",
        "redis-secret.yaml",
        "fly-secrets.env",
        "vercel-env.sh",
        "netlify-env.sh",
        "lib/redis.ts",
        "src/redis_client.rs",
        "src/lib/server/redis.ts",
        "railway-env.sh",
        "render.redis.yaml",
        "deno-deploy-env.sh",
        "supabase-secrets.sh",
        "supabase/functions/.env",
        "supabase/functions/_shared/redis.ts",
    ] {
        assert!(
            files.iter().any(|f| f.ends_with(&format!("/{name}"))),
            "no `{name}` among the files written"
        );
    }
}

/// Targets that share a folder: a Next.js app's route handlers and middleware; a Rust crate
/// whose server (TCP) and Lambda job (REST) live together; an Expo app beside its API
/// routes; SvelteKit on Netlify with an edge function.
#[test]
fn folders_that_several_targets_share_lint_clean() {
    let descriptor = format!(
        "{DATABASE}\n\
         [target.api]\nkind = \"lambda\"\nplatform = \"vercel\"\nframework = \"nextjs\"\n\n\
         [target.middleware]\nkind = \"edge\"\nplatform = \"vercel\"\nframework = \"nextjs\"\n\n\
         [target.server]\nkind = \"server\"\nplatform = \"fly\"\nframework = \"axum\"\ndir = \"svc\"\n\n\
         [target.job]\nkind = \"lambda\"\nplatform = \"aws-lambda\"\nframework = \"lambda-runtime\"\ndir = \"svc\"\n\n\
         [target.app]\nkind = \"mobile\"\nplatform = \"expo\"\nframework = \"expo\"\ndir = \"app\"\n\n\
         [target.routes]\nkind = \"lambda\"\nplatform = \"netlify\"\nframework = \"sveltekit\"\ndir = \"web\"\n\n\
         [target.edge]\nkind = \"edge\"\nplatform = \"netlify\"\nframework = \"sveltekit\"\ndir = \"web\"\n"
    );
    let files = generate_then_lint(&descriptor);
    for expected in [
        // One env file for the Next.js app, the one Next.js reads, and one module.
        "./.env.local",
        "./lib/redis.ts",
        // Both Rust clients in one crate, each under its own module name.
        "svc/src/redis_client_tcp.rs",
        "svc/src/redis_client_rest.rs",
        "svc/.env",
        "web/src/lib/server/redis.ts",
        "app/.env",
    ] {
        assert!(
            files
                .iter()
                .any(|f| f.trim_start_matches("./") == expected.trim_start_matches("./")),
            "no `{expected}` in {files:?}"
        );
    }
    assert!(
        !files.iter().any(|f| f == ".env"),
        "Next.js reads .env.local: {files:?}"
    );
}

/// Two targets that need different values under one name in one folder: `dir-conflict`,
/// naming the variable and the ways out, and nothing written for either.
#[test]
fn one_name_two_values_in_one_folder_is_a_conflict() {
    let project = tempfile::tempdir().unwrap();
    let dir: &Path = project.path();
    std::fs::write(
        dir.join("upwire.toml"),
        format!(
            "{DATABASE}\n[target.app]\nkind = \"mobile\"\nplatform = \"expo\"\n\n\
             [target.admin]\nkind = \"mobile\"\nplatform = \"expo\"\naccess = \"read-write\"\n"
        ),
    )
    .unwrap();
    std::fs::copy(root().join("examples/example.env"), dir.join("example.env")).unwrap();
    let out = run(upwire()
        .current_dir(dir)
        .args(["--env-file", "example.env", "generate"]));
    let text = String::from_utf8_lossy(&out.stderr);
    assert_eq!(code(&out), 1, "{}", transcript(&out, dir));
    assert!(
        text.contains("error[dir-conflict]: targets `app` and `admin` share `.` but need one the read-only token, the other the full one under `EXPO_PUBLIC_UPSTASH_REDIS_REST_TOKEN`"),
        "{text}"
    );
    assert!(text.contains("`env_prefix`"), "{text}");
    assert!(
        !dir.join(".env").exists(),
        "nothing with secrets was written"
    );
}

/// A Next.js app and its Supabase Edge Functions in one folder write different env files
/// (`.env.local`, `supabase/functions/.env`), so the functions may have the read-only token
/// under the name the app has the full one: no conflict, each file holds its own value, and
/// lint accepts both.
#[test]
fn supabase_functions_beside_an_app_keep_their_own_env_file() {
    let project = tempfile::tempdir().unwrap();
    let dir: &Path = project.path();
    std::fs::write(
        dir.join("upwire.toml"),
        format!(
            "{DATABASE}\n[target.web]\nkind = \"lambda\"\nplatform = \"vercel\"\nframework = \"nextjs\"\n\n\
             [target.functions]\nkind = \"edge\"\nplatform = \"supabase\"\naccess = \"read-only\"\n"
        ),
    )
    .unwrap();
    std::fs::copy(root().join("examples/example.env"), dir.join("example.env")).unwrap();
    let out = run(upwire()
        .current_dir(dir)
        .args(["--env-file", "example.env", "generate"]));
    assert_eq!(code(&out), 0, "{}", transcript(&out, dir));
    let example = std::fs::read_to_string(root().join("examples/example.env")).unwrap();
    let value = |name: &str| {
        example
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap()
            .to_owned()
    };
    let token_line = |file: &str| {
        std::fs::read_to_string(dir.join(file))
            .unwrap()
            .lines()
            .find_map(|l| {
                l.strip_prefix("UPSTASH_REDIS_REST_TOKEN=")
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| panic!("no token in {file}"))
    };
    assert_eq!(token_line(".env.local"), value("UPSTASH_REDIS_REST_TOKEN"));
    assert_eq!(
        token_line("supabase/functions/.env"),
        value("UPSTASH_REDIS_REST_READONLY_TOKEN")
    );
    let lint = run(upwire().current_dir(dir).args([
        "--env-file",
        "example.env",
        "lint",
        ".env.local",
        "supabase/functions/.env",
        "supabase-secrets.sh",
    ]));
    assert_eq!(code(&lint), 0, "{}", transcript(&lint, dir));
}

/// Every env file `generate` writes into is merged, whatever the platform and framework: a
/// user's own lines, comments and order survive in each (a Hono Worker's `.dev.vars`, a
/// Next.js `.env.local`, Supabase's functions file, `fly-secrets.env`, ...), and the values
/// upwire manages are there too.
#[test]
fn every_env_file_written_keeps_the_users_lines() {
    let (descriptor, n) = every_combination();
    let project = tempfile::tempdir().unwrap();
    let dir = project.path();
    std::fs::write(dir.join("upwire.toml"), &descriptor).unwrap();
    std::fs::write(
        dir.join(".gitignore"),
        ".env\n.env*.local\n.dev.vars\n*.env\n",
    )
    .unwrap();
    std::fs::copy(root().join("examples/example.env"), dir.join("example.env")).unwrap();
    let env_files = [
        ".env",
        ".env.local",
        ".dev.vars",
        "supabase/functions/.env",
        "fly-secrets.env",
    ];
    let user = "# my local secrets\nSTRIPE_KEY=sk_test_abc123\n";
    for t in 1..=n {
        for f in env_files {
            let path = dir.join(format!("t{t}")).join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, user).unwrap();
        }
    }
    let gen_ = run(upwire()
        .current_dir(dir)
        .args(["--env-file", "example.env", "generate"]));
    assert_eq!(code(&gen_), 0, "{}", transcript(&gen_, dir));
    let mut merged = 0;
    for t in 1..=n {
        for f in env_files {
            let path = dir.join(format!("t{t}")).join(f);
            let text = std::fs::read_to_string(&path).unwrap();
            if text == user {
                continue;
            }
            merged += 1;
            assert!(
                text.starts_with(user),
                "t{t}/{f} lost the user's lines:\n{text}\n(target: {})",
                descriptor
                    .split(&format!("[target.t{t}]\n"))
                    .nth(1)
                    .and_then(|s| s.split("\n\n").next())
                    .unwrap_or("")
            );
            assert!(
                text.contains("UPSTASH_REDIS_") || text.contains("REDIS_URL"),
                "t{t}/{f}"
            );
        }
    }
    assert!(merged >= n, "{merged} env files written for {n} targets");
}

/// The env files a target's framework and platform read are read by default, in the target's
/// folder: `wrangler dev`'s `.dev.vars` for a Worker (with or without a framework), a Next.js
/// app's `web/.env.local`. A value missing from them is said to go into the file the target
/// reads, not a `.env` nobody reads.
#[test]
fn the_env_files_a_target_reads_are_read_in_its_folder() {
    let token = "AXpwAAIncDE0ZjMwYzBmNmUzYzQ0ZmI3OWVmNTNlYjQwZTRhN2U1NnAxMjA1MjQ";
    let url = "https://eu1-tidy-cat-12345.upstash.io";
    let database = "[database.main]\nrest_url = \"${UPSTASH_REDIS_REST_URL}\"\nrest_token = \"${UPSTASH_REDIS_REST_TOKEN}\"\n";
    for (target, env_file) in [
        (
            "kind = \"edge\"\nplatform = \"cloudflare\"\nframework = \"hono\"\n",
            ".dev.vars",
        ),
        ("kind = \"edge\"\nplatform = \"cloudflare\"\n", ".dev.vars"),
        (
            "kind = \"edge\"\nplatform = \"cloudflare\"\nframework = \"sveltekit\"\n",
            ".dev.vars",
        ),
        (
            "kind = \"lambda\"\nplatform = \"vercel\"\nframework = \"nextjs\"\ndir = \"web\"\n",
            "web/.env.local",
        ),
    ] {
        let project = tempfile::tempdir().unwrap();
        let dir = project.path();
        std::fs::write(
            dir.join("upwire.toml"),
            format!("{database}\n[target.app]\n{target}"),
        )
        .unwrap();
        let path = dir.join(env_file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, format!("UPSTASH_REDIS_REST_URL={url}\n")).unwrap();
        // The token is missing: the help names the file the target reads.
        let lint = run(upwire().current_dir(dir).args(["lint"]));
        let err = String::from_utf8_lossy(&lint.stderr);
        assert_eq!(code(&lint), 1, "{}", transcript(&lint, dir));
        assert!(
            err.contains("`${UPSTASH_REDIS_REST_TOKEN}` is not set")
                && !err.contains("`${UPSTASH_REDIS_REST_URL}` is not set"),
            "{target}: {}",
            transcript(&lint, dir)
        );
        if env_file != ".dev.vars" || target.contains("hono") || !target.contains("framework") {
            assert!(
                err.contains(&format!("set it in `{env_file}`")),
                "{target}: {}",
                transcript(&lint, dir)
            );
        }
        std::fs::write(
            &path,
            format!("UPSTASH_REDIS_REST_URL={url}\nUPSTASH_REDIS_REST_TOKEN={token}\n"),
        )
        .unwrap();
        let lint = run(upwire().current_dir(dir).args(["lint"]));
        assert_eq!(code(&lint), 0, "{target}: {}", transcript(&lint, dir));
    }
}

/// A Cloudflare edge target without a framework gets the starter of the language its folder
/// is written in: a `package.json` without a `Cargo.toml` is a TypeScript Worker
/// (`src/redis.ts` over `@upstash/redis/cloudflare`), a `Cargo.toml` a workers-rs one.
#[test]
fn a_worker_without_framework_gets_the_starter_of_its_language() {
    for (manifest, starter, not) in [
        ("package.json", "src/redis.ts", "src/redis_client.rs"),
        ("Cargo.toml", "src/redis_client.rs", "src/redis.ts"),
    ] {
        let project = tempfile::tempdir().unwrap();
        let dir = project.path();
        std::fs::write(
            dir.join("upwire.toml"),
            format!("{DATABASE}\n[target.w]\nkind = \"edge\"\nplatform = \"cloudflare\"\n"),
        )
        .unwrap();
        std::fs::write(dir.join(".gitignore"), ".env\n.dev.vars\n").unwrap();
        std::fs::write(dir.join(manifest), "").unwrap();
        std::fs::copy(root().join("examples/example.env"), dir.join("example.env")).unwrap();
        let gen_ = run(upwire()
            .current_dir(dir)
            .args(["--env-file", "example.env", "generate"]));
        assert_eq!(code(&gen_), 0, "{}", transcript(&gen_, dir));
        assert!(
            dir.join(starter).is_file() && !dir.join(not).exists(),
            "{manifest}: {}",
            transcript(&gen_, dir)
        );
    }
}
