//! `upwire init`: a commented descriptor from an askama template.

use askama::Template;

use crate::model::{Kind, Platform};

#[derive(Debug)]
struct InitTarget {
    name: &'static str,
    kind: &'static str,
    platform: Option<&'static str>,
    note: &'static str,
    /// Its own directory when there are several targets: two targets in one directory would
    /// overwrite each other's files (`dir-conflict`).
    dir: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "upwire.toml.txt", escape = "none")]
struct InitTemplate<'a> {
    project: &'a str,
    targets: Vec<InitTarget>,
}

fn target_for(kind: Kind) -> InitTarget {
    let (name, platform, note) = kind.init_example();
    InitTarget {
        name,
        kind: kind.as_str(),
        platform: platform.map(Platform::as_str),
        note,
        dir: None,
    }
}

/// Renders the commented descriptor with one target per kind (a server when `kinds` is empty).
#[must_use]
pub(crate) fn render_init(project: &str, kinds: &[Kind]) -> String {
    let mut kinds = kinds.to_vec();
    if kinds.is_empty() {
        kinds.push(Kind::Server);
    }
    kinds.dedup();
    let several = kinds.len() > 1;
    let template = InitTemplate {
        project,
        targets: kinds
            .into_iter()
            .map(target_for)
            .map(|mut t| {
                if several {
                    t.dir = Some(t.name);
                }
                t
            })
            .collect(),
    };
    template
        .render()
        .unwrap_or_else(|e| format!("# template error: {e}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::SourceFile;
    use crate::interpolate::Env;

    #[test]
    fn the_written_descriptor_resolves_cleanly_for_every_kind() {
        let text = render_init("shop", Kind::ALL);
        let env = Env::from_pairs([
            (
                "UPSTASH_REDIS_URL",
                "rediss://default:AXpw@eu1-cat.upstash.io:6379",
            ),
            ("UPSTASH_REDIS_REST_URL", "https://eu1-cat.upstash.io"),
            ("UPSTASH_REDIS_REST_TOKEN", "AXtoken"),
            ("UPSTASH_REDIS_REST_READONLY_TOKEN", "AoReadonly"),
        ]);
        let r = crate::plan::resolve(SourceFile::new("upwire.toml", text), &env);
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
        assert_eq!(r.plan.targets.len(), 5);
    }
}
