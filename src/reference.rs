//! The reference tables of `docs/`, rendered from the tables in the code: diagnostic codes,
//! rules, descriptor values, kinds, platforms, frameworks, variable families, public
//! prefixes and (with the `cli` feature) every command's flags. The Markdown in `docs/`
//! holds each table between `<!-- upwire:begin NAME -->` and `<!-- upwire:end NAME -->`; a
//! unit test renders them again and fails when `docs/` is stale, and
//! `UPWIRE_UPDATE_DOCS=1 cargo test --lib reference` rewrites them. Prose around the markers
//! is hand-written and left alone.

use std::fmt::Write as _;

use crate::code::Code;
use crate::family::{PUBLIC_PREFIXES, Role, VARIABLES};
use crate::framework::TABLE as FRAMEWORKS;
use crate::model::{Kind, Platform, Transport};
use crate::rule::RULES;

/// One generated table: its marker name and its Markdown.
pub(crate) struct Table {
    /// The `NAME` of its markers.
    pub name: String,
    /// The Markdown between them, ending in a newline.
    pub text: String,
}

/// Every table `docs/` holds, by marker name.
#[must_use]
pub(crate) fn tables() -> Vec<Table> {
    let mut tables = vec![
        Table {
            name: "codes".to_owned(),
            text: codes(),
        },
        Table {
            name: "rules".to_owned(),
            text: rules(),
        },
        Table {
            name: "values".to_owned(),
            text: values(),
        },
        Table {
            name: "kinds".to_owned(),
            text: kinds(),
        },
        Table {
            name: "platforms".to_owned(),
            text: platforms(),
        },
        Table {
            name: "platform-files".to_owned(),
            text: platform_files(),
        },
        Table {
            name: "frameworks".to_owned(),
            text: frameworks(),
        },
        Table {
            name: "variables".to_owned(),
            text: variables(),
        },
        Table {
            name: "public-prefixes".to_owned(),
            text: public_prefixes(),
        },
    ];
    #[cfg(feature = "cli")]
    tables.extend(command_tables());
    tables
}

/// A Markdown table cell: variable names filled in (`{var.tcp_url}`, as the tables in the
/// code write them), `|` escaped, line breaks joined.
pub(crate) fn cell(text: &str) -> String {
    crate::family::fill(text)
        .replace('|', "\\|")
        .replace('\n', " ")
}

/// `items` as code spans joined by `sep`, or `—` when there are none.
fn code_list<T: std::fmt::Display>(items: impl IntoIterator<Item = T>, sep: &str) -> String {
    let list: Vec<String> = items.into_iter().map(|i| format!("`{i}`")).collect();
    if list.is_empty() {
        "—".to_owned()
    } else {
        list.join(sep)
    }
}

fn codes() -> String {
    let mut out = String::from("| Code | Severity | Meaning |\n|---|---|---|\n");
    for code in Code::ALL {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            code.name(),
            code.default_severity(),
            cell(code.summary())
        );
    }
    out
}

fn rules() -> String {
    let mut out = String::from("| Order | Rule | When and what it decides |\n|---|---|---|\n");
    for (i, rule) in RULES.iter().enumerate() {
        let _ = writeln!(
            out,
            "| {} | `{}` | {} |",
            i + 1,
            rule.id(),
            cell(rule.summary())
        );
    }
    out
}

fn values() -> String {
    let mut out = String::from("| Field | Values |\n|---|---|\n");
    let target = crate::model::TARGET_VALUES
        .iter()
        .map(|(field, names)| (format!("[target] {field}"), *names));
    let names = ["[project] env_names", "[target] env_names"]
        .map(|field| (field.to_owned(), crate::family::EnvNames::NAMES));
    for (field, names) in target.chain(names) {
        let _ = writeln!(out, "| `{field}` | {} |", code_list(names, ", "));
    }
    out
}

fn kinds() -> String {
    let mut out = String::from(
        "| Kind | TCP | REST | Default `access` | Holds connections | `upwire init` example |\n|---|---|---|---|---|---|\n",
    );
    for &kind in Kind::ALL {
        let usable = |t: Transport| match kind.can_use(t, None) {
            crate::capability::Use::Yes => "yes".to_owned(),
            crate::capability::Use::Caveat(why) => format!("with a caveat: {}", cell(why)),
            crate::capability::Use::No { why, .. } => format!("no: {}", cell(why)),
        };
        let (platform, transport, comment) = kind.init_example();
        let _ = writeln!(
            out,
            "| `{kind}` | {} | {} | `{}` | {} | {}{transport}: {} |",
            usable(Transport::Tcp),
            usable(Transport::Rest),
            kind.default_access(),
            if kind.holds_connections() {
                "yes"
            } else {
                "no"
            },
            platform.map(|p| format!("on `{p}`, ")).unwrap_or_default(),
            cell(comment),
        );
    }
    out
}

