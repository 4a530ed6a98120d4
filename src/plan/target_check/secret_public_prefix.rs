//! `secret-public-prefix` for a target: its `env_prefix` (or its platform's, Expo's
//! `EXPO_PUBLIC_`) puts the TCP password or the full token into a client bundle. The same
//! code for an env file's variables is the endpoint check `endpoint::check::public_prefix`.

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
        && let Some(span) = span
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
    }
}
