//! `dir-outside-project`: the target's `dir`, normalised, must stay inside the project.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::plan::{Facts, TargetPlan};
use crate::project_path::{escape_controls, normalize};

pub(super) fn run(facts: &Facts<'_>, plan: &mut TargetPlan, out: &mut Vec<Diagnostic>) {
    let Some(dir) = &facts.target.dir else { return };
    match normalize(&dir.value) {
        // A dir already refused as a credential keeps its masked form.
        Ok(normal) if plan.blocked.is_none() || plan.dir == "." => plan.dir = normal,
        Ok(_) => {}
        Err(problem) => {
            plan.blocked = Some("its `dir` leaves the project");
            out.push(
                Diagnostic::new(
                    Code::DirOutsideProject,
                    format!(
                        "the `dir` of target `{}` {}: `{}`",
                        escape_controls(&facts.target.name),
                        problem.describe(),
                        escape_controls(&dir.value)
                    ),
                )
                .at(facts.source, dir.span.clone())
                .help("use a directory inside the one that holds upwire.toml, e.g. `services/api`"),
            );
        }
    }
}
