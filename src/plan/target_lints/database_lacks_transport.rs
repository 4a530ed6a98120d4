//! `database-lacks-transport`: the rules chose a transport whose URL the database lacks.

use super::database_span;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::Transport;
use crate::plan::{Facts, TargetPlan};

pub(super) fn run(facts: &Facts<'_>, plan: &mut TargetPlan, out: &mut Vec<Diagnostic>) {
    let (Some(transport), Some(db)) = (facts.transport, facts.database) else {
        return;
    };
    let (missing, field, example) = match transport {
        Transport::Tcp => (
            db.redis_url.is_none(),
            "redis_url",
            "rediss://default:****@<host>:6379",
        ),
        Transport::Rest => (db.rest_url.is_none(), "rest_url", "https://<host>"),
    };
    if !missing {
        return;
    }
    plan.lacks_transport = true;
    out.push(
        Diagnostic::new(
            Code::DatabaseLacksTransport,
            format!(
                "target `{}` uses {transport}, but database `{}` has no `{field}`",
                facts.target.name, db.name
            ),
        )
        .help(format!(
            "add `{field} = \"...\"` ({example}) to [database.{}]",
            db.name
        ))
        .at(facts.source, database_span(facts)),
    );
}
