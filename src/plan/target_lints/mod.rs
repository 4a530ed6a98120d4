//! The lints `resolve` runs on each target besides the transport rules, one file each and
//! named after the diagnostic code they report, so `upwire explain CODE` and this list
//! agree. Some run on what the target declares (its name, `dir`, `access`), the others once
//! the rules have decided its transport.

use super::{Facts, TargetPlan};
use crate::code::Code;
use crate::diagnostic::Diagnostic;

mod celery_ssl_cert_reqs;
mod database_lacks_transport;
mod dir_outside_project;
mod env_prefix_missing;
mod fly_off_platform;
mod invalid_name;
mod kind_framework_mismatch;
mod kind_platform_mismatch;
mod mobile_full_access;
mod readonly_tcp;
mod redis_py_ssl_cert_reqs;
mod secret_public_prefix;
mod self_referencing_variable;
mod token_missing;

/// The resolved `rediss://` URL of a `framework` target over TCP, and its field: what the
/// Python lints (`celery-ssl-cert-reqs`, `redis-py-ssl-cert-reqs`) read.
fn tls_url_of<'a>(
    facts: &Facts<'a>,
    framework: crate::model::Framework,
) -> Option<(&'a str, &'a crate::descriptor::Text)> {
    if facts.target.framework.as_ref().map(|f| f.value) != Some(framework)
        || facts.transport != Some(crate::model::Transport::Tcp)
    {
        return None;
    }
    let field = facts.database?.redis_url.as_ref()?;
    let url = field.value.as_deref()?;
    url.get(..9)
        .is_some_and(|s| s.eq_ignore_ascii_case("rediss://"))
        .then_some((url, field))
}

/// When a lint runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    /// On what the target declares, before the rules.
    Declared,
    /// After the rules decided a transport (and the target has a database).
    Decided,
}

/// A lint on one target: the code it reports, when it runs, and its `run`, which reports
/// what it finds and may mark the target as lacking its transport or blocked.
struct TargetLint {
    code: Code,
    stage: Stage,
    run: fn(&Facts<'_>, &mut TargetPlan, &mut Vec<Diagnostic>),
}

const fn lint(
    code: Code,
    stage: Stage,
    run: fn(&Facts<'_>, &mut TargetPlan, &mut Vec<Diagnostic>),
) -> TargetLint {
    TargetLint { code, stage, run }
}

/// Every target lint, in the order they report.
static LINTS: &[TargetLint] = &[
    lint(Code::InvalidName, Stage::Declared, invalid_name::run),
    lint(
        Code::DirOutsideProject,
        Stage::Declared,
        dir_outside_project::run,
    ),
    lint(
        Code::KindPlatformMismatch,
        Stage::Declared,
        kind_platform_mismatch::run,
    ),
    lint(
        Code::KindFrameworkMismatch,
        Stage::Declared,
        kind_framework_mismatch::run,
    ),
    lint(
        Code::MobileFullAccess,
        Stage::Declared,
        mobile_full_access::run,
    ),
    lint(
        Code::DatabaseLacksTransport,
        Stage::Decided,
        database_lacks_transport::run,
    ),
    lint(Code::ReadonlyTcp, Stage::Decided, readonly_tcp::run),
    lint(
        Code::CelerySslCertReqs,
        Stage::Decided,
        celery_ssl_cert_reqs::run,
    ),
    lint(
        Code::RedisPySslCertReqs,
        Stage::Decided,
        redis_py_ssl_cert_reqs::run,
    ),
    lint(Code::FlyOffPlatform, Stage::Decided, fly_off_platform::run),
    lint(Code::TokenMissing, Stage::Decided, token_missing::run),
    lint(
        Code::SelfReferencingVariable,
        Stage::Decided,
        self_referencing_variable::run,
    ),
    lint(
        Code::SecretPublicPrefix,
        Stage::Decided,
        secret_public_prefix::run,
    ),
    lint(
        Code::EnvPrefixMissing,
        Stage::Decided,
        env_prefix_missing::run,
    ),
];

/// Runs the lints of `stage`.
pub(super) fn run(
    stage: Stage,
    facts: &Facts<'_>,
    plan: &mut TargetPlan,
    out: &mut Vec<Diagnostic>,
) {
    for lint in LINTS.iter().filter(|c| c.stage == stage) {
        let before = out.len();
        (lint.run)(facts, plan, out);
        // A lint reports its own code only: the file name, the code and `explain` agree.
        debug_assert!(out[before..].iter().all(|d| d.code == lint.code));
    }
}

/// Where a finding about the target's database goes: its `database` field, or its header.
fn database_span(facts: &Facts<'_>) -> std::ops::Range<usize> {
    facts
        .target
        .database
        .as_ref()
        .map_or_else(|| facts.target.span.clone(), |f| f.span.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_lint_per_code_each_with_an_explanation() {
        let mut seen = std::collections::HashSet::new();
        for c in LINTS {
            assert!(seen.insert(c.code), "{:?} twice", c.code);
            assert!(!c.code.explanation().is_empty());
        }
    }
}
