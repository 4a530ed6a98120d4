//! `kind = "mobile"` → REST with the read-only token.

use super::kind::KindRule;
use crate::model::{Kind, Transport};

pub(super) const RULE: KindRule = KindRule {
    id: "kind-mobile",
    kind: Kind::Mobile,
    transport: Transport::Rest,
    reason: "rest with the read-only token: anything shipped in an app is public",
    summary: "kind = mobile → rest with the read-only token: anything shipped in an app is public",
    explanation: "Mobile apps (Expo, React Native, native iOS/Android) ship their configuration \
inside the app bundle, where anyone can extract it. They cannot hold a Redis TCP connection \
either. They use the REST API with the read-only token, which Upstash designed for exactly this: \
it can read, it cannot write, flush or run scripts. Writes go through a backend target. \
`access` defaults to `read-only` for mobile targets; `read-write` is warned about \
(`mobile-full-access`).",
};
