//! The README's tables and SECURITY.md's test references are hand-written; these tests keep
//! them in step with the code.

use upwire::internal::Code;
use upwire::internal::rule::RULES;

use crate::support::root;

fn readme() -> String {
    std::fs::read_to_string(super::support::root().join("README.md")).expect("README.md")
}

#[test]
fn readme_lists_every_diagnostic_code_with_its_severity() {
    let text = readme();
    for code in Code::ALL {
        let row = format!("| `{}` | {} |", code.name(), code.default_severity());
        assert!(
            text.contains(&row),
            "README.md lacks the row starting {row}"
        );
    }
}

#[test]
fn readme_lists_every_rule() {
    let text = readme();
    for rule in RULES {
        assert!(
            text.contains(&format!("| `{}` |", rule.id())),
            "README.md lacks rule {}",
            rule.id()
        );
    }
}

#[test]
fn readme_lists_every_platform_file() {
    let text = readme();
    let start = text
        .find("## Generated files")
        .expect("a Generated files section");
    let section = &text[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    for &platform in upwire::internal::model::Platform::ALL {
        for file in platform.files() {
            assert!(
                section.contains(&format!("`{}`", file.path)),
                "README.md's Generated files section lacks {} ({platform})",
                file.path
            );
        }
    }
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
