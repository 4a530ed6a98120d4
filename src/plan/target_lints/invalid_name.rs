//! `invalid-name` at plan time: a target whose name is not valid (reported where the name is
//! read) must not reach any file, and a `dir` that holds what looks like a credential is
//! refused rather than written to disk and into the guide.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::is_valid_name;
use crate::plan::{Facts, TargetPlan};
use crate::secret::{Hint, Sensitive, sensitive_ranges};

pub(super) fn run(facts: &Facts<'_>, plan: &mut TargetPlan, out: &mut Vec<Diagnostic>) {
    let t = facts.target;
    if !is_valid_name(&t.name) {
        // A name with a newline in it must not start a new line in a generated file.
        plan.blocked = Some("its name is not valid");
    }
    if let Some(dir) = &t.dir
        && !sensitive_ranges(&dir.value, Hint::Path).is_empty()
    {
        // Shown masked wherever the plan shows it (the guide, resolve), and never written.
        plan.dir = Sensitive::classify(dir.value.as_str(), Hint::Path).masked();
        plan.blocked = Some("its `dir` holds what looks like a credential");
        out.push(
            Diagnostic::new(
                Code::InvalidName,
                format!(
                    "the `dir` of target `{}` holds what looks like a credential (a URL with a password, or a token)",
                    t.name
                ),
            )
            .at(facts.source, dir.span.clone())
            .help("`dir` is a directory relative to upwire.toml, e.g. `services/api`"),
        );
    }
}
