//! `kind = "edge"` → REST.

use super::kind::KindRule;
use crate::model::{Kind, Transport};

pub(super) const RULE: KindRule = KindRule {
    id: "kind-edge",
    kind: Kind::Edge,
    transport: Transport::Rest,
    reason: "rest: edge runtimes cannot open raw TCP sockets",
    summary: "kind = edge → rest: edge runtimes cannot open raw TCP sockets",
    explanation: "Edge runtimes (Vercel Edge, Netlify Edge, Deno Deploy, Supabase Edge Functions, \
Cloudflare Workers) run \
in V8 isolates that offer `fetch` but no raw TCP sockets, so Redis clients such as ioredis or \
node-redis cannot connect at all. The REST API works over `fetch`. Cloudflare Workers do have \
`connect()` for TCP, which is why `transport = \"tcp\"` there is only a warning; REST is still \
the simpler choice.",
};
