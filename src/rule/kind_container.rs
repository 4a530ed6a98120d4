//! `kind = "container"` → TCP.

use super::kind::KindRule;
use crate::model::{Kind, Transport};

pub(super) const RULE: KindRule = KindRule {
    id: "kind-container",
    kind: Kind::Container,
    transport: Transport::Tcp,
    reason: "tcp: same as a server, pooled connections survive between requests",
    summary: "kind = container → tcp: same as server, pooled connections survive between requests",
    explanation: "A container (Docker, Kubernetes, Fly Machines, Railway and Render services, ECS, \
Cloud Run with min \
instances) runs a long-lived process just like a server: connections opened at start-up survive \
between requests, so the native TCP protocol is the fastest choice. If the platform scales to \
zero and starts a fresh container per request, consider `kind = \"lambda\"` instead.",
};