fn platforms() -> String {
    let mut out = String::from(
        "| Platform | Kinds it runs | What it runs | Files `generate` writes |\n|---|---|---|---|\n",
    );
    for &platform in Platform::ALL {
        let (kinds, what) = platform.runs();
        let _ = writeln!(
            out,
            "| `{platform}` | {} | {} | {} |",
            code_list(kinds, ", "),
            cell(what),
            code_list(platform.files().iter().map(|f| f.path), ", "),
        );
    }
    out
}

fn platform_files() -> String {
    let mut out =
        String::from("| Platform | File | Secret | What it is for |\n|---|---|---|---|\n");
    for &platform in Platform::ALL {
        for file in platform.files() {
            let _ = writeln!(
                out,
                "| `{platform}` | `{}` | {} | {} |",
                file.path,
                if file.secret { "yes (mode 0600)" } else { "no" },
                cell(file.note),
            );
        }
    }
    out
}

fn frameworks() -> String {
    let mut out = String::from(
        "| Framework | Language | Kinds | Env files read (first wins) | Env file written | TypeScript starter |\n|---|---|---|---|---|---|\n",
    );
    for facts in FRAMEWORKS {
        let _ = writeln!(
            out,
            "| `{}` | {:?} | {} | {} | `{}` | {} |",
            facts.framework,
            facts.language,
            code_list(facts.kinds, ", "),
            code_list(facts.env_files, ", "),
            facts.env_file,
            facts
                .starter
                .map_or_else(|| "—".to_owned(), |(path, _)| format!("`{path}`")),
        );
    }
    out
}

fn role(role: Role) -> &'static str {
    match role {
        Role::TcpUrl => "TCP URL",
        Role::RestUrl => "REST URL",
        Role::Token => "REST token (full access)",
        Role::ReadonlyToken => "REST token (read-only)",
    }
}

fn variables() -> String {
    let mut out = String::from("| Variable | Family | Holds |\n|---|---|---|\n");
    for v in VARIABLES {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            v.name,
            v.family.label(),
            role(v.role)
        );
    }
    out
}

fn public_prefixes() -> String {
    let mut out = String::from("| Prefix |\n|---|\n");
    for prefix in PUBLIC_PREFIXES {
        let _ = writeln!(out, "| `{prefix}` |");
    }
    out
}

// The command line's tables, from clap's definition of it.
#[cfg(feature = "cli")]
/// The commands table and one flags table per command (`flags-NAME`), plus the global flags.
fn command_tables() -> Vec<Table> {
    let mut cli = crate::cli::command();
    // Subcommands are built lazily (`defer`): build them all to see their arguments.
    cli.build();
    let mut commands = String::from("| Command | What it does |\n|---|---|\n");
    let mut tables = Vec::new();
    for sub in cli
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let name = sub.get_name();
        let _ = writeln!(
            commands,
            "| `upwire {name}` | {} |",
            cell(&sub.get_about().map(ToString::to_string).unwrap_or_default())
        );
        let local: Vec<&clap::Arg> = sub.get_arguments().filter(|a| !a.is_global_set()).collect();
        tables.push(Table {
            name: format!("flags-{name}"),
            text: args(&local),
        });
    }
    let global: Vec<&clap::Arg> = cli.get_arguments().filter(|a| a.is_global_set()).collect();
    tables.push(Table {
        name: "flags-global".to_owned(),
        text: args(&global),
    });
    tables.push(Table {
        name: "commands".to_owned(),
        text: commands,
    });
    tables
}

/// One row per argument: how it is spelt, what it does, its default and its variable.
#[cfg(feature = "cli")]
fn args(args: &[&clap::Arg]) -> String {
    let mut out = String::from("| Argument | What it does |\n|---|---|\n");
    let mut any = false;
    for arg in args.iter().filter(|a| !a.is_hide_set()) {
        let id = arg.get_id().as_str();
        if id == "help" || id == "version" {
            continue;
        }
        any = true;
        let value = arg
            .get_value_names()
            .and_then(|v| v.first())
            .map_or_else(|| id.to_uppercase(), ToString::to_string);
        let takes_value = arg.get_action().takes_values();
        let spelling = match (arg.get_short(), arg.get_long()) {
            (Some(s), Some(l)) if takes_value => format!("-{s}, --{l} {value}"),
            (Some(s), Some(l)) => format!("-{s}, --{l}"),
            (None, Some(l)) if takes_value => format!("--{l} {value}"),
            (None, Some(l)) => format!("--{l}"),
            (Some(s), None) => format!("-{s}"),
            (None, None) if arg.is_last_set() => format!("-- {value}..."),
            (None, None) => value.clone(),
        };
        let repeat =
            matches!(arg.get_action(), clap::ArgAction::Append) && arg.get_long().is_some();
        let mut help = arg
            .get_long_help()
            .or(arg.get_help())
            .map(ToString::to_string)
            .unwrap_or_default();
        let possible: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| format!("`{}`", v.get_name()))
            .collect();
        if !help.is_empty() && !help.ends_with('.') {
            help.push('.');
        }
        if takes_value && !possible.is_empty() {
            let _ = write!(help, " Values: {}.", possible.join(", "));
        }
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| format!("`{}`", v.to_string_lossy()))
            .collect();
        if takes_value && !defaults.is_empty() {
            let _ = write!(help, " Default: {}.", defaults.join(", "));
        }
        if let Some(env) = arg.get_env() {
            let _ = write!(help, " Environment: `{}`.", env.to_string_lossy());
        }
        let _ = writeln!(
            out,
            "| `{spelling}`{} | {} |",
            if repeat { " (repeatable)" } else { "" },
            cell(help.trim())
        );
    }
    if !any {
        out = "This command has no arguments of its own.\n".to_owned();
    }
    out
}

