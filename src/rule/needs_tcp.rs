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

#[cfg(test)]
mod tests {
    use crate::code::Code;
    use crate::diagnostic::SourceFile;
    use crate::interpolate::Env;
    use crate::model::Transport;
    use crate::plan::resolve;

    const DATABASE: &str = "[database.main]\n\
                            redis_url = \"rediss://default:pw@h.upstash.io:6379?ssl_cert_reqs=required\"\n\
                            rest_url = \"https://h.upstash.io\"\nrest_token = \"AXtoken\"\n\n";

    /// The codes (other than `secret-in-descriptor`) and messages of one target's descriptor,
    /// and its transport.
    fn lint(target: &str) -> (Vec<(Code, String, String)>, Option<Transport>) {
        let text = format!("{DATABASE}[target.q]\n{target}");
        let resolved = resolve(SourceFile::new("upwire.toml", &text), &Env::default());
        let found = resolved
            .diagnostics
            .iter()
            .filter(|d| d.code != Code::SecretInDescriptor)
            .map(|d| {
                let at = d
                    .location
                    .as_ref()
                    .map(|l| text[l.span.clone()].to_owned())
                    .unwrap_or_default();
                (d.code, d.message.clone(), at)
            })
            .collect();
        (found, resolved.plan.targets[0].transport)
    }

    /// A job queue's framework implies blocking commands: TCP, with the framework as the
    /// reason, even without `needs`.
    #[test]
    fn a_job_queue_gets_tcp_from_its_framework() {
        for framework in ["bullmq", "celery", "sidekiq"] {
            let (found, transport) = lint(&format!(
                "kind = \"container\"\nframework = \"{framework}\"\n"
            ));
            assert!(found.is_empty(), "{framework}: {found:?}");
            assert_eq!(transport, Some(Transport::Tcp), "{framework}");
        }
        let text = format!("{DATABASE}[target.q]\nkind = \"server\"\nframework = \"bullmq\"\n");
        let resolved = resolve(SourceFile::new("upwire.toml", &text), &Env::default());
        assert_eq!(resolved.plan.targets[0].rules[0], "needs-tcp");
        assert!(
            resolved.plan.targets[0].reasons[0].contains("for its bullmq workers"),
            "{:?}",
            resolved.plan.targets[0].reasons
        );
    }

    /// BullMQ over REST is refused at `transport`, naming BullMQ; as a lambda or an edge
    /// function it is one `kind-framework-mismatch` that says the workers need TCP.
    #[test]
    fn bullmq_without_tcp_is_one_clear_error() {
        let (found, transport) =
            lint("kind = \"server\"\nframework = \"bullmq\"\ntransport = \"rest\"\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, Code::TransportUnavailable);
        assert_eq!(found[0].2, "\"rest\"");
        assert!(found[0].1.contains("blocking commands"), "{}", found[0].1);
        assert!(found[0].1.contains("bullmq workers"), "{}", found[0].1);
        // The override is refused; the plan goes on with what the workers need.
        assert_eq!(transport, Some(Transport::Tcp));
        for kind in ["lambda", "edge"] {
            let (found, _) = lint(&format!("kind = \"{kind}\"\nframework = \"bullmq\"\n"));
            assert_eq!(found.len(), 1, "{kind}: {found:?}");
            assert_eq!(found[0].0, Code::KindFrameworkMismatch, "{kind}");
            assert_eq!(found[0].2, format!("\"{kind}\""));
            assert!(
                found[0].1.contains("long-lived") && found[0].1.contains("over TCP"),
                "{}",
                found[0].1
            );
        }
        // Django and Rails need no blocking commands, but their clients speak TCP only.
        for framework in ["django", "rails"] {
            let (found, transport) = lint(&format!(
                "kind = \"server\"\nframework = \"{framework}\"\ntransport = \"rest\"\n"
            ));
            assert_eq!(found.len(), 1, "{framework}: {found:?}");
            assert_eq!(found[0].0, Code::TransportUnavailable, "{framework}");
            assert!(found[0].1.contains("over TCP only"), "{}", found[0].1);
            assert_eq!(transport, Some(Transport::Tcp), "{framework}");
        }
        // A Node.js server may use `@upstash/redis`.
        let (found, transport) =
            lint("kind = \"server\"\nframework = \"express\"\ntransport = \"rest\"\n");
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(transport, Some(Transport::Rest));
        // `needs` written out says what it always said.
        let (found, _) = lint("kind = \"edge\"\nneeds = [\"blocking\"]\n");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, Code::NeedsUnsupported);
        assert_eq!(found[0].2, "\"blocking\"");
    }
}
