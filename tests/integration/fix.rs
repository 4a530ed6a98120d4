//! `upwire fix`: each kind of fix through the binary, every other byte kept (CRLF,
//! comments, `export `, a BOM, other keys, the file's mode, a symlink), idempotence, lint
//! after fix, `--dry-run` (nothing written, a diff without secrets), what cannot be fixed
//! (still reported, exit 1), and the files that cannot be written (exit 2).

use std::path::Path;

use crate::support::{all_output, code, json, run, transcript, upwire};

/// Passwords and tokens in the fixtures: never in any output.
const CANARIES: &[&str] = &["CanaryFixPass", "CanaryFixToken", "CanaryFixFly"];

fn fix(dir: &Path, args: &[&str]) -> std::process::Output {
    let out = run(upwire()
        .current_dir(dir)
        .args(["fix", "--color", "never"])
        .args(args));
    let all = all_output(&out);
    for canary in CANARIES {
        assert!(!all.contains(canary), "{canary} shown:\n{all}");
    }
    out
}

fn lint_codes(dir: &Path, file: &str) -> Vec<String> {
    let out = run(upwire()
        .current_dir(dir)
        .args(["lint", "--format", "json", file]));
    json(&out)["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).expect("read")
}

/// Each fix kind: (what lint reports, the line before, the line after `fix`).
const KINDS: &[(&str, &str, &str)] = &[
    (
        "tls-required",
        "REDIS_URL=redis://default:CanaryFixPass@eu1-cat.upstash.io:6379",
        "REDIS_URL=rediss://default:CanaryFixPass@eu1-cat.upstash.io:6379",
    ),
    (
        "tls-unavailable",
        "REDIS_URL=rediss://default:CanaryFixFly@fly-cat.upstash.io:6379",
        "REDIS_URL=redis://default:CanaryFixFly@fly-cat.upstash.io:6379",
    ),
    (
        "rest-url-in-redis-url",
        "REDIS_URL=https://eu1-cat.upstash.io",
        "UPSTASH_REDIS_REST_URL=https://eu1-cat.upstash.io",
    ),
    (
        "whitespace-in-value",
        "UPSTASH_REDIS_REST_TOKEN=\" AXCanaryFixToken \"",
        "UPSTASH_REDIS_REST_TOKEN=\"AXCanaryFixToken\"",
    ),
    (
        "whitespace-in-value",
        "UPSTASH_REDIS_REST_URL='\"https://eu1-cat.upstash.io\"'",
        "UPSTASH_REDIS_REST_URL='https://eu1-cat.upstash.io'",
    ),
    (
        "token-has-bearer-prefix",
        "UPSTASH_REDIS_REST_TOKEN=Bearer AXCanaryFixToken",
        "UPSTASH_REDIS_REST_TOKEN=AXCanaryFixToken",
    ),
    (
        "invalid-url",
        "REDIS_URL=rediss://default:CanaryFixPass@/?#1@eu1-cat.upstash.io:6379",
        "REDIS_URL=rediss://default:CanaryFixPass%40%2F%3F%231@eu1-cat.upstash.io:6379",
    ),
    (
        "empty-username",
        "REDIS_URL=rediss://:CanaryFixPass@eu1-cat.upstash.io:6379",
        "REDIS_URL=rediss://default:CanaryFixPass@eu1-cat.upstash.io:6379",
    ),
    (
        "empty-username",
        "REDIS_URL=redis://CanaryFixFly@fly-cat.upstash.io:6379",
        "REDIS_URL=redis://default:CanaryFixFly@fly-cat.upstash.io:6379",
    ),
    (
        "empty-username",
        "REDIS_URL=redis://CanaryFixFly@fly-cat.upstash.io",
        "REDIS_URL=redis://default:CanaryFixFly@fly-cat.upstash.io:6379",
    ),
    (
        "rest-url-has-port",
        "UPSTASH_REDIS_REST_URL=https://eu1-cat.upstash.io:6379",
        "UPSTASH_REDIS_REST_URL=https://eu1-cat.upstash.io",
    ),
    (
        "rest-url-has-port",
        "UPSTASH_REDIS_REST_URL=https://eu1-cat.upstash.io:443/",
        "UPSTASH_REDIS_REST_URL=https://eu1-cat.upstash.io",
    ),
    (
        "nonzero-database",
        "REDIS_URL=rediss://default:CanaryFixPass@eu1-cat.upstash.io:6379/2",
        "REDIS_URL=rediss://default:CanaryFixPass@eu1-cat.upstash.io:6379",
    ),
    (
        "rest-url-insecure",
        "UPSTASH_REDIS_REST_URL=http://eu1-cat.upstash.io",
        "UPSTASH_REDIS_REST_URL=https://eu1-cat.upstash.io",
    ),
    (
        "rest-url-has-path",
        "UPSTASH_REDIS_REST_URL=https://eu1-cat.upstash.io/get/foo",
        "UPSTASH_REDIS_REST_URL=https://eu1-cat.upstash.io",
    ),
    (
        "rest-url-has-path",
        "UPSTASH_REDIS_REST_URL=https://eu1-cat.upstash.io/",
        "UPSTASH_REDIS_REST_URL=https://eu1-cat.upstash.io",
    ),
    ("duplicate-key", "PORT=3000\nPORT=3000", "PORT=3000"),
    (
        "unquoted-trailing-space",
        "UPSTASH_REDIS_REST_TOKEN=AXCanaryFixToken \t ",
        "UPSTASH_REDIS_REST_TOKEN=AXCanaryFixToken",
    ),
];

#[test]
fn each_fix_kind_is_applied_and_lint_then_reports_none_of_it() {
    for (code_name, before, after) in KINDS {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".env"), format!("{before}\n")).unwrap();
        assert!(
            lint_codes(dir.path(), ".env")
                .iter()
                .any(|c| c == code_name),
            "lint does not report {code_name} for {before}"
        );
        let out = fix(dir.path(), &[".env"]);
        assert_eq!(code(&out), 0, "{before}: {}", all_output(&out));
        assert_eq!(
            read(dir.path(), ".env"),
            format!("{after}\n"),
            "{code_name}"
        );
        assert!(
            lint_codes(dir.path(), ".env").is_empty(),
            "{before}: lint after fix: {:?}",
            lint_codes(dir.path(), ".env")
        );
    }
}

