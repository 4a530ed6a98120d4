//! `fly-off-platform`: a target on another platform than Fly (an error), or on none named (a
//! warning), whose TCP URL is a Fly.io private database (`fly-*.upstash.io`), which resolves
//! only inside Fly's private IPv6 network (Fly docs, https://fly.io/docs/reference/redis/ and
//! https://fly.io/docs/networking/private-networking/).

use crate::code::{Code, Severity};
use crate::diagnostic::Diagnostic;
use crate::model::{Platform, Transport};
use crate::plan::{Facts, TargetPlan};

pub(super) fn run(facts: &Facts<'_>, _: &mut TargetPlan, out: &mut Vec<Diagnostic>) {
    if facts.transport != Some(Transport::Tcp) {
        return;
    }
    let platform = facts.target.platform.as_ref();
    // Fly (nothing to say), anywhere (`generic` or none named: a warning, silenced by saying
    // where), or elsewhere (an error). Every platform by name: the compiler lists a new one.
    let elsewhere = match platform.map(|p| p.value) {
        Some(Platform::Fly) => return,
        None | Some(Platform::Generic) => None,
        Some(
            Platform::Docker
            | Platform::Kubernetes
            | Platform::AwsLambda
            | Platform::Vercel
            | Platform::Netlify
            | Platform::Cloudflare
            | Platform::Expo
            | Platform::Railway
            | Platform::Render
            | Platform::DenoDeploy
            | Platform::Supabase,
        ) => platform,
    };
    let Some(url) = facts.database_plan.and_then(|p| p.redis_url.as_ref()) else {
        return;
    };
    if !crate::parse::is_fly_private(&url.host) {
        return;
    }
    let (host, target) = (&url.host, &facts.target.name);
    // A platform other than Fly cannot reach the database: an error. Without one (or with
    // `generic`) the code may run on Fly, or anywhere: a warning.
    let d = match elsewhere {
        Some(p) => Diagnostic::new(
            Code::FlyOffPlatform,
            format!(
                "target `{target}` runs on {}, but `{host}` is a Fly.io private database, reachable only inside Fly's private network",
                p.value.as_str(),
            ),
        )
        .at(facts.source, p.span.clone()),
        None => Diagnostic::new(
            Code::FlyOffPlatform,
            format!(
                "target `{target}` does not say it runs on Fly, but `{host}` is a Fly.io private database, reachable only inside Fly's private network",
            ),
        )
        .at(
            facts.source,
            platform.map_or_else(|| facts.target.span.clone(), |p| p.span.clone()),
        )
        .severity(Severity::Warning),
    };
    out.push(d.help("set `platform = \"fly\"` if the code runs on Fly; elsewhere use a regular Upstash database (its public TLS endpoint or REST API); from a laptop, `fly redis proxy` tunnels the Fly one to a local port"));
}