/// `text` with the content between each table's markers replaced by the rendered table.
/// Markers naming no table are an error (a renamed or removed table), unless the table is
/// one a feature left out of this build (the commands without `cli`).
pub(crate) fn refresh(text: &str, tables: &[Table]) -> Result<String, String> {
    const BEGIN: &str = "<!-- upwire:begin ";
    const END: &str = "<!-- upwire:end ";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // A marker starts a line: one quoted in prose (`` `<!-- upwire:begin NAME -->` ``) is text.
    let line_start = |text: &str, from: usize, marker: &str| {
        text[from..]
            .match_indices(marker)
            .map(|(i, _)| i + from)
            .find(|&i| i == 0 || text.as_bytes()[i - 1] == b'\n')
    };
    while let Some(start) = line_start(rest, 0, BEGIN) {
        let after = &rest[start + BEGIN.len()..];
        let close = after
            .find(" -->")
            .ok_or_else(|| "an unclosed begin marker".to_owned())?;
        let name = &after[..close];
        let body_start = start + BEGIN.len() + close + " -->".len();
        let end_marker = format!("{END}{name} -->");
        let end = line_start(rest, body_start, &end_marker)
            .ok_or_else(|| format!("no `{end_marker}` at the start of a line"))?;
        out.push_str(&rest[..body_start]);
        match tables.iter().find(|t| t.name == name) {
            Some(table) => {
                out.push('\n');
                out.push_str(&table.text);
            }
            None if cfg!(not(feature = "cli")) => out.push_str(&rest[body_start..end]),
            None => return Err(format!("no table named `{name}`")),
        }
        out.push_str(&end_marker);
        rest = &rest[end + end_marker.len()..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `docs/` holds the tables as the code renders them today, as clippy's lint list is
    /// held: a stale file fails with the diff and the command that brings it up to date.
    #[test]
    fn docs_tables_are_current() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
        let tables = tables();
        let update = std::env::var_os("UPWIRE_UPDATE_DOCS").is_some_and(|v| v == "1");
        let mut used = std::collections::BTreeSet::new();
        let mut stale = Vec::new();
        let mut files: Vec<_> = std::fs::read_dir(&root)
            .expect("docs/")
            .map(|e| e.expect("docs/ entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        files.sort();
        for path in files {
            let text = std::fs::read_to_string(&path).expect("a docs file");
            for t in &tables {
                if text.contains(&format!("\n<!-- upwire:begin {} -->", t.name)) {
                    used.insert(t.name.as_str());
                }
            }
            let fresh =
                refresh(&text, &tables).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            if fresh == text {
                continue;
            }
            if update {
                std::fs::write(&path, fresh).expect("write a docs file");
            } else {
                let diff: Vec<String> = text
                    .lines()
                    .filter(|l| !fresh.lines().any(|f| f == *l))
                    .map(|l| format!("- {l}"))
                    .chain(
                        fresh
                            .lines()
                            .filter(|l| !text.lines().any(|t| t == *l))
                            .map(|l| format!("+ {l}")),
                    )
                    .collect();
                stale.push(format!("{}:\n{}", path.display(), diff.join("\n")));
            }
        }
        assert!(
            stale.is_empty(),
            "docs/ is stale; run `UPWIRE_UPDATE_DOCS=1 cargo test --lib reference` and commit the result\n\n{}",
            stale.join("\n\n")
        );
        let missing: Vec<&str> = tables
            .iter()
            .map(|t| t.name.as_str())
            .filter(|n| !used.contains(n))
            .collect();
        assert!(
            missing.is_empty(),
            "no file in docs/ holds the tables {missing:?}: add `<!-- upwire:begin NAME -->` and `<!-- upwire:end NAME -->` where each belongs"
        );
    }

    #[test]
    fn refresh_replaces_between_markers_only() {
        let tables = [Table {
            name: "t".to_owned(),
            text: "| a |\n".to_owned(),
        }];
        let text = "before\n<!-- upwire:begin t -->\nold\n<!-- upwire:end t -->\nafter\n";
        assert_eq!(
            refresh(text, &tables).unwrap(),
            "before\n<!-- upwire:begin t -->\n| a |\n<!-- upwire:end t -->\nafter\n"
        );
        assert!(refresh("<!-- upwire:begin t -->\n", &tables).is_err());
        if cfg!(feature = "cli") {
            assert!(refresh("<!-- upwire:begin u -->\n<!-- upwire:end u -->", &tables).is_err());
        }
    }
}
