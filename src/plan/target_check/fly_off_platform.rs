//! `fly-off-platform`: a target on another platform than Fly whose TCP URL is a Fly.io
//! private database (`fly-*.upstash.io`), which resolves only inside Fly's private IPv6
//! network (Fly docs, https://fly.io/docs/reference/redis/ and
//! https://fly.io/docs/networking/private-networking/).

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{Platform, Transport};
use crate::plan::{Facts, TargetPlan};

pub(super) fn run(facts: &Facts<'_>, _: &mut TargetPlan, out: &mut Vec<Diagnostic>) {
    // Only a platform the descriptor names: `generic` (or none) may well be Fly.
    let Some(platform) = facts.target.platform.as_ref() else {
        return;
    };
    if matches!(platform.value, Platform::Fly | Platform::Generic)
        || facts.transport != Some(Transport::Tcp)
    {
        return;
    }
    let Some(url) = facts.database_plan.and_then(|p| p.redis_url.as_ref()) else {
        return;
    };
    if !crate::parse::is_fly_private(&url.host) {
        return;
    }
    out.push(
        Diagnostic::new(
            Code::FlyOffPlatform,
            format!(
                "target `{}` runs on {}, but `{}` is a Fly.io private database, reachable only inside Fly's private network",
                facts.target.name,
                platform.value.as_str(),
                url.host
            ),
        )
        .at(facts.source, platform.span.clone())
        .help("set `platform = \"fly\"` if the code runs on Fly; elsewhere use a regular Upstash database (its public TLS endpoint or REST API); from a laptop, `fly redis proxy` tunnels the Fly one to a local port"),
    );
}
