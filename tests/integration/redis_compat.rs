//! upwire's TCP URL check against the parser of the `redis` crate (1.x): whatever upwire calls
//! valid, a Rust client must accept, and both must read the same host, port, database, user
//! and TLS setting from it. (upwire may be stricter: it rejects URLs the crate would take.)

use std::path::Path;

use redis::{ConnectionAddr, IntoConnectionInfo};
use upwire::internal::parse::validate_redis_url;

use crate::support::root;

/// Edge cases, with whether upwire accepts them (warnings allowed).
const EDGE_CASES: &[(&str, bool)] = &[
    ("redis://localhost", true),
    ("redis://localhost/", true),
    ("redis://localhost:6380", true),
    ("redis://localhost:65535", true),
    ("redis://127.0.0.1:6379/0", true),
    ("redis://127.0.0.1:6379/15", true),
    ("redis://redis.internal:6379/0/", true),
    ("redis://[::1]", true),
    ("redis://[::1]:6379", true),
    ("rediss://[2001:db8::7]:6380/2", true),
    ("redis://[0:0:0:0:0:0:0:1]:6379", true),
    (
        "rediss://default:ATA5%40b%23c%2Fd@eu1-tidy-cat-12345.upstash.io:6379",
        true,
    ),
    (
        "rediss://default:ATA5%25%20x@eu1-tidy-cat-12345.upstash.io",
        true,
    ),
    (
        "rediss://default_ro:AjA5cmVhZC1vbmx5@eu1-tidy-cat-12345.upstash.io:6379",
        true,
    ),
    ("redis://:devpassword@localhost:6379", true),
    ("redis://app%40corp:pw@localhost:6379", true),
    ("redis://only-user@localhost:6379", true),
    (
        "rediss://default:ATA5@eu1-tidy-cat-12345.upstash.io:6379?protocol=resp3",
        true,
    ),
    ("redis://localhost:6379/?protocol=resp2", true),
    ("redis://localhost:6379/0?protocol=3", true),
    ("redis://localhost:6379?protocol=2&db=4", true),
    ("redis://default:pw@fly-shop-db.upstash.io:6379", true),
    (
        "REDISS://default:ATA5@EU1-Tidy-Cat-12345.upstash.io:6379",
        true,
    ),
    // upwire rejects these; the crate may or may not.
    ("redis://localhost:0", false),
    ("redis://localhost:70000", false),
    ("redis://localhost:", false),
    ("redis://localhost:6379/db1", false),
    ("rediss://localhost:6379/#insecure", false),
    (
        "rediss://default:p@ss@eu1-tidy-cat-12345.upstash.io:6379",
        false,
    ),
    (
        "rediss://default:ATA5@eu1-tidy-cat-12345.upstash.io:6379/3",
        false,
    ),
    (
        "redis://default:ATA5@eu1-tidy-cat-12345.upstash.io:6379",
        false,
    ),
    ("https://eu1-tidy-cat-12345.upstash.io", false),
    ("valkey://localhost:6379", false),
    ("redis://", false),
    // The crate refuses these, so upwire must too.
    ("redis://localhost:6379/?protocol=resp4", false),
    ("redis://localhost:6379?protocol=", false),
    ("redis://0.0.0.0:6379", false),
    ("redis://[::]:6379", false),
    (
        "rediss://default:%FF%FE@eu1-tidy-cat-12345.upstash.io:6379",
        false,
    ),
    ("redis://us%C3er:pw@localhost:6379", false),
];

/// Every TCP URL in the fixtures and examples, variables resolved.
fn fixture_urls() -> Vec<String> {
    let mut urls = Vec::new();
    let mut env = upwire::internal::Env::default();
    env.add_file(&root().join("tests/fixtures/codes/fixture.env"))
        .expect("fixture.env parses");
    let dirs = [root().join("tests/fixtures/codes"), root().join("examples")];
    for dir in &dirs {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .expect("readable")
            .map(|e| e.expect("entry").path())
            // Files only: `examples/ci/` holds CI files, no URLs to compare.
            .filter(|p| p.is_file())
            .collect();
        paths.sort();
        for path in paths {
            urls.extend(urls_in(&path, &env));
        }
    }
    urls
}

