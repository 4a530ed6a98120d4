//! `mobile-full-access`: a mobile target that asks for read-write access ships the full token.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::{Access, Kind};
use crate::plan::{Facts, TargetPlan};

pub(super) fn run(facts: &Facts<'_>, _: &mut TargetPlan, out: &mut Vec<Diagnostic>) {
    let t = facts.target;
    if t.kind.as_ref().map(|k| k.value) == Some(Kind::Mobile)
        && let Some(a) = &t.access
        && a.value == Access::ReadWrite
    {
        out.push(
            Diagnostic::new(
                Code::MobileFullAccess,
                format!("mobile target `{}` gets the full-access token, which anyone can extract from the app", t.name),
            )
            .at(facts.source, a.span.clone())
            .help("use `access = \"read-only\"` (the default for mobile) and route writes through a backend"),
        );
    }
}
