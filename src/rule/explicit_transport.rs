//! `transport = "..."` in the target overrides the kind, unless the kind cannot use it.

use super::{Decision, Rule, RuleInput};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Kind, Need, Platform, Transport};

/// The explicit override.
#[derive(Debug)]
pub struct ExplicitTransport;

impl Rule for ExplicitTransport {
    fn id(&self) -> &'static str {
        "explicit-transport"
    }

    fn summary(&self) -> &'static str {
        "target sets transport → that transport, unless impossible (then transport-unavailable)"
    }

    fn explanation(&self) -> &'static str {
        "`transport = \"tcp\"` or `transport = \"rest\"` in a target overrides every other rule. \
Use it when you know better than the kind: a container platform that scales to zero may prefer \
REST; a Lambda with provisioned concurrency may prefer TCP. An override that cannot work is \
rejected with `transport-unavailable`: TCP on a mobile app, TCP on an edge runtime (only a \
warning on Cloudflare, whose Workers can open TCP sockets with `connect()`), and REST for a \
target that needs blocking commands or WATCH."
    }

    fn decide(&self, input: &RuleInput<'_>, out: &mut Vec<Diagnostic>) -> Option<Decision> {
        let field = input.target.transport.as_ref()?;
        let at = |d: Diagnostic| d.at(input.source, field.span.clone());
        match field.value {
            Transport::Tcp if input.kind == Kind::Mobile => {
                out.push(at(Diagnostic::new(
                    Code::TransportUnavailable,
                    format!(
                        "target `{}` is a mobile app, which cannot use TCP",
                        input.target.name
                    ),
                )
                .help(
                    "remove `transport`: mobile apps use REST with the read-only token",
                )));
                None
            }
            Transport::Tcp if input.kind == Kind::Edge => {
                if input.platform == Some(Platform::Cloudflare) {
                    out.push(at(Diagnostic::new(
                        Code::TransportUnavailable,
                        format!(
                            "target `{}` forces TCP on Cloudflare Workers, which needs `connect()` and the `nodejs_compat` flag",
                            input.target.name
                        ),
                    )
                    .severity(Severity::Warning)
                    .help("remove `transport` to use REST, which works in every Worker without flags")));
                    Some(Decision {
                        transport: Transport::Tcp,
                        reason: "tcp: set by `transport = \"tcp\"`; Cloudflare Workers can open TCP sockets".into(),
                    })
                } else {
                    out.push(at(Diagnostic::new(
                        Code::TransportUnavailable,
                        format!(
                            "target `{}` is an edge function, which cannot open TCP sockets",
                            input.target.name
                        ),
                    )
                    .help("remove `transport`: edge functions use REST")));
                    None
                }
            }
            Transport::Rest if input.needs(Need::Blocking) || input.needs(Need::Watch) => {
                out.push(at(Diagnostic::new(
                    Code::TransportUnavailable,
                    format!(
                        "target `{}` needs {}, which the REST API does not offer",
                        input.target.name,
                        tcp_needs(input)
                    ),
                )
                .help(
                    "remove `transport = \"rest\"`, or remove the need from `needs`",
                )));
                None
            }
            t => Some(Decision {
                transport: t,
                reason: format!("{t}: set by `transport = \"{t}\"` in the target"),
            }),
        }
    }
}

/// The needs that only TCP can serve, as prose.
pub(super) fn tcp_needs(input: &RuleInput<'_>) -> &'static str {
    match (input.needs(Need::Blocking), input.needs(Need::Watch)) {
        (true, true) => "blocking commands and WATCH",
        (true, false) => "blocking commands (BLPOP, BRPOP, BLMOVE, ...)",
        _ => "WATCH (optimistic transactions)",
    }
}
