//! `needs = ["blocking"]` or `["watch"]` → TCP, the only transport that offers them.

use std::sync::LazyLock;

use super::explicit_transport::{framework_needing_tcp, needs_tcp, tcp_needs};
use super::{Decision, Rule, RuleInput};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::Transport;

/// Blocking commands and WATCH need a connection.
#[derive(Debug)]
pub(super) struct NeedsTcp;

impl Rule for NeedsTcp {
    fn id(&self) -> &'static str {
        "needs-tcp"
    }

    fn summary(&self) -> &'static str {
        static TEXT: LazyLock<String> = LazyLock::new(|| {
            format!(
                "needs has {} → tcp; on {}: error needs-unsupported",
                crate::capability::tcp_only_need_names("or"),
                crate::capability::kinds_without_connections("or")
            )
        });
        &TEXT
    }

    fn explanation(&self) -> &'static str {
        "Blocking commands (BLPOP, BRPOP, BRPOPLPUSH, BLMOVE, BZPOPMIN, BZPOPMAX, blocking XREAD \
and XREADGROUP) hold a connection open until data arrives, and WATCH ties an optimistic \
transaction to one connection. The REST API is one HTTP request per command and offers neither. \
A target that lists them in `needs` gets TCP whatever its kind, so even a Lambda connects over \
TCP; so does a job queue's target (`framework = \"bullmq\"`, `\"celery\"` or `\"sidekiq\"`), whose \
workers wait for jobs in blocking commands (`upwire explain framework`). Edge functions and mobile apps cannot hold a TCP connection, so there the need cannot be \
met: `needs-unsupported`. (`pubsub` is available over REST as server-sent events and does not \
force TCP.)"
    }

    fn decide(&self, input: &RuleInput<'_>, out: &mut Vec<Diagnostic>) -> Option<Decision> {
        if !needs_tcp(input) {
            return None;
        }
        if !input.kind.holds_connections() {
            // A need from the framework alone (a job queue) on a kind that cannot hold a
            // connection is a kind the framework never runs as: `kind-framework-mismatch`
            // says so, once.
            if framework_needing_tcp(input).is_some() {
                return None;
            }
            let span = input
                .target
                .needs
                .iter()
                .find(|n| n.value.needs_tcp())
                .map(|n| n.span.clone())
                .or_else(|| framework_needing_tcp(input).map(|f| f.span.clone()))
                .unwrap_or_else(|| input.target.span.clone());
            out.push(
                Diagnostic::new(
                    Code::NeedsUnsupported,
                    format!(
                        "target `{}` ({}) needs {}, which only a TCP connection offers",
                        input.target.name,
                        input.kind,
                        tcp_needs(input)
                    ),
                )
                .at(input.source, span)
                .help("move this work to a server, container or lambda target, or poll instead of blocking"),
            );
            return None;
        }
        Some(Decision {
            transport: Transport::Tcp,
            reason: format!(
                "tcp: the code needs {}, which the REST API does not offer",
                tcp_needs(input)
            ),
        })
    }
}
