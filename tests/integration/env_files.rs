//! `lint` on real env files: keys set twice (`duplicate-key`) and an env file compared with
//! its `.env.example` (`env-example-drift`), given together or found beside each other. Values
//! never appear in the output, not even of a file that was only found.

use std::path::Path;

use crate::support::test::Test;
use crate::support::{all_output, code, json, lint};

const CANARY: &str = "CanaryDriftSecret0123456789";

/// The (code, file, line) of each diagnostic in a JSON lint run.
fn found(dir: &Path, args: &[&str]) -> Vec<(String, String, u64)> {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let out = lint(dir, &all);
    assert!(!all_output(&out).contains(CANARY), "{}", all_output(&out));
    json(&out)["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["file"].as_str().unwrap_or_default().to_owned(),
                d["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write");
}

fn drift(file: &str, line: u64) -> (String, String, u64) {
    ("env-example-drift".to_owned(), file.to_owned(), line)
}

#[test]
fn an_env_file_is_compared_with_the_example_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        ".env",
        &format!("# local\nAPP=shop\nSESSION_SECRET={CANARY}\r\nexport ONLY_HERE={CANARY}\n"),
    );
    write(d, ".env.example", "APP=\nSESSION_SECRET=\nNEW_FLAG=\n");
    let expected = [drift(".env", 4), drift(".env.example", 3)];
    // Found beside the given file, whichever of the two is given.
    assert_eq!(found(d, &[".env"]), expected);
    assert_eq!(found(d, &[".env.example"]), expected);
    // Both given: compared once.
    assert_eq!(found(d, &[".env", ".env.example"]), expected);
    let text = lint(d, &[".env"]);
    assert_eq!(code(&text), 0, "warnings only");
    let text = all_output(&text);
    assert!(
        text.contains("`ONLY_HERE` is set in .env but not in .env.example"),
        "{text}"
    );
    assert!(
        text.contains("`NEW_FLAG` is in .env.example but not set in .env"),
        "{text}"
    );
    assert!(!text.contains(CANARY), "{text}");
}

#[test]
fn env_dot_files_fall_back_to_the_shared_example() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, ".env.local", "APP=shop\nEXTRA=1\n");
    write(d, ".env.example", "APP=\n");
    assert_eq!(found(d, &[".env.local"]), [drift(".env.local", 2)]);
    // Its own example, when it has one, wins.
    write(d, ".env.local.example", "APP=\nEXTRA=\n");
    assert_eq!(found(d, &[".env.local"]), []);
    // No example at all: nothing to compare.
    let other = tempfile::tempdir().unwrap();
    write(other.path(), ".env", "APP=shop\n");
    assert_eq!(found(other.path(), &[".env"]), []);
}

#[test]
fn a_found_example_is_masked_and_an_unreadable_one_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, ".env", "APP=shop\n");
    // Someone put a real token into the example: it is shown masked, if at all.
    write(
        d,
        ".env.example",
        &format!("APP=\nUPSTASH_REDIS_REST_TOKEN={CANARY}\n"),
    );
    assert_eq!(found(d, &[".env"]), [drift(".env.example", 2)]);
    let text = all_output(&lint(d, &[".env"]));
    assert!(text.contains("UPSTASH_REDIS_REST_TOKEN=****"), "{text}");
    // A binary example file is not an input the user gave: lint still reads .env.
    std::fs::write(d.join(".env.example"), b"APP=\0\n").unwrap();
    assert_eq!(found(d, &[".env"]), []);
}

#[test]
fn a_key_set_twice_is_reported_at_the_later_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        ".env",
        &format!(
            "REDIS_URL=rediss://default:{CANARY}@eu1-cat.upstash.io:6379\nA=1\nexport REDIS_URL='rediss://default:{CANARY}x@eu1-cat.upstash.io:6379'\nA=2\nA=3\n"
        ),
    );
    let dup = |line| ("duplicate-key".to_owned(), ".env".to_owned(), line);
    assert_eq!(found(d, &[".env"]), [dup(3), dup(4), dup(5)]);
    let text = all_output(&lint(d, &[".env"]));
    assert!(
        text.contains("`A` is set again here; it was first set on line 2"),
        "{text}"
    );
}