/// Comments, order, CRLF, `export `, a BOM, other keys and the mode: only the fixed bytes change.
#[test]
fn every_other_byte_is_kept_and_a_second_run_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let before = "\u{feff}# app settings\r\nexport REDIS_URL=redis://default:CanaryFixPass@eu1-cat.upstash.io:6379 # prod\r\n\r\n  SESSION_SECRET='s3cret'  # kept\r\nexport UPSTASH_REDIS_REST_TOKEN=\"Bearer AXCanaryFixToken\"\r\nLOG_LEVEL=info";
    let after = "\u{feff}# app settings\r\nexport REDIS_URL=rediss://default:CanaryFixPass@eu1-cat.upstash.io:6379 # prod\r\n\r\n  SESSION_SECRET='s3cret'  # kept\r\nexport UPSTASH_REDIS_REST_TOKEN=\"AXCanaryFixToken\"\r\nLOG_LEVEL=info";
    let path = dir.path().join(".env");
    std::fs::write(&path, before).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let out = fix(dir.path(), &[".env"]);
    assert_eq!(code(&out), 0, "{}", all_output(&out));
    assert_eq!(read(dir.path(), ".env"), after);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }
    let again = fix(dir.path(), &[".env"]);
    assert_eq!(code(&again), 0);
    assert!(
        all_output(&again).contains("nothing to fix"),
        "{}",
        all_output(&again)
    );
    assert_eq!(read(dir.path(), ".env"), after);
    // Only the BOM note is left.
    assert_eq!(lint_codes(dir.path(), ".env"), ["bom"]);
}

/// A dry run writes nothing and prints the diff, each secret masked (snapshot reviewed).
#[test]
fn dry_run_writes_nothing_and_its_diff_shows_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let before = "# app\nREDIS_URL=redis://default:CanaryFixPass#1@eu1-cat.upstash.io:6379\nUPSTASH_REDIS_REST_TOKEN=Bearer AXCanaryFixToken\nKV_URL=https://eu1-cat.upstash.io\nPORT=3000\nPORT=3000\nLOG_LEVEL=info\n";
    std::fs::write(dir.path().join(".env"), before).unwrap();
    let out = fix(dir.path(), &["--dry-run", ".env"]);
    assert_eq!(code(&out), 0, "{}", all_output(&out));
    assert_eq!(read(dir.path(), ".env"), before);
    crate::snapshots!("dry_run", transcript(&out, dir.path()));
    let out = fix(dir.path(), &["--dry-run", "--format", "json", ".env"]);
    let doc = json(&out);
    assert_eq!(doc["dry_run"], true);
    let fixes: Vec<(String, u64)> = doc["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        fixes,
        [
            ("invalid-url".to_owned(), 2),
            ("token-has-bearer-prefix".to_owned(), 3),
            ("rest-url-in-redis-url".to_owned(), 4),
            ("duplicate-key".to_owned(), 6),
            ("tls-required".to_owned(), 2),
        ]
    );
    assert_eq!(doc["files"][0]["changed"], true);
    assert_eq!(doc["files"][0]["written"], false);
    assert_eq!(doc["diagnostics"], serde_json::json!([]));
    assert_eq!(read(dir.path(), ".env"), before);
}

