//! `kind-platform-mismatch`: a kind the target's platform does not run (a `server` on Vercel,
//! a `lambda` on Fly). What each platform runs is `Platform::runs` in capability.rs.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::plan::{Facts, TargetPlan};

pub(super) fn run(facts: &Facts<'_>, _: &mut TargetPlan, out: &mut Vec<Diagnostic>) {
    let t = facts.target;
    let (Some(kind), Some(platform)) = (&t.kind, &t.platform) else {
        return;
    };
    let (runs, what) = platform.value.runs();
    if runs.contains(&kind.value) {
        return;
    }
    let kinds: Vec<String> = runs.iter().map(|k| format!("`{k}`")).collect();
    out.push(
        Diagnostic::new(
            Code::KindPlatformMismatch,
            format!(
                "target `{}` has `kind = \"{}\"`, which {} does not run: it runs {what}",
                t.name, kind.value, platform.value
            ),
        )
        .at(facts.source, kind.span.clone())
        .help(format!(
            "set the kind the code runs as on {} ({}), or the platform it really runs on",
            platform.value,
            kinds.join(" or ")
        )),
    );
}
