//! `kind = "server"` → TCP.

use super::kind::KindRule;
use crate::model::{Kind, Transport};

pub(super) const RULE: KindRule = KindRule {
    id: "kind-server",
    kind: Kind::Server,
    transport: Transport::Tcp,
    reason: "tcp: a long-lived process keeps one connection open, and the native protocol is fastest",
    summary: "kind = server → tcp: long-lived process, native protocol is fastest",
    explanation: "A server is a long-lived process. It opens one TCP+TLS connection (or a small \
pool) at start-up and reuses it for every request, so the connection cost is paid once and each \
command costs one round trip on the native Redis protocol. The REST API would add HTTP framing, \
JSON encoding and a request per command (or per pipeline) on top. Use {var.tcp_url} with the \
`redis` crate's ConnectionManager, which reconnects on its own.",
};