fn urls_in(path: &Path, env: &upwire::internal::Env) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("fixtures are UTF-8");
    let source = upwire::internal::SourceFile::new(path.display().to_string(), text.clone());
    match path.extension().and_then(|e| e.to_str()) {
        Some("toml") => upwire::internal::descriptor::Descriptor::parse(source, env)
            .0
            .map(|d| {
                d.databases
                    .into_iter()
                    .filter_map(|db| db.redis_url.and_then(|t| t.value))
                    .collect()
            })
            .unwrap_or_default(),
        Some("env") => upwire::internal::envfile::scan(&text)
            .into_iter()
            .filter_map(|line| match line.kind {
                upwire::internal::envfile::LineKind::Entry(e)
                    if e.key.ends_with("REDIS_URL") || e.key.ends_with("KV_URL") =>
                {
                    Some(e.value)
                }
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// What the crate read from a URL: TLS, host, port, db, user (`None` when empty).
fn crate_view(url: &str) -> Result<(bool, String, u16, i64, Option<String>), String> {
    let info = url.into_connection_info().map_err(|e| e.to_string())?;
    let (tls, host, port) = match info.addr() {
        ConnectionAddr::Tcp(host, port) => (false, host.clone(), *port),
        ConnectionAddr::TcpTls { host, port, .. } => (true, host.clone(), *port),
        other => return Err(format!("not a TCP address: {other:?}")),
    };
    let settings = info.redis_settings();
    Ok((
        tls,
        host,
        port,
        settings.db(),
        settings.username().map(str::to_owned),
    ))
}

fn settings_password_is_none(url: &str) -> bool {
    url.into_connection_info()
        .is_ok_and(|i| i.redis_settings().password().is_none())
}

fn check(url: &str) -> Result<bool, String> {
    let (ours, findings) = validate_redis_url(url);
    let Some(ours) = ours else { return Ok(false) };
    let theirs = crate_view(url).map_err(|e| {
        format!("upwire accepts `{url}` ({findings:?}), the redis crate refuses it: {e}")
    })?;
    let (tls, host, port, db, mut user) = theirs;
    // Fly's printed form `redis://<password>@fly-*`: upwire reads the lone user part as the
    // password (user `default`), the crate as a user name without a password, and
    // `empty-username` warns about exactly that difference.
    if findings.iter().any(|f| f.code.name() == "empty-username")
        && settings_password_is_none(url)
        && host.starts_with("fly-")
    {
        user = None;
    }
    let mine = (
        ours.tls,
        ours.host.as_str(),
        ours.port,
        ours.db,
        ours.username.as_str(),
    );
    let crates = (
        tls,
        host.as_str(),
        port,
        db,
        user.as_deref().unwrap_or("default"),
    );
    if mine != crates {
        return Err(format!(
            "`{url}`: upwire reads {mine:?}, the redis crate {crates:?}"
        ));
    }
    Ok(true)
}

#[test]
fn every_fixture_url_upwire_accepts_the_redis_crate_accepts_alike() {
    let urls = fixture_urls();
    assert!(
        urls.len() >= 20,
        "found only {} TCP URLs: {urls:?}",
        urls.len()
    );
    let mut valid = 0;
    let mut problems = Vec::new();
    for url in &urls {
        match check(url) {
            Ok(true) => valid += 1,
            Ok(false) => {}
            Err(e) => problems.push(e),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The fixtures are mostly broken on purpose, but the ones that resolve cleanly must count.
    assert!(valid >= 8, "only {valid} fixture URLs were valid");
}

#[test]
fn edge_cases_agree_with_the_redis_crate() {
    let mut problems = Vec::new();
    for (url, expect_valid) in EDGE_CASES {
        match check(url) {
            Ok(valid) if valid == *expect_valid => {}
            Ok(valid) => problems.push(format!(
                "`{url}`: upwire says {}, the table says {}",
                if valid { "valid" } else { "invalid" },
                if *expect_valid { "valid" } else { "invalid" },
            )),
            Err(e) => problems.push(e),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_crate_refuses_what_the_table_says_it_refuses() {
    // Keeps the last block of EDGE_CASES honest: these are there because the crate rejects them.
    for url in [
        "redis://localhost:6379/?protocol=resp4",
        "redis://localhost:6379?protocol=",
        "redis://0.0.0.0:6379",
        "redis://[::]:6379",
        "rediss://default:%FF%FE@eu1-tidy-cat-12345.upstash.io:6379",
        "redis://us%C3er:pw@localhost:6379",
    ] {
        assert!(crate_view(url).is_err(), "the redis crate accepts {url}");
    }
    assert!(
        crate_view("rediss://localhost:6379").is_ok_and(|v| v.0),
        "TLS parses"
    );
}