#[test]
fn many_files_in_one_folder_are_each_compared_with_their_own_example() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut args: Vec<String> = Vec::new();
    let mut expected = Vec::new();
    for i in 0..60 {
        let name = format!("svc{i:02}.env");
        write(
            d,
            &name,
            &format!("APP=shop\nSESSION_SECRET={CANARY}\nONLY_{i}=1\n"),
        );
        args.push(name.clone());
        if i % 3 == 0 {
            let example = format!("{name}.example");
            write(d, &example, "APP=\nSESSION_SECRET=\n");
            // Half the examples are given too; the others are found beside their file.
            if i % 2 == 0 {
                args.push(example);
            }
            expected.push(drift(&name, 3));
        }
    }
    // A file given again under another spelling is compared once.
    args.push("./svc00.env".to_owned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(found(d, &args), expected);
    let out = lint(d, &args);
    assert_eq!(code(&out), 0, "warnings only");
    let text = all_output(&out);
    assert!(!text.contains(CANARY), "{text}");
    assert!(
        text.contains("`ONLY_57` is set in svc57.env but not in svc57.env.example"),
        "{text}"
    );
    // 71 files given and 10 examples found: three named, the rest counted.
    let last = text.lines().last().unwrap_or_default();
    assert_eq!(
        last,
        "warning: 20 warnings in svc00.env, svc00.env.example, svc01.env and 78 more files"
    );
    // Four files are still all named.
    let out = all_output(&lint(
        d,
        &["svc01.env", "svc02.env", "svc04.env", "svc05.env"],
    ));
    assert_eq!(
        out.lines().last().unwrap_or_default(),
        "ok: no problems found in svc01.env, svc02.env, svc04.env, svc05.env"
    );
}

fn mismatch(file: &str, line: u64) -> (String, String, u64) {
    ("family-mismatch".to_owned(), file.to_owned(), line)
}

/// A file's own two URLs are compared only where the app reads that pair: when a file that
/// wins over it (`.env.local` over `.env`) overrides one of them, the pair in `.env` is never
/// read together and its own mismatch is withdrawn; where no file overrides it (another
/// mode), it stands.
#[test]
fn a_files_own_mismatch_is_withdrawn_where_another_file_overrides_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fine = "UPSTASH_REDIS_REST_URL=https://eu1-fine-cat-12345.upstash.io\n";
    write(
        d,
        ".env",
        "UPSTASH_REDIS_REST_URL=https://old-db-1.upstash.io\nKV_REST_API_URL=https://eu1-fine-cat-12345.upstash.io\n",
    );
    // `.env` alone: its own pair is what the app reads.
    assert_eq!(found(d, &[]), [mismatch(".env", 2)]);
    write(d, ".env.local", fine);
    assert_eq!(found(d, &[]), []);
    // Overridden in development only: production still reads `.env`'s pair.
    std::fs::remove_file(d.join(".env.local")).unwrap();
    write(d, ".env.development.local", fine);
    write(d, ".env.production", "OTHER=1\n");
    assert_eq!(found(d, &[".env", ".env.development.local"]), []);
    assert_eq!(
        found(d, &[".env", ".env.development.local", ".env.production"]),
        [mismatch(".env", 2)]
    );
    // A host written fully qualified (`host.`) is the same host.
    write(
        d,
        ".env",
        "UPSTASH_REDIS_REST_URL=https://eu1-fine-cat-12345.upstash.io.\nKV_REST_API_URL=https://eu1-fine-cat-12345.upstash.io\n",
    );
    assert_eq!(found(d, &[".env"]), []);
}

