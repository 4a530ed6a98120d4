//! The README's tables are hand-written; these tests keep them in step with the code.

use upwire::internal::Code;
use upwire::internal::rule::RULES;

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
