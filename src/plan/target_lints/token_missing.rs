//! `token-missing`: a REST target whose database has no token for its access.

use super::database_span;
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::Transport;
use crate::plan::{Facts, TargetPlan};

pub(super) fn run(facts: &Facts<'_>, plan: &mut TargetPlan, out: &mut Vec<Diagnostic>) {
    let (Some(Transport::Rest), Some(db)) = (facts.transport, facts.database) else {
        return;
    };
    let (token, field) = crate::endpoint::token_field(db, facts.access);
    if token.is_some() {
        return;
    }
    plan.lacks_transport = true;
    let role = if field == "rest_token" {
        crate::endpoint::Role::Token
    } else {
        crate::endpoint::Role::ReadonlyToken
    };
    let var = crate::family::name_of(crate::family::Family::Upstash, role);
    out.push(
        Diagnostic::new(
            Code::TokenMissing,
            format!(
                "target `{}` uses REST with {} access, but database `{}` has no `{field}`",
                facts.target.name, facts.access, db.name
            ),
        )
        .at(facts.source, database_span(facts))
        .help(format!(
            "add `{field} = \"${{{var}}}\"` to [database.{}]; the token is in the console's REST API section",
            db.name
        )),
    );
}
