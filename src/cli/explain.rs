//! `upwire explain`.

use super::*;

pub(super) fn explain(cli: &Cli, id: Option<&str>) -> Result<u8, Error> {
    let Some(id) = id else {
        return list(cli);
    };
    // Ids are lower-case with hyphens; `TLS-REQUIRED` and `tls_required` name the same code.
    let ids = crate::explain_ids();
    let normal = id.trim().to_ascii_lowercase().replace('_', "-");
    let found = ids.iter().copied().find(|known| *known == normal);
    // Not an id: the text of an error message a client printed.
    let found = found
        .and_then(|id| Some((id, crate::explain(id)?)))
        .map_or_else(|| crate::explain::explain_pasted(id), Ok);
    let (id, text) = match found {
        Ok(found) => found,
        Err(closest) => {
            // A word close to an id gets that id; anything else the closest messages.
            let one_word = !id.trim().contains(char::is_whitespace);
            let hint = did_you_mean(&normal, &ids)
                .filter(|_| one_word)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            let closest = closest
                .iter()
                .filter(|_| hint.is_empty())
                .map(|m| format!("\n  {m}"))
                .collect::<String>();
            // Only a near-miss of an id is quoted back: anything else may be a secret.
            let what = if !hint.is_empty() {
                format!("no rule or diagnostic code named `{}`{hint}", id.trim())
            } else {
                "no rule, diagnostic code or known error message matches the text".to_owned()
            };
            return Err(Error::Usage(format!(
                "{what}; `upwire explain` lists them all{}{closest}",
                if closest.is_empty() {
                    ""
                } else {
                    ". Closest known error messages:"
                }
            )));
        }
    };
    #[derive(serde::Serialize)]
    struct Explained<'a> {
        id: &'a str,
        text: &'a str,
    }
    Report::new(Explained { id, text: &text }).print(cli.format, || {
        let _ = write!(stdout(), "{text}");
    });
    Ok(0)
}

/// `upwire explain` alone: every rule, diagnostic code and topic, as text or as one JSON
/// document (`rules`, `codes`, `topics`: docs/json.md).
fn list(cli: &Cli) -> Result<u8, Error> {
    #[derive(serde::Serialize)]
    struct Entry {
        id: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        severity: Option<String>,
        summary: String,
    }
    #[derive(serde::Serialize)]
    struct Listed {
        rules: Vec<Entry>,
        codes: Vec<Entry>,
        topics: Vec<Entry>,
    }
    let entry = |id, severity, summary| Entry {
        id,
        severity,
        summary,
    };
    let listed = Listed {
        rules: crate::rule::RULES
            .iter()
            .map(|r| entry(r.id(), None, r.summary().to_string()))
            .collect(),
        codes: crate::code::Code::ALL
            .iter()
            .map(|c| {
                entry(
                    c.name(),
                    Some(c.default_severity().to_string()),
                    c.summary().to_string(),
                )
            })
            .collect(),
        topics: vec![entry(
            "framework",
            None,
            "what each framework runs as, reads and gets (`framework = \"...\"`)".to_owned(),
        )],
    };
    Report::new(&listed).print(cli.format, || {
        let mut out = stdout();
        let mut section = |title: &str, entries: &[Entry], first: bool| {
            let _ = writeln!(out, "{}{title}:", if first { "" } else { "\n" });
            for e in entries {
                match &e.severity {
                    Some(severity) => {
                        let _ = writeln!(out, "  {:<26}{severity:<8} {}", e.id, e.summary);
                    }
                    None => {
                        let _ = writeln!(out, "  {:<26}{}", e.id, e.summary);
                    }
                }
            }
        };
        section("rules", &listed.rules, true);
        section("diagnostic codes", &listed.codes, false);
        section("topics", &listed.topics, false);
    });
    Ok(0)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    /// clap's own consistency checks, over every subcommand: they are built lazily
    /// (`defer`), so a mistake in one would otherwise show only when that one runs.
    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    /// With `defer`, building a subcommand applies its `Args` struct's doc comment over the
    /// variant's: `upwire --help` (unbuilt) and `upwire check --help` (built) must agree.
    #[test]
    fn every_subcommand_keeps_its_one_line_help() {
        let about = |command: &clap::Command| {
            command
                .get_subcommands()
                // Building adds clap's own `help` subcommand.
                .filter(|sub| sub.get_name() != "help")
                .map(|sub| {
                    (
                        sub.get_name().to_owned(),
                        sub.get_about().map(ToString::to_string),
                    )
                })
                .collect::<Vec<_>>()
        };
        let listed = about(&Cli::command());
        let mut built = Cli::command();
        built.build();
        assert_eq!(listed, about(&built));
        assert!(
            listed.iter().all(|(_, about)| about.is_some()),
            "{listed:?}"
        );
    }
}