/// What has no concrete fix stays reported as lint reports it, and the file keeps it.
#[test]
fn what_cannot_be_fixed_stays_reported_with_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    // No password (never invented), a placeholder, two different values for one key, and a
    // REST URL whose variable is taken.
    let text = "REDIS_URL=rediss://eu1-cat.upstash.io:6379\nUPSTASH_REDIS_REST_TOKEN=<TOKEN>\nPORT=3000\nPORT=4000\nKV_URL=https://eu1-cat.upstash.io\nKV_REST_API_URL=https://eu1-cat.upstash.io\n";
    std::fs::write(dir.path().join(".env"), text).unwrap();
    let out = fix(dir.path(), &[".env"]);
    assert_eq!(code(&out), 1, "{}", all_output(&out));
    assert_eq!(read(dir.path(), ".env"), text);
    let all = all_output(&out);
    for c in [
        "missing-password",
        "placeholder-value",
        "duplicate-key",
        "rest-url-in-redis-url",
    ] {
        assert!(all.contains(&format!("[{c}]")), "{c} not reported:\n{all}");
    }
    assert!(all.contains("nothing to fix"), "{all}");
    let doc = json(&fix(dir.path(), &["--format", "json", ".env"]));
    assert_eq!(doc["fixes"], serde_json::json!([]));
    assert_eq!(doc["diagnostics"].as_array().unwrap().len(), 4, "{doc}");
}

#[test]
fn a_missing_or_read_only_file_is_exit_2_with_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = fix(dir.path(), &["nope.env"]);
    assert_eq!(code(&out), 2);
    assert!(all_output(&out).contains("`nope.env` does not exist"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let text = "REDIS_URL=redis://default:CanaryFixPass@eu1-cat.upstash.io:6379\n";
        let path = dir.path().join(".env");
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        let out = fix(dir.path(), &[".env"]);
        assert_eq!(code(&out), 2, "{}", all_output(&out));
        assert!(
            all_output(&out).contains("read-only"),
            "{}",
            all_output(&out)
        );
        assert_eq!(read(dir.path(), ".env"), text);
        // A dry run only reads.
        assert_eq!(code(&fix(dir.path(), &["--dry-run", ".env"])), 0);
    }
}

/// A symlink stays one and the file it leads to is fixed, as `generate` writes through links.
#[cfg(unix)]
#[test]
fn a_symlink_is_kept_and_its_target_fixed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("real.env"),
        "REDIS_URL=redis://default:CanaryFixPass@eu1-cat.upstash.io:6379\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("real.env", dir.path().join(".env")).unwrap();
    let out = fix(dir.path(), &[".env"]);
    assert_eq!(code(&out), 0, "{}", all_output(&out));
    assert!(
        std::fs::symlink_metadata(dir.path().join(".env"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(read(dir.path(), "real.env").contains("rediss://"));
}

/// Without FILE, the files lint reads: the descriptor and every `--env-file`.
#[test]
fn without_files_the_descriptor_and_env_files_are_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let toml = "# the database\n[database.main]\nredis_url = \"redis://default:CanaryFixPass@eu1-cat.upstash.io:6379\"\n\n[target.api]\nkind = \"server\"\n";
    std::fs::write(dir.path().join("upwire.toml"), toml).unwrap();
    std::fs::write(dir.path().join("app.env"), "PORT=1\nPORT=1\n").unwrap();
    let out = fix(dir.path(), &["--env-file", "app.env"]);
    assert_eq!(code(&out), 0, "{}", all_output(&out));
    assert_eq!(
        read(dir.path(), "upwire.toml"),
        toml.replace("redis://", "rediss://")
    );
    assert_eq!(read(dir.path(), "app.env"), "PORT=1\n");
}
