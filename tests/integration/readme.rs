//! The README and the Markdown pages around it: the README stays the newcomer's page (short,
//! its two commands the ones that work), and every relative link in the pages resolves.
//!
//! The tables of codes, rules and platform files live in `docs/`, rendered from the code and
//! held by `reference::tests::docs_tables_are_current`; they are not checked here again.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::support::{code, root, run, upwire_at_root};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The README's first command, `cargo run --release -- ARGS`: its `ARGS`.
fn first_command(readme: &str) -> Vec<String> {
    let line = readme
        .lines()
        .find(|l| l.starts_with("cargo run --release -- "))
        .expect("README.md's first command, `cargo run --release -- ...`");
    line["cargo run --release -- ".len()..]
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

#[test]
fn readme_is_a_short_page() {
    let words = read(&root().join("README.md")).split_whitespace().count();
    assert!(
        words < 3000,
        "README.md has {words} words: it is the newcomer's page; move reference text into docs/"
    );
}

/// The README says what upwire reads from a token and that the format is undocumented, so
/// that a newcomer reads its findings as the guesses they are.
#[test]
fn readme_says_what_a_token_is_read_for() {
    let readme = read(&root().join("README.md"));
    let flat = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    for words in [
        "the first says standard (1) or read-only (2)",
        "the database number at the end of its host name",
        "Upstash does not document this format",
        "warnings worded \"appears to\"",
        "(docs/diagnostics.md#what-a-token-says-about-itself)",
    ] {
        assert!(flat.contains(words), "README.md lacks {words:?}");
    }
}

#[test]
fn readme_first_command_resolves_the_bundled_example() {
    let readme = read(&root().join("README.md"));
    let args = first_command(&readme);
    assert!(args.iter().any(|a| a == "resolve"), "{args:?}");
    let output = run(upwire_at_root().args(&args).args(["--color", "never"]));
    assert_eq!(
        code(&output),
        0,
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(" → tcp") && stdout.contains(" → rest"),
        "{stdout}"
    );
}

/// `.ci/run` runs the test command the README gives, line by line.
#[test]
fn readme_test_command_is_the_one_ci_runs() {
    let readme = read(&root().join("README.md"));
    assert!(
        readme.contains("\nbash .ci/run\n"),
        "README.md lacks `bash .ci/run`"
    );
    let ci = read(&root().join(".ci/run"));
    let start = ci
        .find("(the README's test command)")
        .expect(".ci/run's test step");
    // The step's commands, after its comments and the tier variable it exports.
    let lines: Vec<&str> = ci[start..]
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with("echo ") && !l.trim().is_empty())
        .filter(|l| !l.starts_with('#'))
        .collect();
    let (exports, step): (Vec<&str>, Vec<&str>) =
        lines.iter().partition(|l| l.starts_with("export "));
    assert!(!step.is_empty());
    let command = step.join(" && ");
    assert!(
        readme.contains(&format!("`{command}`")),
        "README.md should give the test command .ci/run runs: `{command}`"
    );
    // CI runs the full tier, and the README says how.
    assert_eq!(exports, ["export UPWIRE_TEST_ALL=1"], "{lines:?}");
    assert!(
        readme.contains("UPWIRE_TEST_ALL=1"),
        "README.md names the full tier"
    );
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces as `-`.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The lines of a Markdown file outside fenced code blocks.
fn prose(text: &str) -> Vec<&str> {
    let mut fenced = false;
    text.lines()
        .filter(|l| {
            if l.trim_start().starts_with("```") {
                fenced = !fenced;
                return false;
            }
            !fenced
        })
        .collect()
}

/// The anchors of a Markdown file's headings (a repeated heading gets `-1`, `-2`, ...).
fn anchors(text: &str) -> HashSet<String> {
    let mut seen = HashSet::new();
    for line in prose(text) {
        let Some(heading) = line.strip_prefix('#') else {
            continue;
        };
        let heading = heading.trim_start_matches('#');
        if !heading.starts_with(' ') {
            continue;
        }
        let base = slug(heading);
        let mut anchor = base.clone();
        let mut n = 0;
        while !seen.insert(anchor.clone()) {
            n += 1;
            anchor = format!("{base}-{n}");
        }
    }
    seen
}

/// The targets of the inline links `[text](target)` outside code (fences and spans).
fn links(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in prose(text) {
        // Drop inline code spans, which may hold `](` of their own.
        let mut plain = String::new();
        for (i, part) in line.split('`').enumerate() {
            if i % 2 == 0 {
                plain.push_str(part);
            }
        }
        let mut rest = plain.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            found.push(after[..end].to_owned());
            rest = &after[end..];
        }
    }
    found
}

