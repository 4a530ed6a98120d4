//! `readonly-tcp`: a read-only target over TCP with a user that has full access.

use super::database_span;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{Access, Transport};
use crate::plan::{Facts, TargetPlan};

pub(super) fn run(facts: &Facts<'_>, _: &mut TargetPlan, out: &mut Vec<Diagnostic>) {
    if facts.transport == Some(Transport::Tcp)
        && facts.access == Access::ReadOnly
        && let Some(url) = facts.database_plan.and_then(|p| p.redis_url.as_ref())
        && url.username != "default_ro"
    {
        out.push(
            Diagnostic::new(
                Code::ReadonlyTcp,
                format!(
                    "target `{}` is read-only but connects as `{}`, which has full access",
                    facts.target.name, url.username
                ),
            )
            .at(facts.source, database_span(facts))
            .help("use the `default_ro` user in redis_url, or the REST transport with the read-only token"),
        );
    }
}
