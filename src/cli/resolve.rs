//! `upwire resolve`.

use super::*;

pub(super) fn resolve(cli: &Cli, only: Option<&str>, show_secrets: bool) -> Result<u8, Error> {
    let out = Output::new(cli);
    let r = load_descriptor(cli)?;
    let targets = select_targets(&r, only)?;
    Report::new(
        Findings::new(&r.diagnostics, targets.iter().copied()).showing_secrets(show_secrets),
    )
    .revealing(show_secrets)
    .print(out.format, || {
        let mut stdout = Scrubbed::revealing(std::io::stdout().lock(), show_secrets);
        for t in &targets {
            let _ = write!(stdout, "{}", render_target(t, show_secrets));
        }
        drop(stdout);
        out.diagnostics(&r.diagnostics, std::slice::from_ref(&r.source));
    });
    Ok(exit_for(&r.diagnostics))
}

fn render_target(t: &TargetPlan, show_secrets: bool) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let transport = t.transport.map_or("undecided", |x| x.as_str());
    let _ = writeln!(s, "{} → {transport}", t.name);
    let mut facts = vec![format!("kind {}", t.kind.map_or("?", |k| k.as_str()))];
    if let Some(p) = t.platform {
        facts.push(format!("platform {p}"));
    }
    facts.push(format!("database {}", t.database.as_deref().unwrap_or("?")));
    facts.push(t.access.to_string());
    let _ = writeln!(s, "  {}", facts.join(" · "));
    for (rule, reason) in t.rules.iter().zip(&t.reasons) {
        let _ = writeln!(s, "  [{rule}] {reason}");
    }
    for var in &t.env {
        let value = var
            .display(show_secrets)
            .unwrap_or_else(|| "<unresolved>".to_owned());
        let _ = writeln!(s, "  {}={value}", var.name);
    }
    s.push('\n');
    s
}
