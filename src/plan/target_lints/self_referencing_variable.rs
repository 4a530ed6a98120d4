//! `self-referencing-variable`: a database field that adds text to `${NAME}`
//! (`redis_url = "${REDIS_URL}?ssl_cert_reqs=required"`) where `NAME` is a variable
//! `generate` writes for the target. `generate` would write the composed value into `NAME`,
//! the next run would read it back and add the text again, and every run would grow the
//! value in the env file. The target gets no files until the field reads another variable
//! or is exactly `${NAME}`.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::plan::{Facts, TargetPlan};

pub(super) fn run(facts: &Facts<'_>, plan: &mut TargetPlan, out: &mut Vec<Diagnostic>) {
    let Some(db) = facts.database else {
        return;
    };
    let fields = db.fields();
    for var in &plan.env {
        let whole = format!("${{{}}}", var.name);
        for (field, text) in &fields {
            let Some(text) = text else { continue };
            let reads_it = crate::interpolate::references(&text.raw)
                .iter()
                .any(|r| r.name() == Some(var.name.as_str()));
            if !reads_it || text.raw.trim() == whole {
                continue;
            }
            plan.blocked = Some("a database field adds text to a variable generate writes");
            out.push(
                Diagnostic::new(
                    Code::SelfReferencingVariable,
                    format!(
                        "`{field}` adds text to `{whole}`, and `{}` is the variable `generate` writes for target `{}`: each run would add the text again",
                        var.name, facts.target.name
                    ),
                )
                .at(facts.source, text.span.clone())
                .help(format!(
                    "keep the whole value in the env file (`{}=...` with the text in it) and write `{field} = \"{whole}\"`, or read it from a variable of another name",
                    var.name
                )),
            );
            return;
        }
    }
}