/// The env files a framework loads together from one folder are one set for
/// `family-mismatch`: the warning is at the Marketplace's URL, which `Redis.fromEnv()`
/// ignores, and names the file of the one it uses; files of other modes are other sets.
#[test]
fn families_are_compared_across_the_env_files_loaded_together() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        ".env",
        "UPSTASH_REDIS_REST_URL=https://equipped-owl-22028.upstash.io\n",
    );
    write(
        d,
        ".env.local",
        &format!("KV_REST_API_URL=https://tidy-cat-12345.upstash.io\nKV_REST_API_TOKEN={CANARY}\n"),
    );
    // Without a descriptor (the folder's files), and given by name.
    assert_eq!(found(d, &[]), [mismatch(".env.local", 1)]);
    assert_eq!(
        found(d, &[".env", ".env.local"]),
        [mismatch(".env.local", 1)]
    );
    let text = all_output(&lint(d, &[]));
    assert!(
        text.contains("`KV_REST_API_URL` in .env.local points at `tidy-cat-12345.upstash.io` but `UPSTASH_REDIS_REST_URL` in .env at `equipped-owl-22028.upstash.io`"),
        "{text}"
    );
    // With a Next.js descriptor, which reads `.env.local` beside it.
    write(
        d,
        "upwire.toml",
        "[target.web]\nkind = \"lambda\"\nframework = \"nextjs\"\n",
    );
    assert!(
        found(d, &[]).contains(&mismatch(".env.local", 1)),
        "{:?}",
        found(d, &[])
    );
    std::fs::remove_file(d.join("upwire.toml")).unwrap();
    // The same database in both: nothing.
    write(
        d,
        ".env.local",
        "KV_REST_API_URL=https://equipped-owl-22028.upstash.io\n",
    );
    assert_eq!(found(d, &[]), []);
    // Files of two modes are not loaded together.
    std::fs::remove_file(d.join(".env.local")).unwrap();
    std::fs::remove_file(d.join(".env")).unwrap();
    write(
        d,
        ".env.production",
        "UPSTASH_REDIS_REST_URL=https://equipped-owl-22028.upstash.io\n",
    );
    write(
        d,
        ".env.development",
        "KV_REST_API_URL=https://tidy-cat-12345.upstash.io\n",
    );
    assert_eq!(found(d, &[".env.production", ".env.development"]), []);
}

/// A descriptor given to `lint` by path is opened as `-c` opens it: the env files beside it
/// resolve its `${NAME}`s, whichever folder `lint` runs in.
#[test]
fn a_descriptor_given_by_path_reads_the_env_files_beside_it() {
    let descriptor =
        "[database.main]\nredis_url = \"${REDIS_URL}\"\n\n[target.api]\nkind = \"server\"\n";
    let env = "REDIS_URL=rediss://default:AbCdEf0123456789abcdef0123456789@equipped-owl-22028.upstash.io:6379\n";
    for args in [
        &["lint", "sub/upwire.toml"][..],
        &["-c", "sub/upwire.toml", "lint"],
    ] {
        Test::new()
            .file("sub/upwire.toml", descriptor)
            .file("sub/.env", env)
            .args(args)
            .status(0)
            .stderr_contains("note: reading sub/.env next to sub/upwire.toml")
            .run();
    }
    // Two descriptors, each with its own `.env`: neither borrows the other's.
    Test::new()
        .file("a/upwire.toml", descriptor)
        .file("a/.env", env)
        .file("b/upwire.toml", descriptor)
        .args(["lint", "a/upwire.toml", "b/upwire.toml"])
        .status(1)
        .stderr_contains("--> b/upwire.toml:2:14")
        .run();
}

