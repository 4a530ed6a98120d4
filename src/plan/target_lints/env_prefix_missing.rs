//! `env-prefix-missing`: a database field reads a Vercel Marketplace name behind a custom
//! prefix (`${STORAGE_KV_REST_API_URL}`: the integration was given `STORAGE_`), but the target
//! has no `env_prefix`, so `generate` would write, and its starter read, the un-prefixed
//! name (`KV_REST_API_URL`), which the integration never sets in the Vercel project.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::family::{Family, composed};
use crate::plan::{Facts, TargetPlan};

pub(super) fn run(facts: &Facts<'_>, plan: &mut TargetPlan, out: &mut Vec<Diagnostic>) {
    let Some(db) = facts.database else {
        return;
    };
    if !plan.env_prefix.is_empty() {
        return;
    }
    let fields = db.fields();
    for (field, text) in fields {
        let Some(text) = text else { continue };
        // Exactly `${NAME}`, NAME a Marketplace name behind a prefix that is not public.
        let raw = text.raw.trim();
        let Some(name) = raw.strip_prefix("${").and_then(|r| r.strip_suffix('}')) else {
            continue;
        };
        let Some(known) = composed(name) else {
            continue;
        };
        if known.variable.family != Family::Marketplace
            || known.prefix.is_empty()
            || known.public.is_some()
        {
            continue;
        }
        // The variable the target writes for that role, under another name.
        let Some(written) = plan.env.iter().find(|v| {
            v.name != name
                && composed(&v.name).is_some_and(|k| k.variable.role == known.variable.role)
        }) else {
            continue;
        };
        out.push(
            Diagnostic::new(
                Code::EnvPrefixMissing,
                format!(
                    "`{field}` reads `{raw}`, but target `{}` has no `env_prefix`: `generate` would write `{}` and its starter read it, a name the Vercel Marketplace integration does not set",
                    crate::project_path::escape_controls(&facts.target.name),
                    written.name
                ),
            )
            .at(facts.source, text.span.clone())
            .help(format!(
                "add `env_prefix = \"{}\"` to target `{}`, so that `generate` writes and the starter reads `{name}`",
                known.prefix,
                crate::project_path::escape_controls(&facts.target.name)
            )),
        );
        return;
    }
}
