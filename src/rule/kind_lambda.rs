//! `kind = "lambda"` → REST.

use super::kind::KindRule;
use crate::model::{Kind, Transport};

pub(super) const RULE: KindRule = KindRule {
    id: "kind-lambda",
    kind: Kind::Lambda,
    transport: Transport::Rest,
    reason: "rest: each invocation would pay TCP+TLS setup, and frozen instances exhaust the connection limit",
    summary: "kind = lambda → rest: per-invocation TCP+TLS setup and connection limits",
    explanation: "A function (AWS Lambda, Google Cloud Functions, Vercel/Netlify serverless \
functions) may run each invocation in a fresh or frozen instance. A TCP connection then costs a \
TCP and TLS handshake per cold start, and frozen instances keep idle connections open until the \
database's connection limit is reached (`ERR max concurrent connections exceeded`). The REST API \
is stateless HTTP: no connection to keep, nothing to leak. Code that needs blocking commands or \
WATCH still gets TCP through the `needs-tcp` rule.",
};
