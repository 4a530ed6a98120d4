//! `transport = "..."` in the target overrides the kind, unless the kind cannot use it.

use std::borrow::Cow;
use std::sync::LazyLock;

use super::{Decision, Rule, RuleInput};
use crate::capability::Use;
use crate::code::Code;
use crate::descriptor::Field;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Framework, Need, Transport};

/// The explicit override.
#[derive(Debug)]
pub(super) struct ExplicitTransport;

impl Rule for ExplicitTransport {
    fn id(&self) -> &'static str {
        "explicit-transport"
    }

    fn summary(&self) -> &'static str {
        "target sets transport → that transport, unless impossible (then transport-unavailable)"
    }

    fn explanation(&self) -> &'static str {
        static TEXT: LazyLock<String> = LazyLock::new(|| {
            format!(
                "`transport = \"tcp\"` or `transport = \"rest\"` in a target overrides every other rule. \
Use it when you know better than the kind: a container platform that scales to zero may prefer \
REST; a Lambda with provisioned concurrency may prefer TCP. An override that cannot work is \
rejected with `transport-unavailable`: TCP on a mobile app, TCP on an edge runtime (only a \
warning on Cloudflare, whose Workers can open TCP sockets with `connect()`), REST for a \
target that needs {} (a BullMQ, Celery or Sidekiq worker does), and REST for a Python or \
Ruby framework, whose client (redis-py under django-redis, kombu, redis-rb) speaks the Redis \
protocol only.",
                crate::capability::describe_tcp_only_needs("or")
            )
        });
        &TEXT
    }

    fn decide(&self, input: &RuleInput<'_>, out: &mut Vec<Diagnostic>) -> Option<Decision> {
        let field = input.target.transport.as_ref()?;
        let at = |d: Diagnostic| d.at(input.source, field.span.clone());
        match input.kind.can_use(field.value, input.platform) {
            Use::No { why, help } => {
                out.push(at(Diagnostic::new(
                    Code::TransportUnavailable,
                    format!("target `{}` is {why}", input.target.name),
                )
                .help(help)));
                return None;
            }
            Use::Caveat(what) => {
                out.push(at(Diagnostic::new(
                    Code::TransportUnavailable,
                    format!(
                        "target `{}` forces {} on {what}",
                        input.target.name,
                        field.value.as_str().to_ascii_uppercase()
                    ),
                )
                .severity(Severity::Warning)
                .help(
                    "remove `transport` to use REST, which works in every Worker without flags",
                )));
                return Some(Decision {
                    transport: field.value,
                    reason:
                        "tcp: set by `transport = \"tcp\"`; Cloudflare Workers can open TCP sockets"
                            .into(),
                });
            }
            Use::Yes => {}
        }
        match field.value {
            Transport::Rest if needs_tcp(input) => {
                out.push(at(Diagnostic::new(
                    Code::TransportUnavailable,
                    format!(
                        "target `{}` needs {}, which the REST API does not offer",
                        input.target.name,
                        tcp_needs(input)
                    ),
                )
                .help(match framework_needing_tcp(input) {
                    Some(f) => format!(
                        "remove `transport = \"rest\"`: {} connects over TCP and has no REST client",
                        f.value
                    ),
                    None => "remove `transport = \"rest\"`, or remove the need from `needs`".to_owned(),
                })));
                None
            }
            Transport::Rest
                if input
                    .target
                    .framework
                    .as_ref()
                    .is_some_and(|f| !f.value.facts().speaks_rest()) =>
            {
                let framework = input.target.framework.as_ref().map(|f| f.value);
                out.push(at(Diagnostic::new(
                    Code::TransportUnavailable,
                    format!(
                        "target `{}` is {} code, whose Redis client speaks the Redis protocol over TCP only",
                        input.target.name,
                        framework.map_or("", |f| f.as_str())
                    ),
                )
                .help(format!("remove `transport = \"rest\"`: the framework reads the TCP URL (`{}`)", crate::family::REDIS_URL))));
                None
            }
            t => Some(Decision {
                transport: t,
                reason: format!("{t}: set by `transport = \"{t}\"` in the target"),
            }),
        }
    }
}

/// The needs of the target: its `needs = [...]` and those its framework implies (a job
/// queue's workers wait in blocking commands, `src/framework.rs`).
fn all_needs(input: &RuleInput<'_>) -> Vec<Need> {
    let mut needs: Vec<Need> = input.target.needs.iter().map(|n| n.value).collect();
    if let Some(f) = &input.target.framework {
        needs.extend(f.value.facts().needs.iter().copied());
    }
    needs
}

/// Whether the target needs something only TCP offers.
pub(super) fn needs_tcp(input: &RuleInput<'_>) -> bool {
    all_needs(input).iter().any(|n| n.needs_tcp())
}

/// The framework whose client needs TCP, when the need comes from it and not from `needs`.
pub(super) fn framework_needing_tcp<'a>(input: &RuleInput<'a>) -> Option<&'a Field<Framework>> {
    if input.target.needs.iter().any(|n| n.value.needs_tcp()) {
        return None;
    }
    input
        .target
        .framework
        .as_ref()
        .filter(|f| f.value.facts().needs.iter().any(|n| n.needs_tcp()))
}

/// The needs that only TCP can serve, as prose, with the framework they come from when they
/// are not in `needs` ("blocking commands (BLPOP, ...) for its bullmq workers").
pub(super) fn tcp_needs(input: &RuleInput<'_>) -> Cow<'static, str> {
    let what = crate::capability::tcp_only_needs(&all_needs(input));
    match framework_needing_tcp(input) {
        Some(f) => Cow::Owned(format!("{what} for its {} workers", f.value)),
        None => what,
    }
}
