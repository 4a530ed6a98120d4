//! `secret-public-prefix` for a target: its `env_prefix` (or its platform's, Expo's
//! `EXPO_PUBLIC_`) puts the TCP password or the full token into a client bundle. The same
//! code for an env file's variables is the endpoint lint `endpoint::lints::public_prefix`.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::family::public_prefix;
use crate::model::{Access, Transport};
use crate::plan::{Facts, TargetPlan};

pub(super) fn run(facts: &Facts<'_>, plan: &mut TargetPlan, out: &mut Vec<Diagnostic>) {
    let Some(transport) = facts.transport else {
        return;
    };
    let t = facts.target;
    let span = t
        .env_prefix
        .as_ref()
        .map(|f| f.span.clone())
        .or_else(|| t.platform.as_ref().map(|p| p.span.clone()));
    if let Some(public) = public_prefix(&format!("{}X", plan.env_prefix))
        && let Some(span) = span.clone()
        && (transport == Transport::Tcp || facts.access == Access::ReadWrite)
    {
        let what = if transport == Transport::Tcp {
            "the TCP URL with its password"
        } else {
            "the full-access REST token"
        };
        out.push(
            Diagnostic::new(
                Code::SecretPublicPrefix,
                format!("`{public}` puts {what} of target `{}` into the client bundle", t.name),
            )
            .at(facts.source, span)
            .help("use the REST transport with `access = \"read-only\"`, or drop the public prefix and keep the secret on a server"),
        );
    } else if let Some(public) = public_prefix(&format!("{}X", plan.env_prefix))
        && let Some(span) = span
        && transport == Transport::Rest
        && let Some(token) = facts
            .database_plan
            .and_then(|p| p.values.token_for(facts.access, false))
        && crate::parse::token_facts(token.expose_secret()).is_some_and(|f| !f.read_only)
    {
        // The read-only token's value whose first byte says standard (not documented by
        // Upstash, read from public examples): `generate` would ship full access. An error,
        // so that nothing is written for the target.
        out.push(
            Diagnostic::new(
                Code::SecretPublicPrefix,
                format!(
                    "`{public}` would put a token into the client bundle of target `{}` that appears to be the standard, full-access one",
                    t.name
                ),
            )
            .at(facts.source, span)
            .help("set `rest_readonly_token` to the console's read-only token (REST API section, \"Read-Only Token\"); a token's first byte appears to say which it is: 1 standard, 2 read-only"),
        );
    }
}