/// An ordinary Rails/Django/Next `.env`: Redis variables of the app's own (a socket, a
/// Sentinel, Heroku's, a local KV service) and unrelated ones. None is an Upstash variable,
/// so `lint` finds nothing and `fix` renames nothing; a descriptor's `env_prefix` (here
/// without `_`) and an Upstash value still make names read.
#[test]
fn an_ordinary_apps_env_file_gets_no_finding() {
    let ordinary = "DATABASE_URL=postgres://app:pw@localhost:5432/app\n\
                    SENTRY_DSN=https://abc@o1.ingest.sentry.io/1\n\
                    NEXT_PUBLIC_API_URL=https://api.example.com\n\
                    CELERY_BROKER_REDIS_URL=redis://localhost:6379/0\n\
                    ANALYTICS_REDIS_URL=unix:///var/run/redis.sock\n\
                    SENTINEL_REDIS_URL=redis+sentinel://host:26379/mymaster\n\
                    HEROKU_REDIS_URL=rediss://:p@ec2-1-2-3-4.compute-1.amazonaws.com:6379\n\
                    MY_KV_URL=http://localhost:8080\n\
                    STATS_KV_URL=https://example.com/kv\n\
                    SHOPKV_URL=https://x.example.com\n";
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, ".env", ordinary);
    assert_eq!(found(d, &[".env"]), []);
    let fixed = crate::support::run_in(d, &[], &["fix", ".env"]);
    assert_eq!(code(&fixed), 0, "{}", all_output(&fixed));
    assert_eq!(std::fs::read_to_string(d.join(".env")).unwrap(), ordinary);

    // The Marketplace's names behind its custom prefix, and a generic name whose value is an
    // Upstash host, are read beside them.
    let marketplace = "STORAGE_KV_REST_API_URL=rediss://default:pw@eu1-cat-1.upstash.io:6379\n\
                       STORAGE_KV_REST_API_TOKEN=\"Bearer AXtok\"\n\
                       cache_REDIS_URL=https://eu1-cat-1.upstash.io\n";
    write(d, ".env", &format!("{ordinary}{marketplace}"));
    let codes: Vec<String> = found(d, &[".env"]).into_iter().map(|f| f.0).collect();
    assert_eq!(
        codes,
        [
            "redis-url-in-rest-url",
            "token-has-bearer-prefix",
            "rest-url-in-redis-url"
        ]
    );

    // A descriptor declaring `env_prefix = "SHOP"`: every name behind it in the `.env`
    // beside it is read, `SHOPUPSTASH_REDIS_REST_URL` (its port found) and now `SHOPKV_URL`
    // too (line 10: an https URL in a TCP URL variable); the other lines stay the app's own.
    write(
        d,
        "upwire.toml",
        "[database.main]\nrest_url = \"${SHOPUPSTASH_REDIS_REST_URL}\"\nrest_token = \"${SHOPUPSTASH_REDIS_REST_TOKEN}\"\n\n[target.web]\nkind = \"server\"\nenv_prefix = \"SHOP\"\n",
    );
    write(
        d,
        ".env",
        &format!(
            "{ordinary}SHOPUPSTASH_REDIS_REST_URL=https://equipped-owl-22028.upstash.io:6379\nSHOPUPSTASH_REDIS_REST_TOKEN=AXtok\n"
        ),
    );
    // Found beside the descriptor, or named on the command line in either order: the env
    // file is read behind the prefix of a descriptor given after it too.
    let orders: [&[&str]; 3] = [&[], &[".env", "upwire.toml"], &["upwire.toml", ".env"]];
    for args in orders {
        let at_env: Vec<(String, u64)> = found(d, args)
            .into_iter()
            .filter(|f| f.1 == ".env")
            .map(|f| (f.0, f.2))
            .collect();
        assert_eq!(
            at_env,
            [
                ("rest-url-in-redis-url".to_owned(), 10),
                ("rest-url-has-port".to_owned(), 11)
            ],
            "{args:?}"
        );
    }
}

