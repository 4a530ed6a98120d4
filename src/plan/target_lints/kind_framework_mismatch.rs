//! `kind-framework-mismatch`: a kind the target's framework never runs as (Django as an edge
//! function, Expo as a server). What each framework runs as is the framework table's `kinds`.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::plan::{Facts, TargetPlan};

pub(super) fn run(facts: &Facts<'_>, _: &mut TargetPlan, out: &mut Vec<Diagnostic>) {
    let t = facts.target;
    let (Some(kind), Some(framework)) = (&t.kind, &t.framework) else {
        return;
    };
    let runs = framework.value.facts().kinds;
    if runs.contains(&kind.value) {
        return;
    }
    let kinds: Vec<String> = runs.iter().map(|k| format!("`{k}`")).collect();
    // A job queue (BullMQ, Celery, Sidekiq) says why: its workers need TCP.
    let why = if framework.value.facts().needs.is_empty() {
        String::new()
    } else {
        format!(
            ": its workers are long-lived processes that wait for jobs in {} over TCP",
            crate::capability::tcp_only_needs(framework.value.facts().needs)
        )
    };
    out.push(
        Diagnostic::new(
            Code::KindFrameworkMismatch,
            format!(
                "target `{}` has `kind = \"{}\"`, but {} code runs as {}{why}",
                t.name,
                kind.value,
                framework.value,
                kinds.join(" or ")
            ),
        )
        .at(facts.source, kind.span.clone())
        .help("fix the kind or the framework (`upwire explain framework` lists what each runs as)"),
    );
}