/// README.md, the other top-level Markdown pages and every page under docs/.
fn pages() -> Vec<PathBuf> {
    let root = root();
    let mut pages: Vec<PathBuf> = [
        "README.md",
        "ARCHITECTURE.md",
        "SECURITY.md",
        "BENCHMARKS.md",
    ]
    .iter()
    .map(|p| root.join(p))
    .filter(|p| p.is_file())
    .collect();
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs/")
        .map(|e| e.expect("docs/ entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
}

#[test]
fn relative_links_in_the_pages_resolve() {
    let mut broken = Vec::new();
    let mut checked = 0;
    for page in pages() {
        let text = read(&page);
        for target in links(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let (path, anchor) = target.split_once('#').unwrap_or((&target, ""));
            let file = if path.is_empty() {
                page.clone()
            } else {
                page.parent().expect("a folder").join(path)
            };
            if !file.exists() {
                broken.push(format!("{}: {target}: no such file", page.display()));
                continue;
            }
            if !anchor.is_empty() {
                let is_markdown = file.extension().is_some_and(|e| e == "md");
                if !is_markdown || !anchors(&read(&file)).contains(anchor) {
                    broken.push(format!("{}: {target}: no such heading", page.display()));
                }
            }
        }
    }
    assert!(checked > 0, "no relative link was found");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn slugs_follow_github() {
    assert_eq!(
        slug(" `upwire check`: prove the login"),
        "upwire-check-prove-the-login"
    );
    assert_eq!(slug(" What a `v*` tag produces"), "what-a-v-tag-produces");
    assert_eq!(
        slug(" Railway, Render, Deno Deploy and Supabase"),
        "railway-render-deno-deploy-and-supabase"
    );
    let text = "# A\n```\n# not a heading\n```\n## A\n";
    assert_eq!(
        anchors(text),
        HashSet::from(["a".to_owned(), "a-1".to_owned()])
    );
    assert_eq!(links("[x](a.md#b) `[y](c.md)`"), vec!["a.md#b".to_owned()]);
}

/// SECURITY.md names the test that holds each promise (`tests/integration/x.rs`, or
/// `x.rs: test_name`, `x.rs: prefix_*`, `x.rs: module::*`): every file it names exists and
/// every test it names is in that file, so a renamed file or test cannot leave a promise
/// held by nothing.
#[test]
fn security_md_names_files_and_tests_that_exist() {
    let text = std::fs::read_to_string(root().join("SECURITY.md")).unwrap();
    let mut checked = 0;
    let mut missing = Vec::new();
    for quoted in text.split('`').skip(1).step_by(2) {
        let (file, item) = match quoted.split_once(": ") {
            Some((file, item)) => (file, Some(item)),
            None => (quoted, None),
        };
        if !file.ends_with(".rs") || file.contains(' ') {
            continue;
        }
        let path = if file.starts_with("tests/") || file.starts_with("fuzz/") {
            root().join(file)
        } else if file.contains('/') && item.is_none() {
            // `src/redis_client.rs` and the like also name files of a generated crate.
            continue;
        } else if file.contains('/') {
            root().join(file)
        } else if item.is_some() {
            let test = root().join("tests/integration").join(file);
            if test.exists() {
                test
            } else {
                root().join("src").join(file)
            }
        } else {
            // A bare file name without a test (`build.rs`, a generated file) names no test.
            continue;
        };
        let Ok(source) = std::fs::read_to_string(&path) else {
            missing.push(format!("`{quoted}`: no file {}", path.display()));
            continue;
        };
        checked += 1;
        if let Some(item) = item {
            let found = if let Some(module) = item.strip_suffix("::*") {
                source.contains(&format!("mod {module} "))
            } else if let Some(prefix) = item.strip_suffix('*') {
                source.contains(&format!("fn {prefix}"))
            } else {
                source.contains(&format!("fn {item}("))
            };
            if !found {
                missing.push(format!(
                    "`{quoted}`: no test `{item}` in {}",
                    path.display()
                ));
            }
        }
    }
    assert!(
        checked >= 40,
        "only {checked} references found in SECURITY.md"
    );
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// The official suite's count in the README and in docs/development.md is the one the list of
/// expected failures gives: `.ci/redisjs` fails CI on any failure not listed and reports a listed
/// test that passes, so the list is what serve does, and the pages follow it.
#[test]
fn the_official_suite_count_follows_the_expected_failures() {
    const TOTAL: usize = 831; // upstash/redis-js at 777dc305, as `.ci/redisjs` says
    const SKIPPED_BY_THE_SUITE: usize = 2;
    let listed = read(&root().join("compat/redisjs-expected-failures.tsv"))
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .count();
    let passing = TOTAL - listed - SKIPPED_BY_THE_SUITE;
    for page in ["README.md", "docs/development.md"] {
        let text = read(&root().join(page))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let claim = format!("{passing} of {TOTAL}");
        assert!(
            text.contains(&format!("{claim} tests of the official"))
                || text.contains(&format!("{claim} official tests pass")),
            "{page} must say \"{claim} ...\": the expected-failures list has {listed} tests"
        );
    }
}