/// A host written fully qualified (`x.upstash.io.`, with the trailing dot DNS and TLS take
/// as the same host) is still Upstash's: `redis://` to it is `tls-required`, and it is the
/// same host as the REST URL's spelling without the dot (no `host-mismatch`).
#[test]
fn a_fully_qualified_upstash_host_is_the_same_host() {
    let dir = tempfile::tempdir().expect("dir");
    let password = format!("AX{CANARY}");
    write(
        dir.path(),
        ".env",
        &format!(
            "REDIS_URL=redis://default:{password}@eu1-fine-cat-12345.upstash.io.:6379\n\
             UPSTASH_REDIS_REST_URL=https://eu1-fine-cat-12345.upstash.io\n"
        ),
    );
    let codes = |dir: &Path| -> Vec<String> {
        found(dir, &[".env"])
            .into_iter()
            .map(|(c, _, _)| c)
            .collect()
    };
    assert_eq!(codes(dir.path()), ["tls-required"]);
    // The console's host, fully qualified, is still the console; a host that is only the
    // dot is no host.
    for (text, code) in [
        (
            "UPSTASH_REDIS_REST_URL=https://console.upstash.com./\n",
            "rest-url-not-endpoint",
        ),
        ("UPSTASH_REDIS_REST_URL=https://./\n", "invalid-url"),
        (
            &*format!("REDIS_URL=rediss://default:{password}@.:6379\n"),
            "invalid-url",
        ),
    ] {
        write(dir.path(), ".env", text);
        assert_eq!(codes(dir.path()), [code], "{text}");
    }
}

/// Given every file of a Python, Ruby, Go or Rust project (a glob, a hook without a `files:`
/// filter), `lint` skips the package managers' manifests and lockfiles by name and says what
/// each is: `pyproject.toml`'s `[project]` is PEP 621's, not a descriptor's, and a
/// `requirements.txt`, a `Pipfile` or a lockfile is no `KEY=VALUE` list. The env file beside
/// them is still checked.
#[test]
fn manifests_and_lockfiles_are_skipped_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let files = [
        (
            "pyproject.toml",
            "[project]\nname = \"worker\"\ndependencies = [\"upstash-redis\"]\n",
            "a package manifest",
        ),
        (
            "requirements.txt",
            "flask==3.0\nredis==5.0.1\n",
            "a pip requirements file",
        ),
        (
            "requirements/dev.txt",
            "pytest\n",
            "a pip requirements file",
        ),
        (
            "Pipfile",
            "[packages]\nflask = \"*\"\n",
            "a package manifest",
        ),
        ("Pipfile.lock", "{\"_meta\": {}}\n", "a lockfile"),
        (
            "poetry.lock",
            "[[package]]\nname = \"redis\"\n",
            "a lockfile",
        ),
        ("uv.lock", "version = 1\n", "a lockfile"),
        (
            "Cargo.lock",
            "version = 4\n\n[[package]]\nname = \"a\"\n",
            "a lockfile",
        ),
        (
            "yarn.lock",
            "# yarn lockfile v1\n\n\"@upstash/redis@^1.35.0\":\n  version \"1.35.0\"\n",
            "a lockfile",
        ),
        ("Gemfile", "gem 'rails'\n", "a package manifest"),
        ("Gemfile.lock", "GEM\n  specs:\n", "a lockfile"),
        ("go.mod", "module x\n\ngo 1.22\n", "a package manifest"),
        ("go.sum", "x v1 h1:abc=\n", "a lockfile"),
    ];
    let mut args = Vec::new();
    for (name, text, _) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        args.push(name);
    }
    std::fs::write(dir.join(".env"), "REDIS_URL=redis://h.upstash.io:6379\n").unwrap();
    args.push(".env");
    let out = lint(dir, &args);
    let said = all_output(&out);
    for (name, _, what) in files {
        assert!(
            said.contains(&format!("note: skipped `{name}`: {what}, neither")),
            "{name}\n{said}"
        );
    }
    // The env file is read: its plain `redis://` to Upstash is `tls-required`.
    assert_eq!(code(&out), 1, "{said}");
    assert!(
        said.contains("tls-required") && said.contains(".env:1"),
        "{said}"
    );
}
